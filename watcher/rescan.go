package watcher

import (
	"fmt"
	"maps"
	"reflect"
	"slices"
	"time"

	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// DefaultRescanWindow is how far back a rescan reads stored items when no
// window is given (a reload, `veille rescan` without --since): a signal
// older than that has lost half its points or more at the default
// half-life, and reading the window's items again is what a rescan costs.
const DefaultRescanWindow = 30 * 24 * time.Hour

// RescanReport says what a rescan changed.
type RescanReport struct {
	Since      time.Time      `json:"since"`
	Items      int            `json:"items"` // stored items first seen since then
	Dropped    []SignalChange `json:"dropped"`
	Added      []SignalChange `json:"added"`
	Relabelled []SignalChange `json:"relabelled"`
	Scores     []ScoreChange  `json:"scores"` // the leads whose score moved
}

// Changed reports whether the rescan changed any signal.
func (r RescanReport) Changed() bool {
	return len(r.Dropped)+len(r.Added)+len(r.Relabelled) > 0
}

// SignalChange is one signal a rescan dropped, added or relabelled.
type SignalChange struct {
	Watchlist    string          `json:"watchlist"`
	Company      string          `json:"company"`
	Story        string          `json:"story"`
	Title        string          `json:"title"`
	Labels       []signals.Label `json:"labels"`
	LabelsBefore []signals.Label `json:"labels_before,omitempty"` // relabelled: what it had
}

// ScoreChange is a lead's score before and after a rescan.
type ScoreChange struct {
	Watchlist  string       `json:"watchlist"`
	Company    string       `json:"company"`
	Before     float64      `json:"before"`
	After      float64      `json:"after"`
	TierBefore signals.Tier `json:"tier_before"`
	TierAfter  signals.Tier `json:"tier_after"`
}

// Rescan matches and classifies again the stored items first seen at or
// after since, with the plan in force, then rescores the leads it changed
// (see rescan). It waits for the cycle, digest or reload under way: the
// admin API calls it while the daemon runs.
func (w *Watcher) Rescan(now, since time.Time) (RescanReport, error) {
	w.jobs.Lock()
	defer w.jobs.Unlock()
	return w.rescan(w.Plan(), now, since)
}

// rescanIfChanged rescans the last DefaultRescanWindow when what matching
// and classifying read changed since the last rescan (plan.MatchingFingerprint).
// A store that has no mark yet (new, or from before rescans) gets one:
// its signals were made by a config this one cannot be compared with.
func (w *Watcher) rescanIfChanged(p *plan.Plan, now time.Time) (RescanReport, bool, error) {
	last, err := view(w, "the last rescan's mark", func(tx *store.Tx) (string, error) { return tx.MatchedMark(), nil })
	if err != nil || last == p.MatchingFingerprint() {
		return RescanReport{}, false, err
	}
	if last == "" {
		return RescanReport{}, false, w.setMatchedMark(p)
	}
	r, err := w.rescan(p, now, now.Add(-DefaultRescanWindow))
	return r, err == nil, err
}

func (w *Watcher) setMatchedMark(p *plan.Plan) error {
	if err := w.update(func(tx *store.Tx) error { return tx.SetMatchedMark(p.MatchingFingerprint()) }); err != nil {
		return fmt.Errorf("record the rescan in %s: %w", w.Store.Path(), err)
	}
	return nil
}

// leadStory names a lead's story.
type leadStory struct{ lead, story string }

// rescanFind is what the read pass of a rescan found.
type rescanFind struct {
	items int
	// stored are the leads' signals first seen since the window's start,
	// by lead and story; outlets, the outlets of their signals seen within
	// a story window before it too (an item in the window may have joined
	// an older story), to the story that lists them.
	stored  map[string]map[string]signals.Signal
	outlets map[string]map[signals.SourceRef]string
	// scanned are the stories of the items read: a stored signal of one of
	// them that no item wants any more is dropped.
	scanned map[string]bool
	// want: the stored signals an item still makes, with its labels now
	// (nil: the item is known by its title alone, and keeps its labels).
	want map[leadStory]*signals.Classification
	// add: the items that make a signal the lead does not have.
	add []rescanAdd
}

type rescanAdd struct {
	lead  string
	item  store.StoredItem
	src   *plan.Source
	match signals.Match
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
func (w *Watcher) rescan(p *plan.Plan, now, since time.Time) (RescanReport, error) {
	rep := RescanReport{Since: since}
	states, err := w.sourceStates()
	if err != nil {
		return rep, err
	}
	var find rescanFind
	err = w.Store.View(func(tx *store.Tx) (err error) { find, err = rescanRead(tx, p, since); return err })
	if err != nil {
		return rep, fmt.Errorf("rescan %s: %w", w.Store.Path(), err)
	}
	rep.Items = find.items

	// The leads to change, with what changes.
	drops := map[string][]string{}
	for lk, stories := range find.stored {
		for _, story := range slices.Sorted(maps.Keys(stories)) {
			if _, ok := find.want[leadStory{lk, story}]; find.scanned[story] && !ok {
				drops[lk] = append(drops[lk], story)
			}
		}
	}
	relabels := map[string][]string{}
	for ls, cls := range find.want {
		if s := find.stored[ls.lead][ls.story]; cls != nil && (!slices.Equal(s.Labels, cls.Labels) || !reflect.DeepEqual(s.Evidence, cls.Evidence)) {
			relabels[ls.lead] = append(relabels[ls.lead], ls.story)
		}
	}
	adds := map[string][]rescanAdd{}
	for _, a := range find.add {
		adds[a.lead] = append(adds[a.lead], a)
	}
	leads := map[string]bool{}
	for _, m := range []map[string][]string{drops, relabels} {
		for lk := range m {
			leads[lk] = true
		}
	}
	for lk := range adds {
		leads[lk] = true
	}

	touched := map[string]bool{}
	before := map[string]signals.Lead{}
	for chunk := range slices.Chunk(slices.Sorted(maps.Keys(leads)), rescoreBatch) {
		err := w.update(func(tx *store.Tx) error {
			for _, lk := range chunk {
				if l, found, err := tx.Lead(lk); err != nil {
					return err
				} else if found {
					before[lk] = l
				}
				changed, err := rescanLead(tx, p, &rep, &find, lk, drops[lk], relabels[lk], adds[lk], states)
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
			if b := before[lk]; b.Score != after.Score || b.Tier != after.Tier {
				rep.Scores = append(rep.Scores, ScoreChange{Watchlist: after.Watchlist, Company: after.Company,
					Before: b.Score, After: after.Score, TierBefore: tierOrCold(b.Tier), TierAfter: after.Tier})
			}
		}
		return nil
	})
	if err != nil {
		return rep, fmt.Errorf("rescan %s: read the scores: %w", w.Store.Path(), err)
	}
	return rep, w.setMatchedMark(p)
}

// tierOrCold is a lead's tier, cold before its first scoring.
func tierOrCold(t signals.Tier) signals.Tier {
	if t == "" {
		return signals.Cold
	}
	return t
}

// rescanRead is a rescan's read pass, in one read transaction: the plan's
// stored signals of the window, then the stored items, matched and
// classified again.
func rescanRead(tx *store.Tx, p *plan.Plan, since time.Time) (rescanFind, error) {
	f := rescanFind{
		stored:  map[string]map[string]signals.Signal{},
		outlets: map[string]map[signals.SourceRef]string{},
		scanned: map[string]bool{},
		want:    map[leadStory]*signals.Classification{},
	}
	storyLeads := map[string][]string{} // story → the leads that have it
	for _, lk := range p.LeadKeys() {
		sigs, err := tx.LeadSignals(lk)
		if err != nil {
			return f, err
		}
		for _, s := range sigs {
			if s.FirstSeen.Before(since.Add(-signals.StoryWindow)) {
				continue
			}
			if f.outlets[lk] == nil {
				f.outlets[lk] = map[signals.SourceRef]string{}
			}
			for _, o := range s.Sources {
				f.outlets[lk][o] = s.ID
			}
			if s.FirstSeen.Before(since) {
				continue
			}
			if f.stored[lk] == nil {
				f.stored[lk] = map[string]signals.Signal{}
			}
			f.stored[lk][s.ID] = s
			storyLeads[s.ID] = append(storyLeads[s.ID], lk)
		}
	}
	sources := map[string]*plan.Source{}
	for _, ps := range p.Sources() {
		sources[ps.ID] = ps
	}
	err := tx.ScanItems(since, func(si store.StoredItem) error {
		f.items++
		ps, ok := sources[si.SourceID]
		if !ok || ps.Kind == signals.KindBODACC {
			// The source left the config, or states its items' labels
			// (signals.Item.Stated), which the store does not keep: their
			// signals stay as they are.
			return nil
		}
		story := signals.StoryID(ps.ID, si.Item)
		f.scanned[story] = true
		matches := signals.Matches(p.Matcher(), ps.Owners, ps.Shared, si.Item)
		for _, m := range matches {
			pr, _ := p.Prospect(m.Key)
			ls := leadStory{m.Key, story}
			_, stored := f.stored[m.Key][story]
			if stored && !si.HasText {
				if _, ok := f.want[ls]; !ok {
					f.want[ls] = nil // known by its title: keeps its labels
				}
				continue
			}
			cls := p.Classifier(pr.Watchlist).Classify(signals.Input{Title: si.Title, Summary: si.Summary, Lang: si.Lang, Company: pr.Name, Hints: si.Hints})
			switch {
			case !cls.Classified():
			case stored:
				f.want[ls] = &cls // another outlet's item with the same link, known by its title, says less
			default:
				f.add = append(f.add, rescanAdd{lead: m.Key, item: si, src: ps, match: m})
			}
		}
		if si.HasText {
			return nil
		}
		// Known by its title alone: a lead it no longer matches keeps its
		// signal unless the title vetoes the company (the mention may have
		// been in the summary).
		excluded := p.Matcher().Excluded(si.Item)
		for _, lk := range storyLeads[story] {
			matched := slices.ContainsFunc(matches, func(m signals.Match) bool { return m.Key == lk })
			if _, ok := f.want[leadStory{lk, story}]; !matched && !ok && !slices.Contains(excluded, lk) {
				f.want[leadStory{lk, story}] = nil
			}
		}
		return nil
	})
	return f, err
}

// rescanLead applies to one lead, in tx, what the read pass found: its
// dropped stories, those relabelled, then the signals added (after the
// drops, so an item that was an outlet of a dropped story makes its own).
// It reports whether the lead's signals changed.
func rescanLead(tx *store.Tx, p *plan.Plan, rep *RescanReport, find *rescanFind, lk string, drops, relabels []string, adds []rescanAdd, states map[string]signals.SourceState) (bool, error) {
	changed := false
	dropped := map[string]bool{}
	for _, story := range drops {
		s := find.stored[lk][story]
		if err := tx.DeleteSignal(lk, story); err != nil {
			return changed, err
		}
		dropped[story], changed = true, true
		rep.Dropped = append(rep.Dropped, change(s, nil))
	}
	slices.Sort(relabels)
	for _, story := range relabels {
		s, found, err := tx.Signal(lk, story)
		if err != nil || !found {
			return changed, err
		}
		cls := find.want[leadStory{lk, story}]
		old := s.Labels
		s.Labels, s.Evidence = cls.Labels, cls.Evidence
		if err := tx.PutSignal(s); err != nil {
			return changed, err
		}
		changed = true
		if !slices.Equal(old, s.Labels) || !reflect.DeepEqual(find.stored[lk][story].Evidence[signals.Keyword], s.Evidence[signals.Keyword]) {
			rep.Relabelled = append(rep.Relabelled, change(s, old))
		}
	}
	wrote := map[string]bool{}
	for _, a := range adds {
		outlet := signals.SourceRef{Source: a.src.URL, URL: a.item.URL}
		if story, ok := find.outlets[lk][outlet]; ok && !dropped[story] {
			continue // an outlet of a story the lead has
		}
		firstFetched := states[a.src.ID].FirstFetched
		if firstFetched.IsZero() {
			firstFetched = a.item.FirstSeen
		}
		backlog := signals.Backlogged(a.item.Published, firstFetched)
		ref, created, err := storeSignal(tx, wrote, p, a.src, a.item.Item, a.match, backlog, a.item.FirstSeen)
		if err != nil {
			return changed, err
		}
		changed = changed || wrote[lk]
		if created {
			s, _, err := tx.Signal(lk, ref.Story)
			if err != nil {
				return changed, err
			}
			rep.Added = append(rep.Added, change(s, nil))
			if find.outlets[lk] == nil {
				find.outlets[lk] = map[signals.SourceRef]string{}
			}
			find.outlets[lk][outlet] = s.ID
		}
	}
	return changed, nil
}

func change(s signals.Signal, before []signals.Label) SignalChange {
	return SignalChange{Watchlist: s.Watchlist, Company: s.Company, Story: s.ID, Title: s.Title, Labels: s.Labels, LabelsBefore: before}
}
