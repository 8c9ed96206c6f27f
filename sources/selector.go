package sources

import (
	"fmt"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
)

// field is one compiled PageSpec selector: a CSS selector and, for
// "sel@attr", the attribute to take instead of the text. An empty field
// selects nothing.
type field struct {
	sel  goquery.Matcher
	attr string
}

// compileField compiles "sel" or "sel@attr". "@attr" alone takes the
// attribute of the item element itself.
func compileField(spec string) (field, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return field{}, nil
	}
	sel, attr := spec, ""
	if i := strings.LastIndexByte(spec, '@'); i >= 0 && isAttrName(spec[i+1:]) {
		sel, attr = strings.TrimSpace(spec[:i]), spec[i+1:]
	}
	if sel == "" {
		return field{attr: attr}, nil
	}
	c, err := cascadia.Compile(sel)
	if err != nil {
		return field{}, fmt.Errorf("selector %q: %w", spec, err)
	}
	return field{sel: c, attr: attr}, nil
}

func isAttrName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == ':') {
			return false
		}
	}
	return true
}

func (f field) empty() bool { return f.sel == nil && f.attr == "" }

// value is the field's value in item: the text or attribute of the first
// match, "" when nothing matches.
func (f field) value(item *goquery.Selection) string {
	if f.empty() {
		return ""
	}
	s := item
	if f.sel != nil {
		s = item.FindMatcher(f.sel).First()
	}
	if s.Length() == 0 {
		return ""
	}
	if f.attr != "" {
		v, _ := s.Attr(f.attr)
		return foldSpace(v)
	}
	return selectionText(s)
}
