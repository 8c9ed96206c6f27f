package sources

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
	"github.com/mmcdole/gofeed"
)

// refHTMLToText extracts text through a whole DOM per fragment: the simple
// reference the streaming htmlToText must match.
func refHTMLToText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return foldSpace(s)
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(s))
	if err != nil {
		return foldSpace(s)
	}
	return selectionText(doc.Selection)
}

// feedTexts returns the titles, descriptions and contents of a fixture
// feed's items: what feedItem hands to htmlToText.
func feedTexts(t testing.TB, name string) []string {
	t.Helper()
	feed, err := gofeed.NewParser().Parse(bytes.NewReader(readFixture(t, name)))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var out []string
	for _, it := range feed.Items {
		out = append(out, it.Title, it.Description, it.Content)
	}
	return out
}

// benchFeeds are real-shaped feeds: a regional news RSS with HTML in CDATA,
// and two documents of the shared bench feed server (RSS with CDATA
// summaries, Atom with escaped ones).
var benchFeeds = []string{"bench_feed.xml", "feedserver_rss_cdata.xml", "feedserver_atom.xml"}

func BenchmarkHTMLToText(b *testing.B) {
	for _, name := range benchFeeds {
		texts := feedTexts(b, name)
		var n int
		for _, s := range texts {
			n += len(s)
		}
		b.Run(strings.TrimSuffix(name, ".xml"), func(b *testing.B) {
			b.SetBytes(int64(n))
			b.ReportAllocs()
			for b.Loop() {
				for _, s := range texts {
					htmlToText(s)
				}
			}
		})
	}
}

// On real feeds the stream of tokens gives exactly the document's text.
func TestHTMLToTextMatchesDocumentText(t *testing.T) {
	for _, name := range []string{"bench_feed.xml", "feedserver_rss_cdata.xml", "feedserver_atom.xml", "rss2_relative.xml", "atom.xml"} {
		texts := feedTexts(t, name)
		for _, s := range texts {
			if got, want := htmlToText(s), refHTMLToText(s); got != want {
				t.Errorf("%s: htmlToText(%q)\n got %q\nwant %q", name, s, got, want)
			}
		}
	}
	for _, s := range []string{
		"<p>Kerloc <b>rachète</b> l&rsquo;atelier&nbsp;brestois.</p><p>180 salariés</p>",
		`<div><img src="x.png" alt="logo"><a href="/a">Frost</a>. Then <em>more</em>, (<i>quoted</i>)</div>`,
		"<script>var x = '<p>no</p>';</script>Visible<style>p{}</style> text<noscript>hidden</noscript>",
		"<svg><title>icon</title></svg>Après<br/>ligne<br>suivante &amp; fin",
		"<ul><li>un</li><li>deux</li></ul><!-- comment --><![CDATA[x]]>",
		"Pas de balise, mais des entités : &eacute;t&eacute; &#8364; 12&nbsp;M&euro;",
		"  spaces \t\n everywhere  ",
		"<p>unclosed <b>bold",
	} {
		if got, want := htmlToText(s), refHTMLToText(s); got != want {
			t.Errorf("htmlToText(%q)\n got %q\nwant %q", s, got, want)
		}
	}
}

// FuzzHTMLToText: on any input the text is folded and valid, and holds the
// same characters as the parsed document's text, in the same order, once
// spaces are set aside. Markup that a parser restructures is left out of
// the comparison: tables (text moves out of them), head and template
// content, foreign SVG/MathML, framesets, select, and NUL bytes.
func FuzzHTMLToText(f *testing.F) {
	for _, name := range benchFeeds {
		for _, s := range feedTexts(f, name) {
			f.Add(s)
		}
	}
	f.Add("a</span>b<p><b>x</p>y</b>z")
	restructured := []string{"<table", "<t", "<caption", "<col", "<head", "<template", "<svg", "<math", "<frame", "<select", "<option", "<plaintext", "<!doctype", "<image", "<html", "<body", "\x00"}
	f.Fuzz(func(t *testing.T, s string) {
		got := htmlToText(s)
		if got != foldSpace(got) {
			t.Fatalf("htmlToText(%q) = %q: white space not folded", s, got)
		}
		if utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("htmlToText(%q) = %q: invalid UTF-8", s, got)
		}
		lower := strings.ToLower(s)
		for _, r := range restructured {
			if strings.Contains(lower, r) {
				return
			}
		}
		if !utf8.ValidString(s) {
			return
		}
		noSpace := func(s string) string { return strings.Join(strings.Fields(s), "") }
		if want := refHTMLToText(s); noSpace(got) != noSpace(want) {
			t.Fatalf("htmlToText(%q)\n got %q\nwant %q", s, got, want)
		}
	})
}

