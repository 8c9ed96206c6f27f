package query

import (
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

// ChangeOf is the change to s; before is the labels it had when relabelled.
func ChangeOf(s signals.Signal, before []signals.Label) SignalChange {
	return SignalChange{Watchlist: s.Watchlist, Company: s.Company, Story: s.ID, Title: s.Title, Labels: s.Labels, LabelsBefore: before}
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

// ScoreChangeOf compares a lead before and after a rescan; it reports
// false when neither its score nor its tier moved.
func ScoreChangeOf(before, after signals.Lead) (ScoreChange, bool) {
	if before.Score == after.Score && before.Tier == after.Tier {
		return ScoreChange{}, false
	}
	return ScoreChange{Watchlist: after.Watchlist, Company: after.Company,
		Before: before.Score, After: after.Score, TierBefore: tierOrCold(before.Tier), TierAfter: after.Tier}, true
}

// tierOrCold is a lead's tier, cold before its first scoring.
func tierOrCold(t signals.Tier) signals.Tier {
	if t == "" {
		return signals.Cold
	}
	return t
}

// LeadStory names a lead's story.
type LeadStory struct{ Lead, Story string }

// RescanFind is what the read pass of a rescan found.
type RescanFind struct {
	Items int
	// Stored are the leads' signals first seen since the window's start,
	// by lead and story; Outlets, the outlets of their signals seen within
	// a story window before it too (an item in the window may have joined
	// an older story), to the story that lists them.
	Stored  map[string]map[string]signals.Signal
	Outlets map[string]map[signals.SourceRef]string
	// Scanned are the stories of the items read: a stored signal of one of
	// them that no item wants any more is dropped.
	Scanned map[string]bool
	// Want: the stored signals an item still makes, with its labels now
	// (nil: the item is known by its title alone, and keeps its labels).
	Want map[LeadStory]*signals.Classification
	// Add: the items that make a signal the lead does not have.
	Add []RescanAdd
}

// RescanAdd is an item that makes a signal its lead does not have.
type RescanAdd struct {
	Lead  string
	Item  store.StoredItem
	Src   *plan.Source
	Match signals.Match
}

// ReadRescan is a rescan's read pass, in one read transaction: the plan's
// stored signals of the window, then the stored items first seen at or
// after since, matched and classified again with p.
func ReadRescan(tx *store.Tx, p *plan.Plan, since time.Time) (RescanFind, error) {
	f := RescanFind{
		Stored:  map[string]map[string]signals.Signal{},
		Outlets: map[string]map[signals.SourceRef]string{},
		Scanned: map[string]bool{},
		Want:    map[LeadStory]*signals.Classification{},
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
			if f.Outlets[lk] == nil {
				f.Outlets[lk] = map[signals.SourceRef]string{}
			}
			for _, o := range s.Sources {
				f.Outlets[lk][o] = s.ID
			}
			if s.FirstSeen.Before(since) {
				continue
			}
			if f.Stored[lk] == nil {
				f.Stored[lk] = map[string]signals.Signal{}
			}
			f.Stored[lk][s.ID] = s
			storyLeads[s.ID] = append(storyLeads[s.ID], lk)
		}
	}
	sources := map[string]*plan.Source{}
	for _, ps := range p.Sources() {
		sources[ps.ID] = ps
	}
	err := tx.ScanItems(since, func(si store.StoredItem) error {
		f.Items++
		ps, ok := sources[si.SourceID]
		if !ok || ps.Kind == signals.KindBODACC {
			// The source left the config, or states its items' labels
			// (signals.Item.Stated), which the store does not keep: their
			// signals stay as they are.
			return nil
		}
		story := signals.StoryID(ps.ID, si.Item)
		f.Scanned[story] = true
		matches := signals.Matches(p.Matcher(), ps.Owners, ps.Shared, si.Item)
		for _, m := range matches {
			pr, _ := p.Prospect(m.Key)
			ls := LeadStory{m.Key, story}
			_, stored := f.Stored[m.Key][story]
			if stored && !si.HasText {
				if _, ok := f.Want[ls]; !ok {
					f.Want[ls] = nil // known by its title: keeps its labels
				}
				continue
			}
			cls := p.Classifier(pr.Watchlist).Classify(signals.Input{Title: si.Title, Summary: si.Summary, Lang: si.Lang, Company: pr.Name, Hints: si.Hints})
			switch {
			case !cls.Classified():
			case stored:
				f.Want[ls] = &cls // another outlet's item with the same link, known by its title, says less
			default:
				f.Add = append(f.Add, RescanAdd{Lead: m.Key, Item: si, Src: ps, Match: m})
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
			if _, ok := f.Want[LeadStory{lk, story}]; !matched && !ok && !slices.Contains(excluded, lk) {
				f.Want[LeadStory{lk, story}] = nil
			}
		}
		return nil
	})
	return f, err
}

// RescanChanges are what a rescan changes, by lead.
type RescanChanges struct {
	Drops    map[string][]string // the stories no item wants any more
	Relabels map[string][]string // the stories whose labels or evidence changed
	Adds     map[string][]RescanAdd
	Leads    []string // the leads with a change, sorted
}

// Changes works out from what the read pass found the stories each lead
// loses, those relabelled and the signals it gains.
func (f *RescanFind) Changes() RescanChanges {
	c := RescanChanges{Drops: map[string][]string{}, Relabels: map[string][]string{}, Adds: map[string][]RescanAdd{}}
	for lk, stories := range f.Stored {
		for _, story := range slices.Sorted(maps.Keys(stories)) {
			if _, ok := f.Want[LeadStory{lk, story}]; f.Scanned[story] && !ok {
				c.Drops[lk] = append(c.Drops[lk], story)
			}
		}
	}
	for ls, cls := range f.Want {
		if s := f.Stored[ls.Lead][ls.Story]; cls != nil && (!slices.Equal(s.Labels, cls.Labels) || !reflect.DeepEqual(s.Evidence, cls.Evidence.Map())) {
			c.Relabels[ls.Lead] = append(c.Relabels[ls.Lead], ls.Story)
		}
	}
	for _, a := range f.Add {
		c.Adds[a.Lead] = append(c.Adds[a.Lead], a)
	}
	leads := map[string]bool{}
	for _, m := range []map[string][]string{c.Drops, c.Relabels} {
		for lk := range m {
			leads[lk] = true
		}
	}
	for lk := range c.Adds {
		leads[lk] = true
	}
	c.Leads = slices.Sorted(maps.Keys(leads))
	return c
}
