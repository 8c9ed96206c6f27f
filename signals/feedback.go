package signals

import (
	"slices"
	"time"
)

// SnoozeFor is how long a "snooze" click hides a lead from digests.
const SnoozeFor = 30 * 24 * time.Hour

// FeedbackKinds are the link kinds a rep's click records as feedback, in
// the order a page offers them.
var FeedbackKinds = []LinkKind{LinkWrongCompany, LinkNotRelevant, LinkCustomer, LinkSnooze}

// IsFeedback reports whether a link of kind k records feedback.
func (k LinkKind) IsFeedback() bool { return slices.Contains(FeedbackKinds, k) }

// OnSignal reports whether feedback of kind k is about one news item
// (wrong company, not relevant) rather than about the lead.
func (k LinkKind) OnSignal() bool { return k == LinkWrongCompany || k == LinkNotRelevant }

// Feedback is what a rep said of a news item or a lead by clicking a link
// of a message or of the web view. A signal's feedback keeps a copy of the
// signal as it was (title, outlet, labels, evidence), so the export still
// says which source and which phrases misled once the signal is pruned.
type Feedback struct {
	Kind      LinkKind  `json:"action"`
	Rep       string    `json:"rep"`
	At        time.Time `json:"time"`
	Watchlist string    `json:"watchlist"`
	Company   string    `json:"company"`
	// Signal is the story id (Signal.ID) for wrong_company and
	// not_relevant, "" for the lead's own kinds.
	Signal string `json:"signal_id,omitempty"`
	// Until ends a snooze.
	Until    time.Time            `json:"until,omitzero"`
	Title    string               `json:"title,omitempty"`
	URL      string               `json:"url,omitempty"`
	Source   string               `json:"source,omitempty"`
	Labels   []Label              `json:"labels,omitempty"`
	Evidence map[Label][]Evidence `json:"evidence,omitempty"`
}

// LeadKey is the key of the lead the feedback is about.
func (f Feedback) LeadKey() string { return LeadKey(f.Watchlist, f.Company) }

// NewFeedback is a rep's click of kind k at now on a lead, and on the
// signal s when k is about a news item (s is ignored otherwise).
func NewFeedback(k LinkKind, rep string, l Lead, s Signal, now time.Time) Feedback {
	f := Feedback{Kind: k, Rep: rep, At: now, Watchlist: l.Watchlist, Company: l.Company}
	switch {
	case k.OnSignal():
		f.Signal, f.Title, f.URL, f.Source = s.ID, s.Title, s.URL, s.Source
		f.Labels, f.Evidence = s.Labels, s.Evidence
	case k == LinkSnooze:
		f.Until = now.Add(SnoozeFor)
	}
	return f
}

// Dismissed reports whether a lead's feedback takes the signal story out
// of its score and its messages: the rep said it is about another company
// or no signal.
func Dismissed(fbs []Feedback, story string) bool {
	return slices.ContainsFunc(fbs, func(f Feedback) bool { return f.Kind.OnSignal() && f.Signal == story })
}

// Heeded is sigs without the signals the lead's feedback dismissed. It
// returns sigs itself when none is.
func Heeded(sigs []Signal, fbs []Feedback) []Signal {
	if !slices.ContainsFunc(fbs, func(f Feedback) bool { return f.Kind.OnSignal() }) {
		return sigs
	}
	out := make([]Signal, 0, len(sigs))
	for _, s := range sigs {
		if !Dismissed(fbs, s.ID) {
			out = append(out, s)
		}
	}
	return out
}

// Muted reports whether a lead's feedback keeps it out of digests and
// alerts at now: its company is already a customer, or it is snoozed
// until after now.
func Muted(fbs []Feedback, now time.Time) bool {
	return slices.ContainsFunc(fbs, func(f Feedback) bool {
		return f.Kind == LinkCustomer || f.Kind == LinkSnooze && now.Before(f.Until)
	})
}
