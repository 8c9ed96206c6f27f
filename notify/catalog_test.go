package notify

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// TestCatalogComplete fails when a string is added to one language and
// forgotten in the other.
func TestCatalogComplete(t *testing.T) {
	for _, lang := range []string{"fr", "en"} {
		t.Run(lang, func(t *testing.T) {
			c := reflect.ValueOf(catalogFor(lang))
			for i := range c.NumField() {
				f, name := c.Field(i), c.Type().Field(i).Name
				if f.IsZero() {
					t.Errorf("%s is empty", name)
				}
			}
			for _, tier := range []string{"hot", "potential", "cold"} {
				if catalogFor(lang).Tier[tier] == "" {
					t.Errorf("tier %s has no name", tier)
				}
			}
		})
	}
	if fr, en := catalogFor("fr"), catalogFor("en"); fr.Heading == en.Heading || fr.HealthIntro == en.HealthIntro {
		t.Error("French and English share a sentence: one language was not translated")
	}
}

func TestShortDate(t *testing.T) {
	for _, tc := range []struct {
		lang string
		at   time.Time
		want string
	}{
		{"fr", time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), "lun. 23 nov."},
		{"en", time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC), "Mon 23 Nov"},
		{"fr", time.Date(2026, 8, 2, 12, 0, 0, 0, time.UTC), "dim. 2 août"},
		{"en", time.Date(2026, 2, 28, 12, 0, 0, 0, time.UTC), "Sat 28 Feb"},
	} {
		t.Run(tc.lang+" "+tc.want, func(t *testing.T) {
			if got := catalogFor(tc.lang).shortDate(tc.at); got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestTemplateOverrides(t *testing.T) {
	for _, tc := range []struct {
		name    string
		files   fstest.MapFS
		wantErr string // empty: renders, with html containing wantHTML
		html    string
	}{
		{"no override", fstest.MapFS{}, "", "Your watch for today"},
		{"html overridden, text embedded", fstest.MapFS{"digest.html.tmpl": {Data: []byte("<p>{{.Heading}} ({{len .Leads}})</p>")}}, "", "<p>Your watch for today (1)</p>"},
		{"hostile text still escaped in an override", fstest.MapFS{"digest.html.tmpl": {Data: []byte("{{range .Leads}}{{range .News}}{{.Title}}{{end}}{{end}}")}}, "", "&lt;script&gt;"},
		{"broken override named", fstest.MapFS{"digest.txt.tmpl": {Data: []byte("{{.Heading")}}, "digest.txt.tmpl", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewRenderer(Options{From: "veille@example.com", Templates: tc.files})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want one naming %s", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			m, err := r.Digest(sampleDigest("en", "<script>alert(1)</script>", "https://a.example/"))
			if err != nil {
				t.Fatal(err)
			}
			_, text, html := parts(t, m.EML)
			if !strings.Contains(html, tc.html) {
				t.Errorf("html %q lacks %q", html, tc.html)
			}
			if !strings.Contains(text, "Breizh Conserves") {
				t.Errorf("text part %q lacks the lead", text)
			}
		})
	}
}
