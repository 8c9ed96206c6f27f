package watcher

import (
	"time"

	"github.com/veille-hq/veille/store"
)

// Outbox lists every message waiting or failed, oldest first.
func (w *Watcher) Outbox() ([]store.OutboxEntry, error) {
	return view(w, "outbox", (*store.Tx).Outbox)
}

// MarkSent takes a message the server accepted out of the outbox.
func (w *Watcher) MarkSent(id uint64) error {
	return w.update(func(tx *store.Tx) error { return tx.MarkSent(id) })
}

// MarkFailed records a failed send of a message: due again later, or
// failed for good when permanent. It returns the message as it stands.
func (w *Watcher) MarkFailed(id uint64, sendErr error, permanent bool, now time.Time) (e store.OutboxEntry, err error) {
	err = w.update(func(tx *store.Tx) error {
		e, err = tx.MarkFailed(id, sendErr, permanent, now)
		return err
	})
	return e, err
}

// RetryOutbox makes a failed or waiting message due now (id 0: all of them).
func (w *Watcher) RetryOutbox(id uint64) (n int, err error) {
	err = w.update(func(tx *store.Tx) error {
		n, err = tx.Retry(id, w.now())
		return err
	})
	if n > 0 {
		w.wakeOutbox() // a running daemon sends them now, not within a minute
	}
	return n, err
}

// wakeOutbox tells a running daemon's outbox loop (Queued) to drain now;
// without one it does nothing.
func (w *Watcher) wakeOutbox() {
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// DropOutbox deletes one message for good.
func (w *Watcher) DropOutbox(id uint64) error {
	return w.update(func(tx *store.Tx) error { return tx.Drop(id) })
}
