package config

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// DefaultBODACC is the official BODACC API query for one SIREN: the
// company's 20 latest commercial announcements, newest first.
const DefaultBODACC = "https://bodacc-datadila.opendatasoft.com/api/explore/v2.1/catalog/datasets/annonces-commerciales/records" +
	"?where=registre%20like%20%22{siren}%22&order_by=dateparution%20desc&limit=20"

// BODACCOff in registries.bodacc reads no announcements.
const BODACCOff = "off"

// Placeholders of the URL templates: news_search may use them all, a
// registry query only the company number.
var (
	searchPlaceholders = []string{"name", "alias", "domain", "query", "siren"}
	bodaccPlaceholders = []string{"siren"}
)

// templatePart is a literal run of a URL template, or a placeholder.
type templatePart struct {
	lit, ph string
}

// parseTemplate splits a URL template on its {placeholders}. A URL has no
// use for a literal brace (it is written %7B), so every brace opens one.
func parseTemplate(t string) ([]templatePart, error) {
	var parts []templatePart
	for s, at := t, 0; s != ""; {
		i := strings.IndexAny(s, "{}")
		if i < 0 {
			parts = append(parts, templatePart{lit: s})
			break
		}
		if s[i] == '}' {
			return nil, fmt.Errorf(`"}" without "{" at byte %d`, at+i)
		}
		if i > 0 {
			parts = append(parts, templatePart{lit: s[:i]})
		}
		end := strings.IndexByte(s[i:], '}')
		if end < 0 {
			return nil, fmt.Errorf(`"{" at byte %d is not closed`, at+i)
		}
		ph := s[i+1 : i+end]
		if ph == "" || strings.Contains(ph, "{") {
			return nil, fmt.Errorf("empty or nested placeholder at byte %d", at+i)
		}
		parts = append(parts, templatePart{ph: ph})
		s, at = s[i+end+1:], at+i+end+1
	}
	return parts, nil
}

// expand writes the template with each placeholder's value URL-encoded for
// a query component; ok is false when a placeholder has no value.
func expand(parts []templatePart, vals map[string]string) (string, bool) {
	var b strings.Builder
	for _, p := range parts {
		if p.ph == "" {
			b.WriteString(p.lit)
			continue
		}
		v := vals[p.ph]
		if v == "" {
			return "", false
		}
		b.WriteString(url.QueryEscape(v))
	}
	return b.String(), true
}

// SearchQuery is a prospect's {query}: its name and aliases, each quoted
// as a phrase, joined by OR, the syntax news search engines share.
func (p Prospect) SearchQuery() string {
	var terms []string
	for _, n := range append([]string{p.Name}, p.Aliases...) {
		// A quote inside a name would end the phrase early.
		n = strings.Join(strings.Fields(strings.ReplaceAll(n, `"`, " ")), " ")
		if n != "" && !slices.Contains(terms, `"`+n+`"`) {
			terms = append(terms, `"`+n+`"`)
		}
	}
	return strings.Join(terms, " OR ")
}

// SearchURLs expands the watch list's news_search templates for one of
// its prospects. {name}, {domain} and {siren} are the prospect's; {query}
// is SearchQuery, one request for every name; {alias} gives one URL per
// alias, for engines without OR. A template whose placeholder the
// prospect lacks (no alias, no domain, no siren) gives no URL. The
// templates are valid once the config is (Load checks them).
func (w Watchlist) SearchURLs(p Prospect) []string {
	var out []string
	add := func(u string, ok bool) {
		if ok && !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	for _, t := range w.NewsSearch {
		parts, err := parseTemplate(t)
		if err != nil {
			continue
		}
		vals := map[string]string{
			"name":   strings.TrimSpace(p.Name),
			"domain": strings.TrimSpace(p.Domain),
			"siren":  p.SIRENDigits(),
			"query":  p.SearchQuery(),
		}
		if !slices.ContainsFunc(parts, func(tp templatePart) bool { return tp.ph == "alias" }) {
			add(expand(parts, vals))
			continue
		}
		for _, a := range p.Aliases {
			vals["alias"] = strings.TrimSpace(a)
			add(expand(parts, vals))
		}
	}
	return out
}

// SIRENDigits is the prospect's SIREN without the spaces it is often
// written with ("552 100 554").
func (p Prospect) SIRENDigits() string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\u00a0' || r == '\u202f' || r == '.' {
			return -1
		}
		return r
	}, p.SIREN)
}

