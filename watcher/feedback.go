package watcher

import (
	"fmt"
	"time"

	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

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
