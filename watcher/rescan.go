package watcher

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// Rescan matches and classifies again the stored items first seen at or
// after since, with the plan in force, then rescores the leads it changed
// (see rescan). It waits for the cycle, digest or reload under way: the
// admin API calls it while the daemon runs.
func (w *Watcher) Rescan(now, since time.Time) (query.RescanReport, error) {
	w.jobs.Lock()
	defer w.jobs.Unlock()
	return w.rescan(w.Plan(), now, since)
}

// RescanIfChanged rescans the last query.DefaultRescanWindow when what
// matching and classifying read changed since the last rescan
// (plan.MatchingFingerprint), and reports whether it did. A store that has
// no mark yet (new, or from before rescans) gets one: its signals were
// made by a config this one cannot be compared with. The caller holds
// Exclusive.
func (w *Watcher) RescanIfChanged(p *plan.Plan, now time.Time) (query.RescanReport, bool, error) {
	last, err := view(w, "the last rescan's mark", func(tx *store.Tx) (string, error) { return tx.MatchedMark(), nil })
	if err != nil || last == p.MatchingFingerprint() {
		return query.RescanReport{}, false, err
	}
	if last == "" {
		return query.RescanReport{}, false, w.setMatchedMark(p)
	}
	r, err := w.rescan(p, now, now.Add(-query.DefaultRescanWindow))
	return r, err == nil, err
}

func (w *Watcher) setMatchedMark(p *plan.Plan) error {
	if err := w.update(func(tx *store.Tx) error { return tx.SetMatchedMark(p.MatchingFingerprint()) }); err != nil {
		return fmt.Errorf("record the rescan in %s: %w", w.Store.Path(), err)
	}
	return nil
}

// rescan matches and classifies again, with p, the stored items first seen
// at or after since, from what the store keeps of them (title, summary,
// link, source, times, language: store.ScanItems), and brings the leads'
// signals in line:
//
//   - a signal whose item no longer names the lead's company (an exclude
//     added, an alias removed) or is no longer classified is dropped;
//   - one whose labels or evidence changed (the lexicon, a watch list's
//     terms or keywords) is rewritten, its first-seen time kept;
//   - an item that now names a company (an alias added) and is classified
//     makes a signal first seen when the item was, joined to the story it
//     tells when the lead has it (storeSignal).
//
// An item stored without its summary (before schema 4) is matched by its
// title: its signal is dropped only when the title holds an exclude term
// of the company, and keeps its labels. Stored signals whose item is not
// read (older, pruned, or its source gone from the config) are left as
// they are. The leads changed are then rescored, and the plan's matching
// fingerprint recorded.
func (w *Watcher) rescan(p *plan.Plan, now, since time.Time) (query.RescanReport, error) {
	rep := query.RescanReport{Since: since}
	states, err := w.sourceStates()
	if err != nil {
		return rep, err
	}
	var find query.RescanFind
	err = w.Store.View(func(tx *store.Tx) (err error) { find, err = query.ReadRescan(tx, p, since); return err })
	if err != nil {
		return rep, fmt.Errorf("rescan %s: %w", w.Store.Path(), err)
	}
	rep.Items = find.Items
	c := find.Changes()

	touched := map[string]bool{}
	before := map[string]signals.Lead{}
	for chunk := range slices.Chunk(c.Leads, rescoreBatch) {
		err := w.update(func(tx *store.Tx) error {
			for _, lk := range chunk {
				if l, found, err := tx.Lead(lk); err != nil {
					return err
				} else if found {
					before[lk] = l
				}
				changed, err := rescanLead(tx, p, &rep, &find, lk, c.Drops[lk], c.Relabels[lk], c.Adds[lk], states)
				if err != nil {
					return err
				}
				if changed {
					touched[lk] = true
				}
			}
			return nil
		})
		if err != nil {
			return rep, fmt.Errorf("rescan %s: %w", w.Store.Path(), err)
		}
	}
	if err := w.rescore(p, now, touched); err != nil {
		return rep, err
	}
	err = w.Store.View(func(tx *store.Tx) error {
		for _, lk := range slices.Sorted(maps.Keys(touched)) {
			after, _, err := tx.Lead(lk)
			if err != nil {
				return err
			}
			if sc, moved := query.ScoreChangeOf(before[lk], after); moved {
				rep.Scores = append(rep.Scores, sc)
			}
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("rescan %s: read the scores: %w", w.Store.Path(), err)
	}
	return rep, w.setMatchedMark(p)
}

// rescanLead applies to one lead, in tx, what the read pass found: its
// dropped stories, those relabelled, then the signals added (after the
// drops, so an item that was an outlet of a dropped story makes its own).
// It reports whether the lead's signals changed.
func rescanLead(tx *store.Tx, p *plan.Plan, rep *query.RescanReport, find *query.RescanFind, lk string, drops, relabels []string, adds []query.RescanAdd, states map[string]signals.SourceState) (bool, error) {
	changed := false
	dropped := map[string]bool{}
	for _, story := range drops {
		s := find.Stored[lk][story]
		if err := tx.DeleteSignal(lk, story); err != nil {
			return changed, err
		}
		dropped[story], changed = true, true
		rep.Dropped = append(rep.Dropped, query.ChangeOf(s, nil))
	}
	slices.Sort(relabels)
	for _, story := range relabels {
		s, found, err := tx.Signal(lk, story)
		if err != nil || !found {
			return changed, err
		}
		cls := find.Want[query.LeadStory{Lead: lk, Story: story}]
		old := s.Labels
		s.Labels, s.Evidence = slices.Clone(cls.Labels), cls.Evidence.Map() // the classifier shares its label lists
		if err := tx.PutSignal(s); err != nil {
			return changed, err
		}
		changed = true
		if !slices.Equal(old, s.Labels) || !reflect.DeepEqual(find.Stored[lk][story].Evidence[signals.Keyword], s.Evidence[signals.Keyword]) {
			rep.Relabelled = append(rep.Relabelled, query.ChangeOf(s, old))
		}
	}
	wrote := map[string]bool{}
	for _, a := range adds {
		outlet := signals.SourceRef{Source: a.Src.URL, URL: a.Item.URL}
		if story, ok := find.Outlets[lk][outlet]; ok && !dropped[story] {
			continue // an outlet of a story the lead has
		}
		firstFetched := states[a.Src.ID].FirstFetched
		if firstFetched.IsZero() {
			firstFetched = a.Item.FirstSeen
		}
		backlog := signals.Backlogged(a.Item.Published, firstFetched)
		ref, created, err := storeSignal(tx, wrote, p, a.Src, a.Item.Item, a.Match, backlog, a.Item.FirstSeen)
		if err != nil {
			return changed, err
		}
		changed = changed || wrote[lk]
		if created {
			s, _, err := tx.Signal(lk, ref.Story)
			if err != nil {
				return changed, err
			}
			rep.Added = append(rep.Added, query.ChangeOf(s, nil))
			if find.Outlets[lk] == nil {
				find.Outlets[lk] = map[signals.SourceRef]string{}
			}
			find.Outlets[lk][outlet] = s.ID
		}
	}
	return changed, nil
}
