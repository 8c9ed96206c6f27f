package watcher_test

import (
	"context"
	"mime"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/deliver"
	"github.com/veille-hq/veille/notify"
	"github.com/veille-hq/veille/notify/smtptest"
	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
	"github.com/veille-hq/veille/watcher"
)

// TestAlertsBatchedPerRepAndStillInDigest drives the alert step of a cycle
// with the real renderer and sender: signals whose labels a watch list
// lists in alert_on are mailed to their owner, one message per rep per
// cycle, through the outbox; they still appear in the next digest. Both
// link each lead to its CRM record and its site.
func TestAlertsBatchedPerRepAndStillInDigest(t *testing.T) {
	now := time.Date(2026, 11, 23, 6, 30, 0, 0, time.UTC)
	cfg := &config.Config{
		Timezone: "Europe/Paris", Location: time.UTC,
		CRMURL: "https://crm.example.com/accounts/{crm_id}",
		Reps: []config.Rep{
			{ID: "alice", Name: "Alice Martin", Email: "alice@example.com", Language: "fr", Timezone: "Europe/Paris"},
			{ID: "bob", Name: "Bob Smith", Email: "bob@example.com", Language: "en", Timezone: "Europe/London"},
		},
		Watchlists: []config.Watchlist{{
			ID: "agro", Owner: "alice", AlertOn: []string{"financial_growth", "difficulty"},
			Prospects: []config.Prospect{
				{Name: "Breizh Conserves", Owner: "alice", CRMID: "001 A/B", Domain: "breizh.example"},
				{Name: "Armor Logistique", Owner: "alice", Site: "https://armor.example/home"},
				{Name: "Cidrerie de Cornouaille", Owner: "bob"},
			},
		}},
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "veille.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := notify.NewRenderer(notify.Options{From: "Veille <veille@example.com>"})
	if err != nil {
		t.Fatal(err)
	}
	srv := smtptest.Start(t, "", "")
	s, err := notify.NewSender(notify.SMTPOptions{Host: "127.0.0.1", Port: srv.Port, TLS: "none", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	lex, err := signals.NewLexicon(nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.New(cfg, lex)
	if err != nil {
		t.Fatal(err)
	}
	w := watcher.New(st, p, watcher.Options{
		Renderer: r, Alerts: true, Now: func() time.Time { return now },
	})

	lead := func(company, owner string) signals.Lead {
		return signals.Lead{Watchlist: "agro", Company: company, Owner: owner, Score: 72, Tier: signals.Hot}
	}
	sig := func(id, company string, l signals.Label) signals.Signal {
		return signals.Signal{ID: id, Watchlist: "agro", Company: company, Title: company + " — " + id, URL: "https://news.example/" + id,
			Labels: []signals.Label{l}, FirstSeen: now.Add(-time.Minute)}
	}
	refs, err := w.StoreSignals(
		[]signals.Lead{lead("Breizh Conserves", "alice"), lead("Armor Logistique", "alice"), lead("Cidrerie de Cornouaille", "bob")},
		[]signals.Signal{
			sig("raise", "Breizh Conserves", signals.FinancialGrowth),
			sig("hire", "Breizh Conserves", signals.HRMoves), // not in alert_on
			sig("plan", "Armor Logistique", signals.Difficulty),
			sig("export", "Cidrerie de Cornouaille", signals.FinancialGrowth),
		})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.QueueAlerts(refs, now); err != nil {
		t.Fatal(err)
	}
	if sent, failed, err := deliver.New(w, deliver.Options{Sender: s, Send: true, Now: func() time.Time { return now }}).Drain(context.Background()); err != nil || sent != 2 || failed != 0 {
		t.Fatalf("drain: sent %d, failed %d, err %v; want one alert per rep", sent, failed, err)
	}

	got := map[string]string{} // recipient → decoded subject
	bodies := map[string]string{}
	for _, m := range srv.Mails() {
		hdr, text, _, err := smtptest.Parts(m.Data)
		if err != nil {
			t.Fatal(err)
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(hdr.Get("Subject"))
		got[m.To[0]], bodies[m.To[0]] = subject, text
	}
	for _, tc := range []struct {
		to, subject string
		has, lacks  []string // lacks: "] title" is a listed signal; the lead's why may name any of its signals
	}{
		{"alice@example.com", "Alerte\u202f: Breizh Conserves — croissance financière (+ 1 lead)", []string{"Breizh Conserves — raise", "Armor Logistique — plan", "https://crm.example.com/accounts/001%20A%2FB", "https://breizh.example", "https://armor.example/home"}, []string{"] Breizh Conserves — hire", "export"}},
		{"bob@example.com", "Alert: Cidrerie de Cornouaille — financial growth", []string{"Cidrerie de Cornouaille — export"}, []string{"raise", "plan", "crm.example.com"}},
	} {
		t.Run(tc.to, func(t *testing.T) {
			if got[tc.to] != tc.subject {
				t.Errorf("subject %q, want %q", got[tc.to], tc.subject)
			}
			for _, s := range tc.has {
				if !strings.Contains(bodies[tc.to], s) {
					t.Errorf("alert lacks %q", s)
				}
			}
			for _, s := range tc.lacks {
				if strings.Contains(bodies[tc.to], s) {
					t.Errorf("alert carries %q", s)
				}
			}
		})
	}

	// The alerted news is not recorded as sent: the next digest has it.
	ds, err := w.BuildDigests(now.Add(time.Hour), "alice")
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	links := map[string][]signals.Link{}
	for _, d := range ds {
		for _, dl := range d.Leads {
			links[dl.Lead.Company] = dl.Links
			for _, s := range dl.New {
				ids = append(ids, s.ID)
			}
		}
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"hire", "plan", "raise"}) {
		t.Errorf("alice's next digest carries %v, want hire, plan and raise", ids)
	}
	want := []signals.Link{{Kind: signals.LinkCRM, URL: "https://crm.example.com/accounts/001%20A%2FB"}, {Kind: signals.LinkSite, URL: "https://breizh.example"}}
	if !slices.Equal(links["Breizh Conserves"], want) {
		t.Errorf("Breizh Conserves links %v, want %v", links["Breizh Conserves"], want)
	}
}
