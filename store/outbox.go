package store

import (
	"fmt"
	"time"

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

// retryDelay grows from one minute to an hour.
func retryDelay(attempts int) time.Duration {
	d := time.Minute << min(attempts-1, 6)
	return min(d, time.Hour)
}

// Enqueue stores a rendered message in the outbox, due now, before any
// attempt to send it.
func (t *Tx) Enqueue(m signals.Message, now time.Time) (uint64, error) {
	b := t.tx.Bucket(bucketOutbox)
	id, err := b.NextSequence()
	if err != nil {
		return 0, err
	}
	return id, b.Put(u64(id), encodeOutbox(OutboxEntry{ID: id, Message: m, Status: StatusPending, Created: now, NextTry: now}))
}

// Outbox lists every message waiting or failed, oldest first.
func (t *Tx) Outbox() ([]OutboxEntry, error) {
	var out []OutboxEntry
	err := t.tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
		e, err := decodeOutbox(k, v)
		out = append(out, e)
		return err
	})
	return out, err
}

// FailedMessages lists the messages marked failed, oldest first: the
// admins' notice carries them.
func (t *Tx) FailedMessages() ([]signals.FailedMessage, error) {
	entries, err := t.Outbox()
	var out []signals.FailedMessage
	for _, e := range entries {
		if e.Status == StatusFailed {
			out = append(out, signals.FailedMessage{
				ID: e.ID, Kind: e.Message.Kind, Rep: e.Message.Rep, To: e.Message.To, Subject: e.Message.Subject,
				Attempts: e.Attempts, Created: e.Created, LastError: e.LastError,
			})
		}
	}
	return out, err
}

func (t *Tx) outboxEntry(id uint64) (OutboxEntry, error) {
	v := t.tx.Bucket(bucketOutbox).Get(u64(id))
	if v == nil {
		return OutboxEntry{}, fmt.Errorf("outbox message %d: %w", id, ErrNotFound)
	}
	return decodeOutbox(u64(id), v)
}

// MarkSent removes a message the server accepted.
func (t *Tx) MarkSent(id uint64) error { return t.tx.Bucket(bucketOutbox).Delete(u64(id)) }

// MarkFailed records a failed attempt at now: the message is retried
// later, or marked failed when the failure is permanent or it has had
// MaxAttempts. It returns the entry as updated.
func (t *Tx) MarkFailed(id uint64, sendErr error, permanent bool, now time.Time) (OutboxEntry, error) {
	e, err := t.outboxEntry(id)
	if err != nil {
		return e, err
	}
	e.Attempts++
	e.LastError = sendErr.Error()
	e.NextTry = now.Add(retryDelay(e.Attempts))
	if permanent || e.Attempts >= MaxAttempts {
		e.Status = StatusFailed
	}
	return e, t.tx.Bucket(bucketOutbox).Put(u64(id), encodeOutbox(e))
}

// Retry makes a failed or waiting message due at now (id 0: all of them)
// and says how many it made due.
func (t *Tx) Retry(id uint64, now time.Time) (int, error) {
	var entries []OutboxEntry
	if id != 0 {
		e, err := t.outboxEntry(id)
		if err != nil {
			return 0, err
		}
		entries = append(entries, e)
	} else {
		var err error
		if entries, err = t.Outbox(); err != nil {
			return 0, err
		}
	}
	for _, e := range entries {
		e.Status, e.NextTry = StatusPending, now
		if e.Attempts >= MaxAttempts {
			e.Attempts = 0
		}
		if err := t.tx.Bucket(bucketOutbox).Put(u64(e.ID), encodeOutbox(e)); err != nil {
			return 0, err
		}
	}
	return len(entries), nil
}

// Drop deletes one message for good.
func (t *Tx) Drop(id uint64) error {
	b := t.tx.Bucket(bucketOutbox)
	if b.Get(u64(id)) == nil {
		return fmt.Errorf("outbox message %d: %w", id, ErrNotFound)
	}
	return b.Delete(u64(id))
}
