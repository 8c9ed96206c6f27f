package sources

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/veille-hq/veille/signals"
)

func checkItems(t *testing.T, items []signals.Item) {
	t.Helper()
	for _, it := range items {
		if it.URL != "" {
			if c, err := Canonical(it.URL); err != nil || c != it.URL {
				t.Errorf("item URL %q is not canonical (%q, %v)", it.URL, c, err)
			}
		}
		if !utf8.ValidString(it.Title) || !utf8.ValidString(it.Summary) {
			t.Errorf("invalid UTF-8 in item %+v", it)
		}
		if it.Published.After(fixedNow) {
			t.Errorf("published %v after now", it.Published)
		}
		if len(it.Summary) > maxSummary {
			t.Errorf("summary of %d bytes", len(it.Summary))
		}
	}
}

func FuzzParseFeed(f *testing.F) {
	for _, name := range []string{"rss2_relative.xml", "atom.xml", "feed.json", "latin1_undeclared.xml", "html_not_feed.html", "challenge.html"} {
		f.Add(readFixture(f, name), "application/xml")
	}
	f.Add(readFixture(f, "latin1_undeclared.xml"), "text/xml; charset=iso-8859-15")
	f.Add([]byte(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><item><title>a</title><link>b</link></item></rdf:RDF>`), "")
	f.Add([]byte(`<feed version="0.3"><entry><title>t</title><issued>2004-01-01</issued></entry></feed>`), "")
	d := newFeedDecoder(0)
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		items, known, err := d.decode(context.Background(), body, contentType, "https://feed.example/a/feed.xml", fixedNow, nil)
		if err != nil {
			return
		}
		checkItems(t, items)
		// The same document again, with the known list it gave, brings
		// nothing new and the same list.
		again, known2, err := d.decode(context.Background(), body, contentType, "https://feed.example/a/feed.xml", fixedNow, known)
		if err != nil || len(again) != 0 || !slices.Equal(known, known2) {
			t.Fatalf("decoded again with its known list: %d items, known %v then %v, %v", len(again), known, known2, err)
		}
	})
}

func FuzzParsePage(f *testing.F) {
	for _, name := range []string{"page_cp1252.html", "newsroom_utf8.html", "careers_v1.html", "site_home.html"} {
		f.Add(readFixture(f, name), "text/html")
	}
	f.Add([]byte(`<base href="//other.example/x/"><div class="n"><a href="../y?utm_source=z#f">t</a><time datetime="2025-13-45">x</time></div>`), "text/html; charset=utf-8")
	spec := signals.PageSpec{Item: "article, .post, .n, li", Title: "h2, h3, a", Date: "time@datetime", Summary: "p"}
	f.Fuzz(func(t *testing.T, body []byte, contentType string) {
		items, err := parsePage(context.Background(), body, contentType, "https://news.example/fr/actualites", spec, fixedNow, 0)
		if err != nil {
			t.Fatalf("valid spec failed: %v", err)
		}
		checkItems(t, items)
		texts, _, err := extractChanges(context.Background(), body, contentType, "https://news.example/fr/carrieres", "li")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range texts {
			if s == "" || !utf8.ValidString(s) {
				t.Errorf("bad change text %q", s)
			}
		}
		if _, err := discoverFeeds(body, contentType, "https://news.example/"); err != nil {
			t.Fatal(err)
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"12 mars 2025", "lundi 3 mars 2025", "1er avril 2025", "12/03/2025", "March 12, 2025",
		"Wed, 12 Mar 2025 09:30:00 +0100", "2025-03-12T09:30:00Z", "31 février 2025", "9999-99-99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := ParseDate(s, fixedNow)
		if !ok {
			if !got.IsZero() {
				t.Errorf("ParseDate(%q) = %v, false; want zero", s, got)
			}
			return
		}
		if got.After(fixedNow) || got.Year() < 1989 {
			t.Errorf("ParseDate(%q) = %v", s, got)
		}
	})
}

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"HTTPS://Example.COM:443/a/../b?utm_source=x&b=1&a=2#frag", "http://[::1]:80/", "https://xn--caf-dma.example/é?q=é",
		"https://example.com/a%2Fb?x=%zz", "http://example.com?", "https://u:p@h.example/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Canonical(s)
		if err != nil {
			return
		}
		u, err := url.Parse(c)
		if err != nil {
			t.Fatalf("Canonical(%q) = %q, which does not parse: %v", s, c, err)
		}
		if (u.Scheme != "http" && u.Scheme != "https") || u.Fragment != "" || u.User != nil || u.Host != strings.ToLower(u.Host) {
			t.Errorf("Canonical(%q) = %q", s, c)
		}
		for k := range u.Query() {
			if strings.HasPrefix(strings.ToLower(k), "utm_") {
				t.Errorf("Canonical(%q) = %q keeps %s", s, c, k)
			}
		}
		again, err := Canonical(c)
		if err != nil || again != c {
			t.Errorf("not idempotent: %q -> %q -> %q (%v)", s, c, again, err)
		}
	})
}

// resolveLink returns a link that is already canonical as it is, without
// parsing it: it must give what parsing and printing it gives.
func FuzzResolveLink(f *testing.F) {
	for _, s := range []string{"http://127.0.1.1:18181/articles/f0/19.html", "https://example.com/a/b~c_d-e.html", "HTTP://example.com/",
		"http://example.com:80/a", "https://example.com:443/", "https://example.com:8443/a/./b", "http://example.com/a/../b", "http://example.com/.well-known/x",
		"http://Example.com/a", "http://example.com:/a", "http://example.com", "https://a-b.c/%41", "http://h/a b", "/relative/x.html", "x.html",
		"http://h:0080/a", "https://h.example/a//b/", "http://-/a", "http://./a", "http://1.2.3.4:99999999/a"} {
		f.Add(s)
	}
	base, err := url.Parse("https://feeds.example/news/rss.xml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, link string) {
		if got, want := resolveLink(base, link), resolveParsed(base, strings.TrimSpace(link)); got != want {
			t.Errorf("resolveLink(%q) = %q, want %q", link, got, want)
		}
	})
}
