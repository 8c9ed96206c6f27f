package watcher

import (
	"context"
	"fmt"
	"strings"

	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// Outbox lists every message waiting or failed, oldest first.
func (w *Watcher) Outbox() ([]store.OutboxEntry, error) {
	return view(w, "outbox", (*store.Tx).Outbox)
}

// DrainOutbox sends every due pending message, one at a time. A message
// leaves the outbox only once the server accepted it; a temporary failure
// is retried later, a permanent one is marked failed. A failure of the
// server itself (no reply, 421) ends the drain: each message left would
// wait out the same timeout.
func (w *Watcher) DrainOutbox(ctx context.Context) (sent, failed int, err error) {
	if !w.opts.Send {
		return 0, 0, nil
	}
	entries, err := w.Outbox()
	if err != nil {
		return 0, 0, err
	}
	defer w.countOutbox()
	for _, e := range entries {
		if e.Status != store.StatusPending || e.NextTry.After(w.now()) {
			continue
		}
		webhook := e.Message.Transport == signals.TransportWebhook
		if (webhook && w.opts.Webhooks == nil) || (!webhook && w.opts.Sender == nil) {
			continue // its transport is not configured here: it waits
		}
		if ctx.Err() != nil {
			return sent, failed, ctx.Err()
		}
		var sendErr error
		if webhook {
			sendErr = w.postWebhook(ctx, e.Message)
		} else {
			sendErr = w.opts.Sender.Send(ctx, e.Message)
		}
		now := w.now()
		err := w.update(func(tx *store.Tx) error {
			if sendErr == nil {
				return tx.MarkSent(e.ID)
			}
			var err error
			e, err = tx.MarkFailed(e.ID, sendErr, isPermanent(sendErr), now)
			return err
		})
		if err != nil {
			return sent, failed, fmt.Errorf("update outbox %d: %w", e.ID, err)
		}
		if sendErr == nil {
			sent++
			w.opts.Metrics.Message(e.Message.Kind, "sent")
			w.log.Info("message sent", "rep", e.Message.Rep, "kind", e.Message.Kind, "to", to(e.Message), "message_id", e.Message.MessageID)
			continue
		}
		failed++
		outcome := "retry"
		if e.Status == store.StatusFailed {
			outcome = "failed"
		}
		w.opts.Metrics.Message(e.Message.Kind, outcome)
		// A mail server that does not answer fails every message after
		// this one the same way; a webhook's host concerns its messages only.
		down := !webhook && unreachable(sendErr)
		w.log.Warn("send failed", "rep", e.Message.Rep, "kind", e.Message.Kind, "to", to(e.Message), "attempts", e.Attempts, "status", e.Status, "server_unreachable", down, "err", sendErr)
		if down {
			break
		}
	}
	return sent, failed, nil
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

// to names a message's destination for logs: the webhook's host, or the
// addresses.
func to(m signals.Message) string {
	return strings.Join(m.To, ", ")
}

// wakeOutbox asks the daemon's outbox loop (Run) to drain now; without a
// running loop it does nothing.
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

// countOutbox refreshes the outbox gauge.
func (w *Watcher) countOutbox() {
	if w.opts.Metrics == nil {
		return
	}
	if entries, err := w.Outbox(); err == nil {
		failed := 0
		for _, e := range entries {
			if e.Status == store.StatusFailed {
				failed++
			}
		}
		w.opts.Metrics.Outbox(len(entries)-failed, failed)
	}
}
