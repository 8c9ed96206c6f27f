// Package query is the read side: the leads, signals and sources the CLI,
// the admin API and the web view show, the admins' source report, the
// feedback reps gave, and a rescan's read pass (the stored items matched
// and classified again) with the report the watcher fills as it writes,
// read from the store with the plan in force. It writes nothing.
package query

import (
	"cmp"
	"fmt"
	"github.com/veille-hq/veille/plan"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// Reader reads a store with the plan in force.
type Reader struct {
	store *store.Store
	plan  func() *plan.Plan
}

// New is a reader of st; plan gives the plan in force at each call (a
// reload replaces it).
func New(st *store.Store, plan func() *plan.Plan) Reader {
	return Reader{store: st, plan: plan}
}

// view runs read in a read transaction and returns what it read; what
// names it in the error.
func view[T any](r Reader, what string, read func(*store.Tx) (T, error)) (T, error) {
	var out T
	err := r.store.View(func(tx *store.Tx) (err error) { out, err = read(tx); return err })
	if err != nil {
		return out, fmt.Errorf("read %s from %s: %w", what, r.store.Path(), err)
	}
	return out, nil
}

// LeadFilter narrows `veille leads`.
type LeadFilter struct {
	Rep, Watchlist string
	Tier           signals.Tier
}

// Leads lists the plan's leads, best first.
func (r Reader) Leads(f LeadFilter) ([]signals.Lead, error) {
	out, err := view(r, "leads", func(tx *store.Tx) (out []signals.Lead, err error) {
		for _, lk := range r.plan().LeadKeys() {
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
func (r Reader) Signals(f SignalFilter, now time.Time) ([]SignalView, error) {
	p := r.plan()
	out, err := view(r, "signals", func(tx *store.Tx) (out []SignalView, err error) {
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
func (r Reader) Sources(failingOnly bool) ([]SourceView, error) {
	states, err := view(r, "source states", (*store.Tx).SourceStates)
	if err != nil {
		return nil, err
	}
	var out []SourceView
	for _, ps := range r.plan().Sources() {
		if st := states[ps.ID]; !failingOnly || st.Failures > 0 {
			out = append(out, SourceView{Source: ps.Source, State: st})
		}
	}
	return out, nil
}

// Backup writes a consistent copy of the store to out.
func (r Reader) Backup(out io.Writer) (int64, error) { return r.store.Backup(out) }

// HeededSignals reads a lead's stored signals and feedback, and returns
// the signals its feedback did not dismiss, with the feedback.
func HeededSignals(tx *store.Tx, leadKey string) ([]signals.Signal, []signals.Feedback, error) {
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

// SourceReport lists the plan's failing and silent sources the admins'
// daily notice names (signals.ReportFailing, signals.ReportSilent) and the
// outbox messages marked failed.
func (q Reader) SourceReport(now time.Time) (signals.SourceReport, error) {
	cfg := q.plan().Config()
	r := signals.SourceReport{At: now, Admins: cfg.Admins, Timezone: cfg.Timezone}
	srcs, err := q.Sources(false)
	if err != nil {
		return r, fmt.Errorf("source report: %w", err)
	}
	for _, s := range srcs {
		if fs, ok := signals.ReportFailing(s.Source, s.State, now); ok {
			r.Sources = append(r.Sources, fs)
		}
		if ss, ok := signals.ReportSilent(s.Source, s.State, now); ok {
			r.Silent = append(r.Silent, ss)
		}
	}
	r.Failed, err = view(q, "failed messages", (*store.Tx).FailedMessages)
	return r, err
}

// FeedbackOn reads the feedback of kind on a lead (and story), if any.
func (r Reader) FeedbackOn(kind signals.LinkKind, leadKey, story string) (signals.Feedback, bool, error) {
	fbs, err := view(r, "feedback", func(tx *store.Tx) ([]signals.Feedback, error) { return tx.LeadFeedback(leadKey) })
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
func (r Reader) AllFeedback() ([]signals.Feedback, error) {
	out, err := view(r, "feedback", (*store.Tx).AllFeedback)
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
func (r Reader) RepLeads(rep string, f LeadFilter, now time.Time) ([]LeadState, error) {
	f.Rep = rep
	leads, err := r.Leads(f)
	if err != nil {
		return nil, err
	}
	return view(r, "leads", func(tx *store.Tx) ([]LeadState, error) {
		out := make([]LeadState, 0, len(leads))
		for _, l := range leads {
			sigs, fbs, err := HeededSignals(tx, l.Key())
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
func (r Reader) LeadDetail(leadKey string, now time.Time) (d LeadDetail, found bool, err error) {
	p := r.plan()
	pr, ok := p.Prospect(leadKey)
	if !ok {
		return d, false, nil
	}
	pol := p.Policy(pr.Watchlist)
	err = r.store.View(func(tx *store.Tx) error {
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
		return d, false, fmt.Errorf("read lead %s from %s: %w", pr.Name, r.store.Path(), err)
	}
	// Newest news first, by the date a rep reads beside it.
	when := func(s SignalState) time.Time { return cmp.Or(s.Published, s.FirstSeen) }
	slices.SortStableFunc(d.Signals, func(a, b SignalState) int { return when(b).Compare(when(a)) })
	return d, found, nil
}
