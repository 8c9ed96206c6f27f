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
//
// Most summaries are text in plain tags (paragraphs, links, emphasis):
// tagText reads those with no tokenizer, whose 4 KB buffer per summary was
// an eighth of what a first cycle allocated; the tokenizer reads the rest.
func htmlToText(s string) string {
	if !strings.Contains(s, "<") {
		if strings.Contains(s, "&") {
			s = html.UnescapeString(s)
		}
		return foldSpace(s)
	}
	if t, ok := tagText(s); ok {
		return t
	}
	return tokenText(s)
}

// tokenText is htmlToText through x/net/html's tokenizer.
func tokenText(s string) string {
	w := spaceFolder{}
	w.b.Grow(len(s))
	z := html.NewTokenizer(strings.NewReader(s))
	hidden := 0 // depth of open elements whose text is not shown
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return w.b.String()
		case html.TextToken:
			if hidden == 0 {
				writeFolded(&w, z.Text())
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

// tagText is htmlToText for a fragment whose markup is start and end tags
// only, read as x/net/html's tokenizer reads them (tagEnd), with the text
// between them decoded as the tokenizer decodes text. At a comment, a
// declaration, a tag left open, or an element whose content is hidden or
// raw text (specialTag), it reports false: the tokenizer reads those.
func tagText(s string) (string, bool) {
	w := spaceFolder{}
	w.b.Grow(len(s))
	text := 0 // start of the text not yet written
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 || i+j+1 == len(s) {
			break // a '<' that ends the fragment is text
		}
		i += j
		name, c := i+1, s[i+1]
		switch {
		case isLetter(c):
		case c == '/' && i+2 < len(s) && isLetter(s[i+2]):
			name++
		case c == '/' || c == '!' || c == '?':
			return "", false
		default:
			i++ // a '<' before anything else is text
			continue
		}
		n, end := tagEnd(s, name)
		if end < 0 || name == i+1 && specialTag(s[name:n]) {
			return "", false
		}
		writeText(&w, s[text:i])
		w.space = true
		i, text = end, end
	}
	writeText(&w, s[text:])
	return w.b.String(), true
}

// writeText writes text between tags, its character references decoded
// as the tokenizer decodes those of a text token, one at a time: decoding
// the whole text made two copies of it. The tokenizer also turns CR LF
// into LF first, which changes nothing once white space is folded.
func writeText(w *spaceFolder, s string) {
	for {
		i := strings.IndexByte(s, '&')
		if i < 0 {
			writeFolded(w, s)
			return
		}
		writeFolded(w, s[:i])
		s = s[i:]
		n := refLen(s)
		if r, ok := numericRef(s[:n]); ok {
			var b [utf8.UTFMax]byte
			writeFolded(w, utf8.AppendRune(b[:0], r))
		} else {
			// What a reference reads depends on its bytes alone, up to
			// the end of refLen.
			writeFolded(w, html.UnescapeString(s[:n]))
		}
		s = s[n:]
	}
}

// refLen is the length of the character reference s starts with ('&'):
// '&', an optional '#', letters and digits, and an optional ';'. The
// tokenizer reads no further to decode it.
func refLen(s string) int {
	n := 1
	if n < len(s) && s[n] == '#' {
		n++
	}
	for n < len(s) && asciiAlnum(s[n]) {
		n++
	}
	if n < len(s) && s[n] == ';' {
		n++
	}
	return n
}

func asciiAlnum(c byte) bool { return isLetter(c) || '0' <= c && c <= '9' }

// numericRef decodes a decimal or hexadecimal reference ("&#39;",
// "&#x2019;") whose digits take all of ref but its ';', as the tokenizer
// does, and reports false for any other: a named one, one followed by
// other letters or digits, and one in 0x80–0x9F, which the tokenizer
// reads as Windows-1252.
func numericRef(ref string) (rune, bool) {
	ref = strings.TrimSuffix(ref, ";")
	if len(ref) < 3 || ref[1] != '#' {
		return 0, false
	}
	base, digits := int32(10), ref[2:]
	if digits[0] == 'x' || digits[0] == 'X' {
		base, digits = 16, digits[1:]
	}
	if digits == "" {
		return 0, false
	}
	var x rune
	for i := 0; i < len(digits); i++ {
		c := digits[i]
		var d rune
		switch {
		case '0' <= c && c <= '9':
			d = rune(c - '0')
		case base == 16 && 'a' <= c && c <= 'f':
			d = rune(c-'a') + 10
		case base == 16 && 'A' <= c && c <= 'F':
			d = rune(c-'A') + 10
		default:
			return 0, false
		}
		if x <= unicode.MaxRune {
			x = base*x + d
		}
	}
	switch {
	case 0x80 <= x && x <= 0x9F:
		return 0, false
	case x == 0 || 0xD800 <= x && x <= 0xDFFF || x > unicode.MaxRune:
		return utf8.RuneError, true
	}
	return x, true
}

// tagEnd reads the tag whose name starts at s[i] (a letter) as the
// tokenizer does (its readTag: the name, then attributes, each a key and
// an optional value, quoted or not). It returns where the name ends and
// the index after the '>' that closes the tag, or end -1 when the
// fragment ends first.
func tagEnd(s string, i int) (nameEnd, end int) {
	for ; ; i++ {
		if i == len(s) {
			return i, -1
		}
		if c := s[i]; isSpace(c) || c == '/' || c == '>' {
			break
		}
	}
	nameEnd = i
	for {
		if i = skipSpace(s, i); i == len(s) {
			return nameEnd, -1
		}
		if s[i] == '>' {
			return nameEnd, i + 1
		}
		// The key: a first '=' belongs to it, another or white space, '/'
		// or '>' ends it.
		for k := i; ; i++ {
			if i == len(s) {
				return nameEnd, -1
			}
			c := s[i]
			if c == '=' && i == k {
				continue
			}
			if c == '=' || isSpace(c) || c == '/' || c == '>' {
				break
			}
		}
		// The value, after an '=' only.
		if i = skipSpace(s, i); i == len(s) {
			return nameEnd, -1
		}
		switch s[i] {
		case '/':
			i++
			continue
		case '=':
		default:
			continue
		}
		if i = skipSpace(s, i+1); i == len(s) {
			return nameEnd, -1
		}
		switch q := s[i]; q {
		case '>':
		case '\'', '"':
			k := strings.IndexByte(s[i+1:], q)
			if k < 0 {
				return nameEnd, -1
			}
			i += k + 2
		default:
			for i++; ; i++ {
				if i == len(s) {
					return nameEnd, -1
				}
				if c := s[i]; isSpace(c) {
					i++
					break
				} else if c == '>' {
					break
				}
			}
		}
	}
}

// skipSpace returns the index of the first byte from i on that is not the
// tokenizer's white space.
func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

func isSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' }

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// specialTag reports whether a start tag's name (any case) opens an
// element whose text is hidden (hiddenElement) or read as raw text by the
// tokenizer (script, style, textarea, title and the like). ASCII letters
// only are lowered, as the tokenizer lowers them.
func specialTag(name string) bool {
	if len(name) < 3 || len(name) > 9 {
		return false
	}
	var b [9]byte
	for i := range len(name) {
		c := name[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		b[i] = c
	}
	switch string(b[:len(name)]) {
	case "script", "style", "noscript", "template", "iframe", "svg", "head",
		"noembed", "noframes", "plaintext", "textarea", "title", "xmp":
		return true
	}
	return false
}

// spaceFolder writes text with runs of white space folded to one space and
// none at either end, as foldSpace would leave it, and no space after an
// opening parenthesis or before a closing one, a full stop or a comma: the
// space that joining text nodes puts before the punctuation that follows
// an inline element ("<a>Frost</a>.").
type spaceFolder struct {
	b     strings.Builder
	space bool // a space is due before the next visible character
}

// writeFolded writes p to w.
func writeFolded[T string | []byte](w *spaceFolder, p T) {
	for i := 0; i < len(p); {
		c := p[i]
		if c < utf8.RuneSelf {
			if c == ' ' || '\t' <= c && c <= '\r' {
				w.space = true
			} else {
				w.visible(c)
				w.b.WriteByte(c)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(string(p[i:min(i+utf8.UTFMax, len(p))]))
		if unicode.IsSpace(r) {
			w.space = true
		} else {
			w.visible(c)
			w.b.WriteString(string(p[i : i+n]))
		}
		i += n
	}
}

// visible writes the space due before a visible character that starts
// with byte c.
func (w *spaceFolder) visible(c byte) {
	if w.space && w.b.Len() > 0 && c != '.' && c != ',' && c != ')' {
		if s := w.b.String(); s[len(s)-1] != '(' {
			w.b.WriteByte(' ')
		}
	}
	w.space = false
}

// foldSpace collapses runs of white space (NBSP included) into one space and
// trims the ends. Most titles are folded already, and come back as they are.
func foldSpace(s string) string {
	if isFolded(s) {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}

// isFolded reports whether s holds no white space but single spaces
// between other characters.
func isFolded(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, n := utf8.DecodeRuneInString(s[i:])
			if unicode.IsSpace(r) {
				return false
			}
			i += n
			continue
		}
		if c == ' ' {
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return false
			}
		} else if '\t' <= c && c <= '\r' {
			return false
		}
		i++
	}
	return true
}
