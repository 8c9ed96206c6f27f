package watcher

import (
	"slices"
	"time"

	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// Hooks for package watcher_test, whose tests drive the real notify
// renderer and sender and so cannot live in package watcher.

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

// QueueAlerts runs the rescore and alert steps of a cycle's write
// transaction on refs from StoreSignals.
func (w *Watcher) QueueAlerts(refs []SignalRef, now time.Time) error {
	return w.update(func(tx *store.Tx) error {
		var leadKeys []string
		for _, r := range refs {
			leadKeys = append(leadKeys, r.LeadKey)
		}
		slices.Sort(leadKeys)
		if err := rescoreTx(tx, w.Plan(), slices.Compact(leadKeys), now); err != nil {
			return err
		}
		return w.queueAlertsTx(tx, w.Plan(), refs, now)
	})
}
