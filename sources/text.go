package sources

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// textOptions extract the visible text of a selection: script, style and
// other non-text elements are skipped, text nodes are trimmed and joined by
// one space.
var textOptions = &goquery.TextOptions{Trim: true, Separator: " ", Keep: visibleText}

func visibleText(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && hiddenElement(p.DataAtom) {
			return false
		}
	}
	return true
}

// hiddenElement says whether the text inside an element is not part of
// what a reader sees.
func hiddenElement(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Iframe, atom.Svg, atom.Head:
		return true
	}
	return false
}

// selectionText is the visible text of sel with whitespace folded. Text
// nodes are joined by a space, so the one that lands before closing
// punctuation after an inline element ("<a>Frost</a>.") is taken out.
func selectionText(sel *goquery.Selection) string {
	return punctSpace.Replace(foldSpace(goquery.Text(sel, textOptions)))
}

var punctSpace = strings.NewReplacer(" .", ".", " ,", ",", " )", ")", "( ", "(")

// htmlToText turns an HTML fragment (a feed description) into plain text:
// tags dropped, entities decoded, script and style skipped, whitespace
// folded. It reads the fragment as a stream of tokens rather than building
// a document: a DOM per item cost as much as gofeed's whole parse. Each tag
// separates words, as the text nodes of a document are joined by a space,
// so it gives what the visible text of the parsed document gives, except
// where a parser would restructure broken markup (a stray end tag between
// two halves of a word, text misplaced in a table), which a news summary
// rarely is and the classifier does not notice.
func htmlToText(s string) string {
	if !strings.Contains(s, "<") {
		if strings.Contains(s, "&") {
			s = html.UnescapeString(s)
		}
		return foldSpace(s)
	}
	w := spaceFolder{}
	w.b.Grow(len(s))
	z := html.NewTokenizer(strings.NewReader(s))
	hidden := 0 // depth of open elements whose text is not shown
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return punctSpace.Replace(w.b.String())
		case html.TextToken:
			if hidden == 0 {
				w.write(z.Text())
			}
			continue
		case html.StartTagToken, html.EndTagToken:
			name, _ := z.TagName()
			if hiddenElement(atom.Lookup(name)) {
				if tt == html.StartTagToken {
					hidden++
				} else if hidden > 0 {
					hidden--
				}
			}
		}
		w.space = true
	}
}

// spaceFolder writes text with runs of white space folded to one space and
// none at either end, as foldSpace would leave it.
type spaceFolder struct {
	b     strings.Builder
	space bool // a space is due before the next visible character
}

func (w *spaceFolder) write(p []byte) {
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf {
			if c == ' ' || '\t' <= c && c <= '\r' {
				w.space = true
			} else {
				w.visible()
				w.b.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(p[i:])
		if unicode.IsSpace(r) {
			w.space = true
		} else {
			w.visible()
			w.b.Write(p[i : i+n])
		}
		i += n
	}
}

func (w *spaceFolder) visible() {
	if w.space && w.b.Len() > 0 {
		w.b.WriteByte(' ')
	}
	w.space = false
}

// foldSpace collapses runs of white space (NBSP included) into one space and
// trims the ends.
func foldSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
