package watcher

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// heededSignals reads a lead's stored signals and feedback, and returns
// the signals its feedback did not dismiss, with the feedback.
func heededSignals(tx *store.Tx, leadKey string) ([]signals.Signal, []signals.Feedback, error) {
	sigs, err := tx.LeadSignals(leadKey)
	if err != nil {
		return nil, nil, err
	}
	fbs, err := tx.LeadFeedback(leadKey)
	if err != nil {
		return nil, nil, err
	}
	return signals.Heeded(sigs, fbs), fbs, nil
}

// RecordFeedback stores a rep's feedback of kind on a lead (and on its
// signal story for wrong_company and not_relevant) at now, and rescores the
// lead in the same transaction: the rep sees the new score on the page
// that confirms the click. It returns the lead rescored.
func (w *Watcher) RecordFeedback(kind signals.LinkKind, rep, leadKey, story string, now time.Time) (signals.Lead, error) {
	p := w.Plan()
	if !kind.IsFeedback() {
		return signals.Lead{}, fmt.Errorf("record feedback: %q is no feedback kind", kind)
	}
	var out signals.Lead
	err := w.update(func(tx *store.Tx) error {
		lead, found, err := tx.Lead(leadKey)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("lead %q: %w", leadKey, store.ErrNotFound)
		}
		var s signals.Signal
		if kind.OnSignal() {
			if s, found, err = tx.Signal(leadKey, story); err != nil {
				return err
			} else if !found {
				return fmt.Errorf("signal %s of %s: %w", story, lead.Company, store.ErrNotFound)
			}
		}
		if err := tx.PutFeedback(signals.NewFeedback(kind, rep, lead, s, now)); err != nil {
			return err
		}
		out, err = rescoreOne(tx, p, leadKey, now)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("record %s feedback: %w", kind, err)
	}
	w.opts.Metrics.Feedback(string(kind), "recorded")
	w.log.Info("feedback recorded", "kind", kind, "rep", rep, "watchlist", out.Watchlist, "company", out.Company, "score", out.Score)
	return out, nil
}

// UndoFeedback removes a rep's feedback of kind on a lead (and story) and
// rescores the lead; undoing feedback that is not there changes nothing.
func (w *Watcher) UndoFeedback(kind signals.LinkKind, leadKey, story string, now time.Time) (signals.Lead, error) {
	p := w.Plan()
	if !kind.OnSignal() {
		story = ""
	}
	var out signals.Lead
	var found bool
	err := w.update(func(tx *store.Tx) (err error) {
		if found, err = tx.DeleteFeedback(leadKey, kind, story); err != nil {
			return err
		}
		out, err = rescoreOne(tx, p, leadKey, now)
		return err
	})
	if err != nil {
		return out, fmt.Errorf("undo %s feedback: %w", kind, err)
	}
	if found {
		w.opts.Metrics.Feedback(string(kind), "undone")
		w.log.Info("feedback undone", "kind", kind, "watchlist", out.Watchlist, "company", out.Company, "score", out.Score)
	}
	return out, nil
}

// rescoreOne rescores one lead in tx and reads it back.
func rescoreOne(tx *store.Tx, p *plan.Plan, leadKey string, now time.Time) (signals.Lead, error) {
	if _, ok := p.Prospect(leadKey); !ok {
		return signals.Lead{}, fmt.Errorf("lead %q is no longer in the config: %w", leadKey, store.ErrNotFound)
	}
	if err := rescoreTx(tx, p, []string{leadKey}, now); err != nil {
		return signals.Lead{}, err
	}
	l, _, err := tx.Lead(leadKey)
	return l, err
}

// FeedbackOn reads the feedback of kind on a lead (and story), if any.
func (w *Watcher) FeedbackOn(kind signals.LinkKind, leadKey, story string) (signals.Feedback, bool, error) {
	fbs, err := view(w, "feedback", func(tx *store.Tx) ([]signals.Feedback, error) { return tx.LeadFeedback(leadKey) })
	if !kind.OnSignal() {
		story = ""
	}
	i := slices.IndexFunc(fbs, func(f signals.Feedback) bool { return f.Kind == kind && f.Signal == story })
	if err != nil || i < 0 {
		return signals.Feedback{}, false, err
	}
	return fbs[i], true, nil
}

