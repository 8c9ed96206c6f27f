package sources

import (
	"strings"

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
		if p.Type != html.ElementNode {
			continue
		}
		switch p.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Iframe, atom.Svg, atom.Head:
			return false
		}
	}
	return true
}

// selectionText is the visible text of sel with whitespace folded. Text
// nodes are joined by a space, so the one that lands before closing
// punctuation after an inline element ("<a>Frost</a>.") is taken out.
func selectionText(sel *goquery.Selection) string {
	return punctSpace.Replace(foldSpace(goquery.Text(sel, textOptions)))
}

var punctSpace = strings.NewReplacer(" .", ".", " ,", ",", " )", ")", "( ", "(")

// htmlToText turns an HTML fragment (a feed description) into plain text:
// tags dropped, entities decoded, script and style skipped, whitespace folded.
func htmlToText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return foldSpace(s)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(s))
	if err != nil {
		return foldSpace(s)
	}
	return selectionText(doc.Selection)
}

// foldSpace collapses runs of white space (NBSP included) into one space and
// trims the ends.
func foldSpace(s string) string { return strings.Join(strings.Fields(s), " ") }
