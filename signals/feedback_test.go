package signals

import (
	"testing"
	"time"
)

func TestFeedbackRules(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	lead := Lead{Watchlist: "agro", Company: "Kerlann"}
	sigs := []Signal{{ID: "a"}, {ID: "b"}, {ID: "c"}}
	tests := []struct {
		name  string
		fbs   []Feedback
		kept  string // ids of Heeded
		muted bool
	}{
		{name: "none", kept: "abc"},
		{name: "wrong company", fbs: []Feedback{NewFeedback(LinkWrongCompany, "alice", lead, Signal{ID: "b"}, now)}, kept: "ac"},
		{name: "not relevant and wrong company", fbs: []Feedback{NewFeedback(LinkNotRelevant, "alice", lead, Signal{ID: "a"}, now), NewFeedback(LinkWrongCompany, "alice", lead, Signal{ID: "c"}, now)}, kept: "b"},
		{name: "customer", fbs: []Feedback{NewFeedback(LinkCustomer, "alice", lead, Signal{ID: "a"}, now)}, kept: "abc", muted: true},
		{name: "snooze running", fbs: []Feedback{NewFeedback(LinkSnooze, "alice", lead, Signal{}, now.Add(-SnoozeFor+time.Hour))}, kept: "abc", muted: true},
		{name: "snooze over", fbs: []Feedback{NewFeedback(LinkSnooze, "alice", lead, Signal{}, now.Add(-SnoozeFor))}, kept: "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kept := ""
			for _, s := range Heeded(sigs, tt.fbs) {
				kept += s.ID
			}
			if kept != tt.kept || Muted(tt.fbs, now) != tt.muted {
				t.Fatalf("Heeded = %q, Muted = %v; want %q, %v", kept, Muted(tt.fbs, now), tt.kept, tt.muted)
			}
		})
	}
	if f := NewFeedback(LinkCustomer, "alice", lead, Signal{ID: "a", Title: "t"}, now); f.Signal != "" || f.Title != "" {
		t.Errorf("a lead's feedback kept the signal: %+v", f)
	}
	if !LinkSnooze.IsFeedback() || LinkWeb.IsFeedback() || LinkCRM.IsFeedback() {
		t.Error("IsFeedback: want the four feedback kinds only")
	}
}