// AllFeedback lists every feedback recorded, newest first: what `veille
// feedback` exports.
func (w *Watcher) AllFeedback() ([]signals.Feedback, error) {
	out, err := view(w, "feedback", (*store.Tx).AllFeedback)
	slices.SortStableFunc(out, func(a, b signals.Feedback) int { return b.At.Compare(a.At) })
	return out, err
}

// LeadState is a lead as its rep sees it in the web view: its record, the
// news that last moved it, and what the rep said of it.
type LeadState struct {
	signals.Lead
	LastTitle string    `json:"last_title,omitempty"` // the newest signal that counts
	Customer  bool      `json:"customer,omitempty"`
	Snoozed   time.Time `json:"snoozed_until,omitzero"` // zero, or a snooze that ends after now
}

func leadState(l signals.Lead, sigs []signals.Signal, fbs []signals.Feedback, now time.Time) LeadState {
	st := LeadState{Lead: l}
	var last signals.Signal
	for _, s := range sigs {
		// Seen last, and among news seen together the one published last.
		if s.Counts() && (s.FirstSeen.After(last.FirstSeen) || s.FirstSeen.Equal(last.FirstSeen) && s.Published.After(last.Published)) {
			last, st.LastTitle = s, s.Title
		}
	}
	for _, f := range fbs {
		switch {
		case f.Kind == signals.LinkCustomer:
			st.Customer = true
		case f.Kind == signals.LinkSnooze && now.Before(f.Until):
			st.Snoozed = f.Until
		}
	}
	return st
}

// RepLeads lists a rep's leads (f.Rep is set to rep) as the web view
// shows them, best first.
func (w *Watcher) RepLeads(rep string, f LeadFilter, now time.Time) ([]LeadState, error) {
	f.Rep = rep
	leads, err := w.Leads(f)
	if err != nil {
		return nil, err
	}
	return view(w, "leads", func(tx *store.Tx) ([]LeadState, error) {
		out := make([]LeadState, 0, len(leads))
		for _, l := range leads {
			sigs, fbs, err := heededSignals(tx, l.Key())
			if err != nil {
				return nil, err
			}
			out = append(out, leadState(l, sigs, fbs, now))
		}
		return out, nil
	})
}

// SignalState is a stored signal with its points now and the feedback
// that dismissed it, if any.
type SignalState struct {
	signals.Signal
	Points    float64          `json:"points"`
	Dismissed signals.LinkKind `json:"dismissed,omitempty"`
}

// LeadDetail is a lead's page in the web view.
type LeadDetail struct {
	LeadState
	Signals []SignalState        // newest first (published, else first seen), dismissed ones included
	History []store.HistoryPoint // oldest day first
}

// LeadDetail reads a lead's page at now; found is false for a lead the
// plan or the store does not hold.
func (w *Watcher) LeadDetail(leadKey string, now time.Time) (d LeadDetail, found bool, err error) {
	p := w.Plan()
	pr, ok := p.Prospect(leadKey)
	if !ok {
		return d, false, nil
	}
	pol := p.Policy(pr.Watchlist)
	err = w.Store.View(func(tx *store.Tx) error {
		l, ok, err := tx.Lead(leadKey)
		if err != nil || !ok {
			return err
		}
		found = true
		all, err := tx.LeadSignals(leadKey)
		if err != nil {
			return err
		}
		fbs, err := tx.LeadFeedback(leadKey)
		if err != nil {
			return err
		}
		d.LeadState = leadState(l, signals.Heeded(all, fbs), fbs, now)
		for _, s := range all {
			if s.Backlog {
				continue
			}
			ss := SignalState{Signal: s}
			i := slices.IndexFunc(fbs, func(f signals.Feedback) bool { return f.Kind.OnSignal() && f.Signal == s.ID })
			if i >= 0 {
				ss.Dismissed = fbs[i].Kind
			} else {
				ss.Points = signals.Round1(pol.PointsAt(s, now))
			}
			d.Signals = append(d.Signals, ss)
		}
		d.History, err = tx.LeadHistory(leadKey)
		return err
	})
	if err != nil {
		return d, false, fmt.Errorf("read lead %s from %s: %w", pr.Name, w.Store.Path(), err)
	}
	// Newest news first, by the date a rep reads beside it.
	when := func(s SignalState) time.Time { return cmp.Or(s.Published, s.FirstSeen) }
	slices.SortStableFunc(d.Signals, func(a, b SignalState) int { return when(b).Compare(when(a)) })
	return d, found, nil
}