// BODACCURL is the BODACC API query for a SIREN, or "" when the prospect
// has none or registries.bodacc is off.
func (c *Config) BODACCURL(siren string) string {
	t := c.Registries.BODACC
	if t == BODACCOff || siren == "" {
		return ""
	}
	if t == "" {
		t = DefaultBODACC
	}
	parts, err := parseTemplate(t)
	if err != nil {
		return ""
	}
	u, _ := expand(parts, map[string]string{"siren": siren})
	return u
}

// checkSIREN says what is wrong with a SIREN, or "" when it is valid: nine
// digits whose Luhn sum is a multiple of ten.
func checkSIREN(s string) string {
	if len(s) == 8 && strings.Trim(s, "0123456789") == "" {
		return fmt.Sprintf("expected 9 digits, got 8 (%s): did a spreadsheet drop a leading zero?", s)
	}
	if len(s) != 9 || strings.Trim(s, "0123456789") != "" {
		return fmt.Sprintf("expected a SIREN of 9 digits such as 552 100 554, got %q", s)
	}
	sum := 0
	for i := range 9 {
		d := int(s[8-i] - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	if sum%10 != 0 {
		return fmt.Sprintf("%s fails the SIREN check digit (Luhn): a typo?", s)
	}
	return ""
}

// checkTemplate says what is wrong with a URL template whose placeholders
// must come from known and include the required ones, or "".
func checkTemplate(t string, known, required []string) string {
	parts, err := parseTemplate(t)
	if err != nil {
		return fmt.Sprintf("%q: %v", t, err)
	}
	sample := map[string]string{}
	var used []string
	for _, p := range parts {
		if p.ph == "" {
			continue
		}
		if !slices.Contains(known, p.ph) {
			return fmt.Sprintf("unknown placeholder {%s} (known: %s)", p.ph, braces(known))
		}
		used = append(used, p.ph)
		sample[p.ph] = "x"
	}
	if len(used) == 0 {
		return fmt.Sprintf("%q has no placeholder (%s): every prospect would fetch the same URL", t, braces(known))
	}
	for _, r := range required {
		if !slices.Contains(used, r) {
			return fmt.Sprintf("%q lacks {%s}", t, r)
		}
	}
	u, _ := expand(parts, sample)
	if msg := checkURL(u); msg != "" {
		return fmt.Sprintf("%q expands to no usable URL: %s", t, msg)
	}
	// A value is encoded for a query, which a host name cannot hold.
	if _, rest, ok := strings.Cut(parts[0].lit, "://"); !ok || !strings.ContainsAny(rest, "/?") {
		return fmt.Sprintf("%q: placeholders go in the path or the query, after the host", t)
	}
	return ""
}

func braces(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "{" + n + "}"
	}
	return strings.Join(out, ", ")
}

// searchSources checks what the sources found without a feed need: the
// news_search templates, registries.bodacc and each prospect's SIREN.
func (v *validator) searchSources() {
	if t := v.c.Registries.BODACC; t != "" && t != BODACCOff {
		if msg := checkTemplate(t, bodaccPlaceholders, bodaccPlaceholders); msg != "" {
			v.at("registries.bodacc", "%s (or %q to read no announcements)", msg, BODACCOff)
		}
	}
	for wi, w := range v.c.Watchlists {
		for j, t := range w.NewsSearch {
			if msg := checkTemplate(t, searchPlaceholders, nil); msg != "" {
				v.at(fmt.Sprintf("watchlists[%d].news_search[%d]", wi, j), "%s", msg)
			}
		}
		sirens := map[string]string{}
		for pi, p := range w.Prospects {
			if p.SIREN == "" {
				continue
			}
			s := p.SIRENDigits()
			if msg := checkSIREN(s); msg != "" {
				v.atProspect(wi, pi, "siren", "%s", msg)
				continue
			}
			if first, dup := sirens[s]; dup {
				v.atProspect(wi, pi, "siren", "%s is also %s's SIREN in watch list %q", s, first, w.ID)
				continue
			}
			sirens[s] = p.Name
		}
	}
}
