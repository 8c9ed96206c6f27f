package sources

import (
	"bytes"
	"encoding/xml"
	"io"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"
)

// Atom documents whose text constructs of type html escapedAsText rewrites:
// prefixed names, single quotes, an xml:base, a raw wrapping div, CDATA.
var htmlTextDocs = map[string]string{
	"prefixed": `<?xml version="1.0"?><a:feed xmlns:a="http://www.w3.org/2005/Atom"><a:title type='html'>T &amp;amp; co</a:title>
<a:entry><a:title type="html">Acme &amp;lt;b&amp;gt;wins&amp;lt;/b&amp;gt;</a:title><a:id>x1</a:id>
<a:summary  type='html'>&lt;p&gt;A&lt;/p&gt;&lt;p&gt;B &amp;amp; C&lt;/p&gt;</a:summary></a:entry></a:feed>`,
	"xml:base and raw div": `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://b.example/news/">
<entry><title type="html">One</title><link href="one"/><id>1</id>
<content type="html"><div><p>See <a href="rel/x">this</a> &amp; more</p></div></content></entry>
<entry><title type="html"><![CDATA[Two <i>now</i>]]></title><link href="two"/><id>2</id>
<summary type="html">&lt;div&gt;&lt;a href="y"&gt;Link&lt;/a&gt; type="html" here&lt;/div&gt;</summary></entry></feed>`,
}

func TestEscapedAsTextKeepsItems(t *testing.T) {
	docs := map[string][]byte{
		"atom.xml":            readFixture(t, "atom.xml"),
		"feedserver_atom.xml": readFixture(t, "feedserver_atom.xml"),
	}
	for name, doc := range htmlTextDocs {
		docs[name] = []byte(doc)
	}
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	d := newFeedDecoder(0)
	for name, body := range docs {
		if bytes.Equal(escapedAsText(body), body) {
			t.Errorf("%s: no text construct rewritten", name)
		}
		got, _, err := d.decode(t.Context(), bytes.Clone(body), "application/atom+xml", "https://b.example/feed", now, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// What gofeed makes of the document as it is.
		feed, err := d.universal.Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		base, _ := url.Parse("https://b.example/feed")
		var want []any
		for _, it := range feed.Items {
			item, _, _ := feedItem(it, base, langTag(feed.Language), now, nil)
			want = append(want, item)
		}
		if len(got) != len(want) || len(got) == 0 {
			t.Fatalf("%s: %d items, want %d", name, len(got), len(want))
		}
		for i := range got {
			if !reflect.DeepEqual(any(got[i]), want[i]) {
				t.Errorf("%s: item %d = %+v, want %+v", name, i, got[i], want[i])
			}
		}
	}
}

func TestEscapedAsTextOnlyTextConstructs(t *testing.T) {
	body := []byte(`<feed><link rel="alternate" type="text/html" href="/"/><entry><link type="html" href="/a"/>` +
		`<title>type="html"</title><summary type="html">&lt;p&gt;x&lt;/p&gt;</summary>` +
		`<content src="/c" type="xhtml"/><summary xml:lang="en"	type="html">y</summary></entry></feed>`)
	orig := bytes.Clone(body)
	got := string(escapedAsText(body))
	if !bytes.Equal(body, orig) {
		t.Error("the document given was changed")
	}
	want := strings.NewReplacer(`<summary type="html">`, `<summary type="text">`, "\ttype=\"html\">y", "\ttype=\"text\">y").Replace(string(orig))
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}

// FuzzEscapedAsText checks, on any well-formed document gofeed parses, that
// marking the html text constructs as text changes none of the items
// feedItem makes. A malformed document is only required to parse after the
// rewrite too: gofeed's lenient parser reads broken tags as text, where the
// rewrite may show.
func FuzzEscapedAsText(f *testing.F) {
	for _, doc := range htmlTextDocs {
		f.Add([]byte(doc))
	}
	f.Add(readFixture(f, "atom.xml"))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><title>a</title>` +
		`<summary><![CDATA[<title type="html">x</title>]]></summary></entry></feed>`))
	f.Add([]byte(`<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id><!-- <title type="html"> -->` +
		`<title type="html">&lt;b&gt;t&lt;/b&gt;</title></entry></feed>`))
	d := newFeedDecoder(0)
	base, _ := url.Parse("https://b.example/feed")
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	items := func(body []byte) ([]any, bool) {
		feed, err := d.universal.Parse(bytes.NewReader(body))
		if err != nil {
			return nil, false
		}
		var out []any
		for _, it := range feed.Items {
			item, _, _ := feedItem(it, base, langTag(feed.Language), now, nil)
			out = append(out, item)
		}
		return out, true
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		want, ok := items(body)
		if !ok {
			return
		}
		got, ok := items(escapedAsText(body))
		if !ok {
			t.Fatalf("the document parses, its rewrite does not:\n%s", escapedAsText(body))
		}
		if wellFormed(body) && !reflect.DeepEqual(got, want) {
			t.Fatalf("items changed by the rewrite:\n got %+v\nwant %+v\nrewrite:\n%s", got, want, escapedAsText(body))
		}
	})
}

func wellFormed(body []byte) bool {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	for {
		_, err := dec.Token()
		if err == io.EOF {
			return true
		}
		if err != nil {
			return false
		}
	}
}
