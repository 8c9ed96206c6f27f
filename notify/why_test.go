package notify

import (
	stdhtml "html"
	"strings"
	"testing"

	"github.com/veille-hq/veille/notify/internal/sample"
	"github.com/veille-hq/veille/signals"
)

func TestWhyText(t *testing.T) {
	for _, tc := range []struct{ what, fr, en string }{
		{"sector in aerospace, automotive", "secteur\u202f: aerospace, automotive", "sector: aerospace, automotive"},
		{"headcount ≥ 50", "effectif ≥ 50", "headcount ≥ 50"},
		{"headcount ≥ 50, headcount ≤ 500", "effectif ≥ 50, effectif ≤ 500", "headcount ≥ 50, headcount ≤ 500"},
		{"sector = agro, food", "secteur\u202f: agro, food", "sector: agro, food"},
		{"ca_2025 ≥ 1000000", "ca_2025 ≥ 1000000", "ca_2025 ≥ 1000000"},
		{"new_sites, keyword: Usine à Brest", "nouveau site · mot-clé\u202f: Usine à Brest", "new site · keyword: Usine à Brest"},
		{"Something: else", "Something: else", "Something: else"},
		{"plain words", "plain words", "plain words"},
	} {
		for lang, want := range map[string]string{"fr": tc.fr, "en": tc.en} {
			if got := whyText(catalogFor(lang), tc.what); got != want {
				t.Errorf("%s %q: %q, want %q", lang, tc.what, got, want)
			}
		}
	}
}

// TestNewsOnce holds a card to its contract: each news item once, before
// the fit points however many there are, with its points and feedback
// links; an unsafe link is dropped, and an item without labels never
// prints an empty "[]".
func TestNewsOnce(t *testing.T) {
	r, err := NewRenderer(Options{From: "veille@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range []string{"fr", "en"} {
		d := sample.Digest(lang)
		dl := &d.Leads[0]
		for i := range 6 { // fit points outnumbering the news used to push it out
			dl.Lead.Why = append([]signals.Contribution{{What: "field" + string(rune('a'+i)) + " = x", Points: 30}}, dl.Lead.Why...)
		}
		dl.Links = append(dl.Links, signals.Link{Kind: signals.LinkSite, URL: "javascript:alert(1)"})
		m, err := r.Digest(d)
		if err != nil {
			t.Fatal(err)
		}
		_, text, html := parts(t, m.EML)
		html = stdhtml.UnescapeString(html)
		c := catalogFor(lang)
		for _, dl := range d.Leads {
			for _, s := range dl.New {
				title := s.Title
				if ch, ok := signals.ParseJobChange(title); ok {
					title = c.Change(ch.Before, ch.After)
				}
				if n := strings.Count(html, title); n != 1+callLines(d, s) {
					t.Errorf("%s: %q appears %d times in the html", lang, title, n)
				}
			}
		}
		// A careers change lists its offers one a line, in the rep's words.
		for _, part := range []string{html, text} {
			if strings.Contains(part, "job offers;") || strings.Contains(part, signals.OfferSep) ||
				!strings.Contains(part, "+ Conducteur de ligne H/F, équipe de nuit") || !strings.Contains(part, "+ Technicien de maintenance, CDI") {
				t.Errorf("%s: the careers change is not listed offer by offer:\n%s", lang, part)
			}
		}
		card := html[strings.Index(html, "Breizh Conserves</td>"):]
		news, fit := strings.Index(card, catalogFor(lang).Change(2, 4)), strings.Index(card, "fieldf")
		if news < 0 || fit < 0 || news > fit {
			t.Errorf("%s: the news (%d) is not listed before the fit points (%d)", lang, news, fit)
		}
		for _, want := range []string{c.Link[signals.LinkWrongCompany], c.Link[signals.LinkCRM], c.AllLeads, c.CallToday, c.quiet(4), "/feedback/wrong_company/s5"} {
			if !strings.Contains(html, want) || !strings.Contains(text, strings.TrimPrefix(want, "/")) {
				t.Errorf("%s: html or text lacks %q", lang, want)
			}
		}
		if strings.Contains(html, "javascript:") || strings.Contains(text, "javascript:") {
			t.Errorf("%s: an unsafe link was kept", lang)
		}
		if strings.Contains(text, "[]") {
			t.Errorf("%s: the text part prints an empty label list", lang)
		}
	}
}

// callLines is how many times the "call today" block names a signal's
// title: once when it is its lead's best news.
func callLines(d signals.Digest, s signals.Signal) int {
	switch s.ID {
	case "s1", "s3":
		return 1
	}
	return 0
}
