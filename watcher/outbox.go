package watcher

import (
	"context"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veille-hq/veille/signals"
)

// Outbox statuses.
const (
	StatusPending = "pending"
	StatusFailed  = "failed" // permanent failure or too many attempts: kept until retried or dropped
)

// MaxAttempts bounds retries of temporary failures (about two days with
// the backoff below), so nothing is retried forever.
const MaxAttempts = 40

// OutboxEntry is a message waiting for delivery.
type OutboxEntry struct {
	ID        uint64          `json:"id"`
	Message   signals.Message `json:"message"`
	Status    string          `json:"status"`
	Attempts  int             `json:"attempts"`
	Created   time.Time       `json:"created"`
	NextTry   time.Time       `json:"next_try"`
	LastError string          `json:"last_error,omitempty"`
}

// ErrNotFound is returned for an outbox id that does not exist.
var ErrNotFound = errors.New("not found")

func enqueue(tx *bolt.Tx, m signals.Message, now time.Time) (uint64, error) {
	b := tx.Bucket(bucketOutbox)
	id, err := b.NextSequence()
	if err != nil {
		return 0, err
	}
	return id, putJSON(b, u64(id), OutboxEntry{ID: id, Message: m, Status: StatusPending, Created: now, NextTry: now})
}

// retryDelay grows from one minute to an hour.
func retryDelay(attempts int) time.Duration {
	d := time.Minute << min(attempts-1, 6)
	return min(d, time.Hour)
}

// Outbox lists every message waiting or failed, oldest first.
func (s *Store) Outbox() ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketOutbox).ForEach(func(k, _ []byte) error {
			var e OutboxEntry
			if _, err := getJSON(tx.Bucket(bucketOutbox), k, &e); err != nil {
				return err
			}
			out = append(out, e)
			return nil
		})
	})
	return out, err
}

// DrainOutbox sends every due pending message, one at a time. A message
// leaves the outbox only once the server accepted it; a temporary failure
// is retried later, a permanent one is marked failed.
func (w *Watcher) DrainOutbox(ctx context.Context) (sent, failed int, err error) {
	if w.Sender == nil {
		return 0, 0, nil
	}
	entries, err := w.Store.Outbox()
	if err != nil {
		return 0, 0, err
	}
	defer w.countOutbox()
	for _, e := range entries {
		if e.Status != StatusPending || e.NextTry.After(w.Now()) {
			continue
		}
		if ctx.Err() != nil {
			return sent, failed, ctx.Err()
		}
		sendErr := w.Sender.Send(ctx, e.Message)
		now := w.Now()
		err := w.Store.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketOutbox)
			if sendErr == nil {
				return b.Delete(u64(e.ID))
			}
			e.Attempts++
			e.LastError = sendErr.Error()
			e.NextTry = now.Add(retryDelay(e.Attempts))
			if isPermanent(sendErr) || e.Attempts >= MaxAttempts {
				e.Status = StatusFailed
			}
			return putJSON(b, u64(e.ID), e)
		})
		if err != nil {
			return sent, failed, fmt.Errorf("update outbox %d: %w", e.ID, err)
		}
		if sendErr == nil {
			sent++
			w.Metrics.message(e.Message.Kind, "sent")
			w.Log.Info("message sent", "rep", e.Message.Rep, "kind", e.Message.Kind, "message_id", e.Message.MessageID)
			continue
		}
		failed++
		outcome := "retry"
		if e.Status == StatusFailed {
			outcome = "failed"
		}
		w.Metrics.message(e.Message.Kind, outcome)
		w.Log.Warn("send failed", "rep", e.Message.Rep, "kind", e.Message.Kind, "attempts", e.Attempts, "status", e.Status, "err", sendErr)
	}
	return sent, failed, nil
}

// RetryOutbox makes a failed or waiting message due now (id 0: all of them).
func (s *Store) RetryOutbox(id uint64, now time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		var keys [][]byte
		if id != 0 {
			if b.Get(u64(id)) == nil {
				return fmt.Errorf("outbox message %d: %w", id, ErrNotFound)
			}
			keys = append(keys, u64(id))
		} else {
			_ = b.ForEach(func(k, _ []byte) error { keys = append(keys, append([]byte(nil), k...)); return nil })
		}
		for _, k := range keys {
			var e OutboxEntry
			if _, err := getJSON(b, k, &e); err != nil {
				return err
			}
			e.Status, e.NextTry = StatusPending, now
			if e.Attempts >= MaxAttempts {
				e.Attempts = 0
			}
			if err := putJSON(b, k, e); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// DropOutbox deletes one message for good.
func (s *Store) DropOutbox(id uint64) error {
	return s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutbox)
		if b.Get(u64(id)) == nil {
			return fmt.Errorf("outbox message %d: %w", id, ErrNotFound)
		}
		return b.Delete(u64(id))
	})
}

// countOutbox refreshes the outbox gauge.
func (w *Watcher) countOutbox() {
	if w.Metrics == nil {
		return
	}
	entries, err := w.Store.Outbox()
	if err != nil {
		return
	}
	pending, failed := 0, 0
	for _, e := range entries {
		if e.Status == StatusFailed {
			failed++
		} else {
			pending++
		}
	}
	w.Metrics.outboxSize(pending, failed)
}
