package store

import (
	"reflect"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

func TestFeedbackRoundTrip(t *testing.T) {
	s := openTemp(t)
	lead := signals.Lead{Watchlist: "agro", Company: "Kerlann"}
	other := signals.Lead{Watchlist: "agro", Company: "Kerlann Frères"}
	sig := signals.Signal{
		ID: "s1", Title: "Kerlann recrute 40 caristes", URL: "https://news.example/a", Source: "https://news.example/feed",
		Labels:   []signals.Label{"hr_moves"},
		Evidence: map[signals.Label][]signals.Evidence{"hr_moves": {{Term: "recrute", Field: "title", Offset: 8}}},
	}
	wrong := signals.NewFeedback(signals.LinkWrongCompany, "alice", lead, sig, t0)
	snooze := signals.NewFeedback(signals.LinkSnooze, "alice", lead, signals.Signal{}, t0.Add(time.Hour))
	customer := signals.NewFeedback(signals.LinkCustomer, "bob", other, signals.Signal{}, t0)
	if err := s.Update(func(tx *Tx) error {
		for _, f := range []signals.Feedback{wrong, snooze, customer} {
			if err := tx.PutFeedback(f); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		lead string
		want []signals.Feedback
	}{
		{lead.Key(), []signals.Feedback{snooze, wrong}}, // key order: kind, then story
		{other.Key(), []signals.Feedback{customer}},
		{signals.LeadKey("agro", "Nobody"), nil},
	}
	for _, tt := range tests {
		var got []signals.Feedback
		s.View(func(tx *Tx) (err error) { got, err = tx.LeadFeedback(tt.lead); return err })
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("LeadFeedback(%q):\n got %+v\nwant %+v", tt.lead, got, tt.want)
		}
	}

	var all []signals.Feedback
	s.View(func(tx *Tx) (err error) { all, err = tx.AllFeedback(); return err })
	if len(all) != 3 {
		t.Fatalf("AllFeedback: %d records, want 3", len(all))
	}

	for _, tt := range []struct {
		kind  signals.LinkKind
		story string
		found bool
	}{
		{signals.LinkWrongCompany, "s1", true},
		{signals.LinkWrongCompany, "s1", false}, // undone already
		{signals.LinkNotRelevant, "s1", false},
	} {
		var found bool
		if err := s.Update(func(tx *Tx) (err error) {
			found, err = tx.DeleteFeedback(lead.Key(), tt.kind, tt.story)
			return err
		}); err != nil || found != tt.found {
			t.Errorf("DeleteFeedback(%s, %s) = %v, %v; want %v", tt.kind, tt.story, found, err, tt.found)
		}
	}
	var left []signals.Feedback
	s.View(func(tx *Tx) (err error) { left, err = tx.LeadFeedback(lead.Key()); return err })
	if !reflect.DeepEqual(left, []signals.Feedback{snooze}) {
		t.Fatalf("after undo: %+v, want the snooze only", left)
	}
}

func TestFeedbackSurvivesReopen(t *testing.T) {
	s := openTemp(t)
	f := signals.NewFeedback(signals.LinkNotRelevant, "alice", signals.Lead{Watchlist: "w", Company: "C"}, signals.Signal{ID: "x", Title: "t"}, t0)
	if err := s.Update(func(tx *Tx) error { return tx.PutFeedback(f) }); err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	s2, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	var got []signals.Feedback
	s2.View(func(tx *Tx) (err error) { got, err = tx.AllFeedback(); return err })
	if len(got) != 1 || !reflect.DeepEqual(got[0], f) {
		t.Fatalf("after reopen: %+v, want %+v", got, f)
	}
}

func TestDecodeFeedbackRefusesDamage(t *testing.T) {
	f := signals.NewFeedback(signals.LinkNotRelevant, "alice", signals.Lead{Watchlist: "w", Company: "C"}, signals.Signal{ID: "x", Title: "t"}, t0)
	b := encodeFeedback(f)
	for _, bad := range [][]byte{nil, {9}, b[:len(b)/2], append(append([]byte{}, b...), 0)} {
		if _, err := decodeFeedback([]byte("k"), bad); err == nil {
			t.Errorf("decodeFeedback(%x): no error", bad)
		}
	}
}

func TestLeadHistory(t *testing.T) {
	s := openTemp(t)
	l := signals.Lead{Watchlist: "w", Company: "C", Score: 12.5}
	s.Update(func(tx *Tx) error {
		tx.PutLead(l, nil, "2026-11-20")
		l.Score = 30
		tx.PutLead(l, nil, "2026-11-21")
		return tx.PutLead(signals.Lead{Watchlist: "w", Company: "D", Score: 99}, nil, "2026-11-21")
	})
	var got []HistoryPoint
	s.View(func(tx *Tx) (err error) { got, err = tx.LeadHistory(l.Key()); return err })
	want := []HistoryPoint{{"2026-11-20", 12.5}, {"2026-11-21", 30}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("history = %v, want %v", got, want)
	}
}
