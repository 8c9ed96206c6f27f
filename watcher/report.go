package watcher

import (
	"fmt"
	"time"

	"github.com/veille-hq/veille/store"
)

// QueueSourceReport puts the admins' notice in the outbox, at most once a
// day (in the config's zone, so a restart or a second `veille digest
// --send` the same day does not mail the admins twice) and only when
// something is wrong; it reports whether it queued one.
func (w *Watcher) QueueSourceReport(now time.Time) (bool, error) {
	r, err := w.Reader.SourceReport(now)
	if err != nil {
		return false, err
	}
	if r.Empty() || len(r.Admins) == 0 {
		return false, nil
	}
	cfg := w.Plan().Config()
	day := store.Day(now, cfg.Location)
	last, err := view(w, "the last report's day", func(tx *store.Tx) (string, error) { return tx.ReportDay(), nil })
	if err != nil || last == day {
		return false, err
	}
	done := false
	m, err := w.opts.Renderer.SourceReport(r, cfg.Digest.Language)
	if err != nil {
		return false, err
	}
	err = w.update(func(tx *store.Tx) error {
		if tx.ReportDay() == day {
			done = true
			return nil
		}
		if _, err := tx.Enqueue(m, now); err != nil {
			return err
		}
		return tx.SetReportDay(day)
	})
	if err != nil {
		return false, fmt.Errorf("queue source report in %s: %w", w.Store.Path(), err)
	}
	if done {
		return false, nil
	}
	w.log.Info("source report queued", "sources", len(r.Sources), "silent", len(r.Silent), "failed_messages", len(r.Failed))
	return true, nil
}
