package watcher

import (
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// Hooks for package watcher_test, whose tests drive the real notify
// renderer and sender and so cannot live in package watcher.

// PlanWithoutClassifier compiles what digests and alerts need from cfg
// (reps, prospects, alert_on) and no classifier or matcher: those are not
// what these tests are about.
func PlanWithoutClassifier(cfg *config.Config) *Plan {
	p := &Plan{cfg: cfg, prospects: map[string]Prospect{}, alertOn: map[string][]string{}, policies: map[string]signals.Policy{}}
	for _, r := range cfg.Reps {
		p.reps = append(p.reps, signals.Rep{ID: r.ID, Name: r.Name, Email: r.Email, Language: r.Language, Timezone: r.Timezone})
	}
	for _, wl := range cfg.Watchlists {
		p.alertOn[wl.ID] = wl.AlertOn
		p.policies[wl.ID] = policy(cfg.Scoring, wl)
		for _, pr := range wl.Prospects {
			lk := signals.LeadKey(wl.ID, pr.Name)
			p.prospects[lk] = Prospect{LeadKey: lk, Watchlist: wl.ID, Name: pr.Name, Owner: pr.Owner, Links: prospectLinks(cfg, pr)}
			p.order = append(p.order, lk)
		}
	}
	return p
}

// SignalRef is what a cycle hands to the alert step for each new signal.
type SignalRef = signalRef

// StoreSignals writes leads and their signals as a cycle would have, and
// returns the refs a cycle hands to queueAlerts.
func (w *Watcher) StoreSignals(leads []signals.Lead, sigs []signals.Signal) ([]SignalRef, error) {
	var refs []SignalRef
	err := w.Store.Update(func(tx *store.Tx) error {
		for _, l := range leads {
			if err := tx.PutLead(l, nil, store.Day(w.now(), time.UTC)); err != nil {
				return err
			}
		}
		for _, s := range sigs {
			lk := signals.LeadKey(s.Watchlist, s.Company)
			if err := tx.PutSignal(s); err != nil {
				return err
			}
			refs = append(refs, signalRef{LeadKey: lk, Story: s.ID, Labels: s.Labels})
		}
		return nil
	})
	return refs, err
}

// QueueAlerts runs the alert step of a cycle's write transaction on refs
// from StoreSignals.
func (w *Watcher) QueueAlerts(refs []SignalRef, now time.Time) error {
	return w.update(func(tx *store.Tx) error { return w.queueAlertsTx(tx, w.Plan(), refs, now) })
}
