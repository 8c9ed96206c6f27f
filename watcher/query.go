package watcher

import (
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// LeadFilter narrows `veille leads`.
type LeadFilter struct {
	Rep, Watchlist string
	Tier           signals.Tier
}

// Leads lists the plan's leads, best first.
func (w *Watcher) Leads(f LeadFilter) ([]signals.Lead, error) {
	out, err := view(w, "leads", func(tx *store.Tx) (out []signals.Lead, err error) {
		for _, lk := range w.Plan().LeadKeys() {
			l, found, err := tx.Lead(lk)
			if err != nil {
				return nil, err
			}
			if found && (f.Rep == "" || l.Owner == f.Rep) && (f.Watchlist == "" || l.Watchlist == f.Watchlist) && (f.Tier == "" || l.Tier == f.Tier) {
				out = append(out, l)
			}
		}
		return out, nil
	})
	slices.SortStableFunc(out, signals.CompareLeads)
	return out, err
}

// SignalFilter narrows `veille signals`.
type SignalFilter struct {
	Company   string // case-insensitive substring
	Watchlist string
	Since     time.Time
}

// SignalView is a signal with its points now (faded).
type SignalView struct {
	signals.Signal
	Points float64 `json:"points"`
}

// Signals lists the plan's signals, newest first.
func (w *Watcher) Signals(f SignalFilter, now time.Time) ([]SignalView, error) {
	p := w.Plan()
	out, err := view(w, "signals", func(tx *store.Tx) (out []SignalView, err error) {
		for _, lk := range p.LeadKeys() {
			pr, _ := p.Prospect(lk)
			if f.Watchlist != "" && pr.Watchlist != f.Watchlist || f.Company != "" && !strings.Contains(strings.ToLower(pr.Name), strings.ToLower(f.Company)) {
				continue
			}
			sigs, err := tx.LeadSignals(lk)
			if err != nil {
				return nil, err
			}
			fbs, err := tx.LeadFeedback(lk)
			if err != nil {
				return nil, err
			}
			pol := p.Policy(pr.Watchlist)
			for _, s := range sigs {
				if s.FirstSeen.Before(f.Since) {
					continue
				}
				sv := SignalView{Signal: s}
				if !signals.Dismissed(fbs, s.ID) { // a rep's feedback took it out of the score
					sv.Points = signals.Round1(pol.PointsAt(s, now))
				}
				out = append(out, sv)
			}
		}
		return out, nil
	})
	sort.SliceStable(out, func(i, j int) bool { return out[i].FirstSeen.After(out[j].FirstSeen) })
	return out, err
}

// SourceView is one source's state for `veille sources`.
type SourceView struct {
	signals.Source
	State signals.SourceState `json:"state"`
}

// Sources lists the plan's sources with their stored state.
func (w *Watcher) Sources(failingOnly bool) ([]SourceView, error) {
	states, err := w.sourceStates()
	if err != nil {
		return nil, err
	}
	var out []SourceView
	for _, ps := range w.Plan().Sources() {
		if st := states[ps.ID]; !failingOnly || st.Failures > 0 {
			out = append(out, SourceView{Source: ps.Source, State: st})
		}
	}
	return out, nil
}

// Backup writes a consistent copy of the store to out.
func (w *Watcher) Backup(out io.Writer) (int64, error) { return w.Store.Backup(out) }
