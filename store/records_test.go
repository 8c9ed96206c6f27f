package store

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

// Source, lead and outbox records round-trip, and every truncation of one
// is an error.
func TestRecordCodecsRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 23, 7, 30, 12, 5, time.UTC)
	src := sourceRecord{
		Source: signals.Source{ID: "changes:0011", Kind: signals.KindChanges, URL: "https://armor.example/jobs", Page: signals.PageSpec{Select: ".job", Item: "li"}},
		State: signals.SourceState{ETag: `"v1"`, FirstFetched: at, LastAttempt: at, Failures: 3, NextTry: at.Add(time.Hour), LastError: "403",
			ErrorKind: signals.ErrBlocked, Baseline: []string{"a", ""}, HasBaseline: true, BodyHash: "h", Known: []uint64{1, 1<<64 - 1}},
	}
	lead := signals.Lead{Watchlist: "agro", Company: "Breizh", Owner: "alice", CRMID: "c-1", Score: 69.1, Tier: signals.Potential, Trend7d: -0.3,
		Fit: 20, Signals: 3, LastSignalAt: at, Why: []signals.Contribution{{What: "sector = agro", Points: 20}, {What: "hr_moves: Breizh recrute", Points: -14.7}}}
	leadSigs := []signals.Signal{{ID: "s0", Title: "autre"}, {ID: "s1", Title: "Breizh recrute"}}
	titles := func(story string) string { return map[string]string{"s1": "Breizh recrute"}[story] }
	out := OutboxEntry{ID: 7, Status: StatusFailed, Attempts: 2, Created: at, NextTry: at.Add(time.Minute), LastError: "550",
		Message: signals.Message{Kind: "digest", Rep: "alice", From: "v@x", To: []string{"a@x", "b@x"}, Subject: "s", MessageID: "<m>", EML: []byte("eml")}}
	hook := OutboxEntry{ID: 8, Status: StatusPending, Created: at, NextTry: at,
		Message: signals.Message{Kind: "alert", Rep: "alice", To: []string{"webhook hooks.slack.com"}, Subject: "s",
			Transport: signals.TransportWebhook, URL: "https://hooks.slack.com/services/T/B/secret", Body: []byte(`{"text":"x"}`)}}
	odd := hook
	odd.Status = "paused"
	cases := []struct {
		name   string
		k, v   []byte
		decode func(k, v []byte) (any, error)
		want   any
	}{
		{"source", []byte(src.Source.ID), encodeSource(src), func(k, v []byte) (any, error) { return decodeSource(k, v) }, src},
		{"lead", []byte(lead.Key()), encodeLead(lead, leadSigs), func(k, v []byte) (any, error) { return decodeLead(k, v, titles) }, lead},
		{"outbox", u64(out.ID), encodeOutbox(out), func(k, v []byte) (any, error) { return decodeOutbox(k, v) }, out},
		{"outbox webhook", u64(hook.ID), encodeOutbox(hook), func(k, v []byte) (any, error) { return decodeOutbox(k, v) }, hook},
		{"outbox, odd status", u64(odd.ID), encodeOutbox(odd), func(k, v []byte) (any, error) { return decodeOutbox(k, v) }, odd},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := c.decode(c.k, c.v)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("round trip:\n got %+v, %v\nwant %+v", got, err, c.want)
			}
			for n := range len(c.v) {
				if _, err := c.decode(c.k, c.v[:n]); !errors.Is(err, errCorrupt) {
					t.Errorf("decode of the first %d of %d bytes: %v, want corrupt", n, len(c.v), err)
				}
			}
		})
	}
}

// A lead's explanation refers to its signals' titles instead of copying
// them, and a line whose signal is gone keeps the rest of its text.
func TestLeadRecordRefersToSignalTitles(t *testing.T) {
	title := strings.Repeat("Breizh Conserves lève 12 millions d'euros ", 3)
	sigs := []signals.Signal{{ID: "163d1ca97521a199d3f0", Title: title}}
	lead := signals.Lead{Watchlist: "agro", Company: "Breizh", Why: []signals.Contribution{{What: "financial_growth: " + title, Points: 25}}}
	v := encodeLead(lead, sigs)
	if len(v) >= len(title) {
		t.Errorf("lead record %d bytes: the %d-byte title was copied", len(v), len(title))
	}
	got, err := decodeLead([]byte(lead.Key()), v, func(string) string { return "" })
	if err != nil || got.Why[0].What != "financial_growth: " {
		t.Errorf("with its signal pruned: %+v, %v", got.Why, err)
	}
}
