package watcher

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// Rescore recomputes every lead of the plan from its stored signals, in
// one write transaction, and records one history point per lead per day.
// Scores are computed, never accumulated, so a reload that changes scoring
// takes effect at the next rescore.
func (w *Watcher) Rescore(now time.Time) error {
	return w.rescore(w.Plan(), now, nil)
}

// rescoreAfterCycle completes, at the end of a cycle, the rescore its
// writes began (they rescored the leads whose signals they wrote, listed in
// rescored): on the first cycle of a day, or when the plan's scoring
// differs from the last full rescore's (a reload, or a `veille once` with
// an edited config), it rescores every other lead, so every lead's score
// fades by the day. Rescoring every lead each cycle decoded every stored
// signal: the whole cost of a cycle where all sources answer 304. Between
// full rescores, an untouched lead's stored score misses only the fading
// of its signals since the day began (under 2% of its points with a 30-day
// half-life).
//
// full and mark are what fullRescoreDue said at the cycle's start: a cycle
// that crosses midnight leaves the new day's full rescore to the next one.
func (w *Watcher) rescoreAfterCycle(p *plan.Plan, now time.Time, rescored map[string]bool, full bool, mark string) error {
	if !full {
		return nil
	}
	rest := map[string]bool{}
	for _, lk := range p.LeadKeys() {
		if !rescored[lk] {
			rest[lk] = true
		}
	}
	if err := w.rescore(p, now, rest); err != nil {
		return err
	}
	if err := w.update(func(tx *store.Tx) error { return tx.SetScoredMark(mark) }); err != nil {
		return fmt.Errorf("rescore leads in %s: %w", w.Store.Path(), err)
	}
	return nil
}

// fullRescoreDue reports whether the last full rescore was not of p's
// scoring on now's day, and gives the mark such a rescore records.
func (w *Watcher) fullRescoreDue(p *plan.Plan, now time.Time) (bool, string, error) {
	mark := p.ScoringFingerprint() + "\x00" + store.Day(now, p.Config().Location)
	last, err := view(w, "the last full rescore", func(tx *store.Tx) (string, error) { return tx.ScoredMark(), nil })
	return last != mark, mark, err
}

// rescore recomputes the leads in only, or every lead of the plan when
// only is nil, rescoreBatch leads per write transaction: one transaction
// for every lead held all their rewritten pages in memory at once, and
// mapped every signal of the store before it committed.
func (w *Watcher) rescore(p *plan.Plan, now time.Time, only map[string]bool) error {
	leadKeys := p.LeadKeys()
	if only != nil {
		leadKeys = slices.Sorted(maps.Keys(only))
	}
	for chunk := range slices.Chunk(leadKeys, rescoreBatch) {
		if err := w.update(func(tx *store.Tx) error { return rescoreTx(tx, p, chunk, now) }); err != nil {
			return fmt.Errorf("rescore leads in %s: %w", w.Store.Path(), err)
		}
	}
	return nil
}

// rescoreTx recomputes, in tx, the records of the leads leadKeys and their
// history point for now's day.
func rescoreTx(tx *store.Tx, p *plan.Plan, leadKeys []string, now time.Time) error {
	day := store.Day(now, p.Config().Location)
	for _, lk := range leadKeys {
		pr, ok := p.Prospect(lk)
		if !ok {
			continue // dropped from the config since
		}
		sigs, err := tx.ScoredSignals(lk)
		if err != nil {
			return err
		}
		fbs, err := tx.LeadFeedback(lk)
		if err != nil {
			return err
		}
		// The news a rep dismissed (wrong company, not relevant) stops counting.
		sigs = signals.Heeded(sigs, fbs)
		lead := signals.Lead{Watchlist: pr.Watchlist, Company: pr.Name, CRMID: pr.CRMID, Owner: pr.Owner}
		if err := tx.PutLead(signals.RateLead(lead, pr.Fields, sigs, p.Policy(pr.Watchlist), now), sigs, day); err != nil {
			return err
		}
	}
	return nil
}
