package main

import (
	"context"
	"html"
	"io"
	"strings"
	"testing"

	"github.com/veille-hq/veille/signals"
)

// TestDemoDigestLeadsWithAction runs the demo's cycle and holds each rep's
// digest to what a rep reads in ten seconds: a subject naming the hot
// companies, a "call today" block naming each hot or rising lead, every
// news item once in its lead's card, each lead linked to its CRM record.
func TestDemoDigestLeadsWithAction(t *testing.T) {
	t.Parallel()
	_, cfg := demoSetup(t)
	e := &env{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	a, err := openApp(e, common{config: cfg, logFormat: "text"}, appMode{noSend: true})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	now := a.w.Now()
	ds, err := a.w.BuildDigests(now, "")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := a.w.RenderDigests(now, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || len(ms) != 2 {
		t.Fatalf("%d digests, %d messages; want one per rep (2)", len(ds), len(ms))
	}
	for i, d := range ds {
		m := ms[i]
		page := html.UnescapeString(m.HTML)
		t.Logf("%s: %s (%d bytes of HTML)", d.Rep.ID, m.Subject, len(m.HTML))
		head, cards, ok := strings.Cut(page, "</td></tr>\n<tr><td class=\"v-rule\"")
		callAt := strings.Index(head, map[string]string{"fr": "À appeler aujourd'hui", "en": "Call today"}[d.Rep.Language])
		if !ok || callAt < 0 {
			t.Fatalf("%s: no call-today block before the cards", d.Rep.ID)
		}
		call := head[callAt:]
		hot := 0
		for _, dl := range d.Leads {
			l := dl.Lead
			if l.Tier == signals.Hot {
				hot++
				if !strings.Contains(m.Subject, l.Company) {
					t.Errorf("%s: subject %q does not name hot lead %s", d.Rep.ID, m.Subject, l.Company)
				}
			}
			if rising := l.Tier == signals.Potential && l.Trend7d >= 0.5; (l.Tier == signals.Hot || rising) != strings.Contains(call, l.Company) {
				t.Errorf("%s: %s (%s, trend %+.0f) in the call-today block: %v", d.Rep.ID, l.Company, l.Tier, l.Trend7d, !(l.Tier == signals.Hot || rising))
			}
			if l.CRMID != "" && !strings.Contains(cards, "https://crm.example.com/accounts/"+l.CRMID) {
				t.Errorf("%s: %s does not link to its CRM record", d.Rep.ID, l.Company)
			}
		}
		if hot == 0 {
			t.Errorf("%s: the demo gives no hot lead with news", d.Rep.ID)
		}
		// A story about two companies is a news item of each: it appears in
		// both cards, once in each.
		want := map[string]int{}
		for _, dl := range d.Leads {
			for _, s := range dl.New {
				want[s.Title]++
			}
		}
		for title, n := range want {
			if got := strings.Count(cards, title); got != n {
				t.Errorf("%s: %q appears %d times in the cards, want %d", d.Rep.ID, title, got, n)
			}
		}
	}
}
