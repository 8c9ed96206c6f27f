package watcher

import (
	"fmt"
	"time"

	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// SourceReport lists the plan's failing and silent sources the admins'
// daily notice names (signals.ReportFailing, signals.ReportSilent) and the
// outbox messages marked failed.
func (w *Watcher) SourceReport(now time.Time) (signals.SourceReport, error) {
	cfg := w.Plan().Config()
	r := signals.SourceReport{At: now, Admins: cfg.Admins, Timezone: cfg.Timezone}
	srcs, err := w.Sources(false)
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
	r.Failed, err = view(w, "failed messages", (*store.Tx).FailedMessages)
	return r, err
}

// QueueSourceReport puts the admins' notice in the outbox, at most once a
// day (in the config's zone, so a restart or a second `veille digest
// --send` the same day does not mail the admins twice) and only when
// something is wrong; it reports whether it queued one.
func (w *Watcher) QueueSourceReport(now time.Time) (bool, error) {
	r, err := w.SourceReport(now)
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
