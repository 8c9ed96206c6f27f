package notify

import (
	stdhtml "html"
	"strings"
	"testing"

	"github.com/veille-hq/veille/signals"
)

// The links beside the news are worded in the rep's language, in both
// parts; one that is not http(s) is dropped.
func TestRenderLinks(t *testing.T) {
	r, err := NewRenderer(Options{From: "veille@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ lang, web, wrong, snooze string }{
		{"fr", "tous vos leads", "pas la bonne entreprise", "masquer 30 jours"},
		{"en", "all your leads", "wrong company", "snooze 30 days"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			d := sampleDigest(tc.lang, "Breizh Conserves lève 12 M€", "https://ouest-eco.example/a")
			d.Links = []signals.Link{{Kind: signals.LinkWeb, URL: "https://veille.example.com/v/REP/"}}
			d.Leads[0].Links = []signals.Link{{Kind: signals.LinkSnooze, URL: "https://veille.example.com/f/SNOOZE"}, {Kind: signals.LinkCustomer, URL: "javascript:alert(1)"}}
			d.Leads[0].SignalLinks = map[string][]signals.Link{"s1": {{Kind: signals.LinkWrongCompany, URL: "https://veille.example.com/f/WRONG"}}}
			m, err := r.Digest(d)
			if err != nil {
				t.Fatal(err)
			}
			_, text, html := parts(t, m.EML)
			for _, want := range []string{
				`data-link="web" href="https://veille.example.com/v/REP/"`,
				`data-link="snooze" href="https://veille.example.com/f/SNOOZE"`,
				`data-link="wrong_company" href="https://veille.example.com/f/WRONG"`,
				">" + tc.web + "<", ">" + tc.wrong + "<", ">" + tc.snooze + "<",
			} {
				if !strings.Contains(stdhtml.UnescapeString(html), want) {
					t.Errorf("html lacks %s", want)
				}
			}
			for _, want := range []string{tc.web, "https://veille.example.com/v/REP/", tc.wrong, "https://veille.example.com/f/WRONG", tc.snooze} {
				if !strings.Contains(text, want) {
					t.Errorf("text lacks %s:\n%s", want, text)
				}
			}
			if strings.Contains(html, "javascript:") || strings.Contains(text, "javascript:") {
				t.Errorf("a javascript: link was rendered")
			}
		})
	}
}
