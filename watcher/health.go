package watcher

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veille-hq/veille/signals"
)

// HealthFailingFor is how long a source must have gone without a success
// before the admins hear of it: one bad night of a news site is not news.
const HealthFailingFor = 24 * time.Hour

// keyHealthDay in the meta bucket holds the day (admins' timezone) of the
// last notice queued, so a restart or a second `veille digest --send` the
// same day does not mail the admins twice.
var keyHealthDay = []byte("health_day")

// HealthReport lists the plan's sources failing for over HealthFailingFor
// and the outbox messages marked failed. A source that never succeeded is
// listed as soon as it fails: there is no start to measure from, and a
// source that never worked is a configuration mistake worth hearing of.
func (w *Watcher) HealthReport(now time.Time) (signals.HealthReport, error) {
	cfg := w.Plan().Config()
	r := signals.HealthReport{At: now, Admins: cfg.Admins, Timezone: cfg.Timezone}
	srcs, err := w.Sources(true)
	if err != nil {
		return r, fmt.Errorf("health report: %w", err)
	}
	for _, s := range srcs {
		st := s.State
		if !st.LastSuccess.IsZero() && now.Sub(st.LastSuccess) < HealthFailingFor {
			continue
		}
		r.Sources = append(r.Sources, signals.SourceHealth{
			ID: s.ID, Kind: string(s.Kind), URL: s.URL, Failures: st.Failures,
			LastSuccess: st.LastSuccess, LastAttempt: st.LastAttempt, LastError: st.LastError, ErrorKind: string(st.ErrorKind),
		})
	}
	entries, err := w.Store.Outbox()
	if err != nil {
		return r, fmt.Errorf("health report: read outbox of %s: %w", w.Store.path, err)
	}
	for _, e := range entries {
		if e.Status != StatusFailed {
			continue
		}
		r.Failed = append(r.Failed, signals.FailedMessage{
			ID: e.ID, Kind: e.Message.Kind, Rep: e.Message.Rep, To: e.Message.To, Subject: e.Message.Subject,
			Attempts: e.Attempts, Created: e.Created, LastError: e.LastError,
		})
	}
	return r, nil
}

// QueueHealth puts the admins' notice in the outbox, at most once a day and
// only when something is wrong; it reports whether it queued one.
func (w *Watcher) QueueHealth(now time.Time) (bool, error) {
	r, err := w.HealthReport(now)
	if err != nil {
		return false, err
	}
	if r.Empty() || len(r.Admins) == 0 {
		return false, nil
	}
	cfg := w.Plan().Config()
	loc := cfg.Location
	if loc == nil {
		loc = time.UTC
	}
	day := []byte(now.In(loc).Format("2006-01-02"))
	var done bool
	if err := w.Store.db.View(func(tx *bolt.Tx) error {
		done = string(tx.Bucket(bucketMeta).Get(keyHealthDay)) == string(day)
		return nil
	}); err != nil || done {
		return false, err
	}
	m, err := w.Renderer.Health(r, cfg.Digest.Language)
	if err != nil {
		return false, err
	}
	err = w.Store.db.Update(func(tx *bolt.Tx) error {
		if string(tx.Bucket(bucketMeta).Get(keyHealthDay)) == string(day) {
			done = true
			return nil
		}
		if _, err := enqueue(tx, m, now); err != nil {
			return err
		}
		return tx.Bucket(bucketMeta).Put(keyHealthDay, day)
	})
	if err != nil {
		return false, fmt.Errorf("queue health notice in %s: %w", w.Store.path, err)
	}
	if done {
		return false, nil
	}
	w.Log.Info("health notice queued", "sources", len(r.Sources), "failed_messages", len(r.Failed))
	return true, nil
}

// Enqueue stores a rendered message in the outbox before any attempt; the
// sender loop delivers it. For callers outside the poll cycle and digests.
func (s *Store) Enqueue(m signals.Message, now time.Time) (uint64, error) {
	var id uint64
	err := s.db.Update(func(tx *bolt.Tx) error {
		var err error
		id, err = enqueue(tx, m, now)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("queue %s message %s in %s: %w", m.Kind, m.MessageID, s.path, err)
	}
	return id, nil
}