// tagText reads the fragments it takes as the tokenizer does: attributes
// quoted, unquoted or bare, '>' inside quotes, stray '<', entities, and
// punctuation after inline elements. It leaves to the tokenizer what it
// does not read.
func TestTagTextMatchesTokenizer(t *testing.T) {
	for _, tc := range []struct {
		s  string
		ok bool
	}{
		{"<p>Kerloc <b>rachète</b> l&rsquo;atelier&nbsp;brestois.</p><p>180 salariés</p>", true},
		{`<a href="/x?a=1&amp;b=2" title='a > b'>lien</a>, puis (<i>note</i>) fin`, true},
		{`<img src=x.png alt=logo/>texte<br/>suite<br >fin`, true},
		{`<p class = "a" data-x = 'y' hidden>un</p><P>DEUX</P>`, true},
		{`<a ="x>y">z</a>`, true},
		{"<a b=c\td=e>f</a>", true},
		{"a < b et c <3 d <<p>e</p>", true},
		{"texte final <", true},
		{"<p>&#8364; &#x20AC; &euro &amp &notit; &#128; &#0;</p>", true},
		{"<p>&#39abc; &#x27;&#X2019 &#150; &#xD800; &#99999999999; &#; &#x; &amp;&amp&ampx &#38;&#38;</p>", true},
		{"<p>\r\nligne\ret\u00a0espace</p>", true},
		{"<SCRIPT>x</SCRIPT>y", false},
		{"<p>un<!-- commentaire -->deux</p>", false},
		{"<p>un</p><?php x ?>", false},
		{"<p>tag ouvert <b", false},
		{`<a href="non fermé>texte</a>`, false},
		{"fin </", false},
		{"un </> deux", false},
		{"<textarea><p>x</p></textarea>", false},
		{"<svg><text>x</text></svg>y", false},
	} {
		got, ok := tagText(tc.s)
		if ok != tc.ok {
			t.Errorf("tagText(%q) ok = %v, want %v", tc.s, ok, tc.ok)
		}
		if want := tokenText(tc.s); ok && got != want {
			t.Errorf("tagText(%q)\n got %q\nwant %q (tokenizer)", tc.s, got, want)
		}
		if got, want := htmlToText(tc.s), tokenText(tc.s); got != want {
			t.Errorf("htmlToText(%q)\n got %q\nwant %q (tokenizer)", tc.s, got, want)
		}
	}
}

// FuzzTagText: whatever tagText reads, it reads as the tokenizer does.
func FuzzTagText(f *testing.F) {
	for _, name := range benchFeeds {
		for _, s := range feedTexts(f, name) {
			f.Add(s)
		}
	}
	f.Add(`<a href="/x" title='a > b' c=d e>f</a>, (<i>g</i>) &amp;h < i <3`)
	f.Fuzz(func(t *testing.T, s string) {
		if got, ok := tagText(s); ok {
			if want := tokenText(s); got != want {
				t.Fatalf("tagText(%q)\n got %q\nwant %q (tokenizer)", s, got, want)
			}
		}
	})
}

func TestFoldSpace(t *testing.T) {
	for _, s := range []string{
		"", " ", "a", "a b", " a", "a ", "a  b", "a\tb", "a\nb", "a\u00a0b", "a\u0085b", "a \u2009b",
		"Kerloc rachète l’atelier", "\xff \xfe", "a\x00b", "a\vb", "a\fb", "a\rb",
	} {
		if got, want := foldSpace(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("foldSpace(%q) = %q, want %q", s, got, want)
		}
	}
}
