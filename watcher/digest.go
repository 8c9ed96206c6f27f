package watcher

import (
	"fmt"
	"slices"
	"time"

	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// BuildDigests builds each rep's digest as data (rep "" = every rep): the
// leads with signals the rep was not sent yet, hot first, then a "still
// hot" list. A rep with nothing new gets no digest unless send_empty.
func (w *Watcher) BuildDigests(now time.Time, rep string) ([]signals.Digest, error) {
	p := w.Plan()
	return view(w, "digests", func(tx *store.Tx) (out []signals.Digest, err error) {
		for _, r := range p.Reps() {
			if rep != "" && r.ID != rep {
				continue
			}
			d := signals.Digest{Rep: r, At: now}
			for _, lk := range p.LeadKeys() {
				pr, _ := p.Prospect(lk)
				if pr.Owner != r.ID {
					continue
				}
				lead, found, err := tx.Lead(lk)
				if err != nil {
					return nil, err
				}
				if !found {
					continue
				}
				sigs, fbs, err := query.HeededSignals(tx, lk)
				if err != nil {
					return nil, err
				}
				if signals.Muted(fbs, now) {
					continue // already a customer, or snoozed
				}
				n, still := len(d.Leads), len(d.StillHot)
				d.Add(lead, sigs, func(story string) bool { return tx.Digested(r.ID, lk, story) })
				// addLinks appends to a lead's own links.
				if len(d.Leads) > n {
					d.Leads[n].Links = slices.Clone(pr.Links)
				}
				if len(d.StillHot) > still {
					d.StillHot[still].Links = slices.Clone(pr.Links)
				}
			}
			d.Sort()
			d.Links = w.addLinks(r, now, d.Leads, d.StillHot)
			if len(d.Leads) == 0 && !p.Config().Digest.SendEmpty {
				continue
			}
			out = append(out, d)
		}
		return out, nil
	})
}

// RenderDigests builds and renders digests without recording anything:
// previews (`veille digest --out`).
func (w *Watcher) RenderDigests(now time.Time, rep string) ([]signals.Message, error) {
	_, ms, err := w.renderDigests(now, rep)
	return ms, err
}

func (w *Watcher) renderDigests(now time.Time, rep string) ([]signals.Digest, []signals.Message, error) {
	ds, err := w.BuildDigests(now, rep)
	ms := make([]signals.Message, len(ds))
	for i := range ds {
		if err == nil {
			ms[i], err = w.opts.Renderer.Digest(ds[i])
		}
	}
	return ds, ms, err
}

// QueueDigests renders each rep's digest and puts it in the outbox; what
// it carried is recorded as sent to the rep in the same transaction, so a
// crash can neither lose the digest nor send its news twice.
func (w *Watcher) QueueDigests(now time.Time, rep string) (int, error) {
	ds, ms, err := w.renderDigests(now, rep)
	if err != nil {
		return 0, err
	}
	p := w.Plan()
	for i, d := range ds {
		hooks, err := w.webhookDigests(p, d)
		if err != nil {
			return 0, err
		}
		// The webhooks' copies are queued with the email, in one transaction.
		err = w.update(func(tx *store.Tx) error {
			if err := tx.EnqueueDigest(ms[i], d, now); err != nil {
				return err
			}
			for _, m := range hooks {
				if _, err := tx.Enqueue(m, now); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return 0, fmt.Errorf("queue digest for %s: %w", d.Rep.ID, err)
		}
		w.log.Info("digest queued", "rep", d.Rep.ID, "leads", len(d.Leads), "signals", d.NewSignals(), "still_hot", len(d.StillHot))
	}
	return len(ds), nil
}

// queueAlertsTx puts in the outbox, in the transaction that stores them,
// the new signals refs whose labels their watch list asked to hear at
// once: one message per rep. A crash can then lose neither the alert nor,
// the signal being stored, send it twice. The caller rescores the leads
// first (rescoreTx), so the alert shows the score the news gave. Alerted
// signals are not recorded as sent: they still appear in the next digest.
func (w *Watcher) queueAlertsTx(tx *store.Tx, p *plan.Plan, refs []signalRef, now time.Time) error {
	var leadKeys []string
	for _, r := range refs {
		if w.opts.Alerts && p.Alerts(r.LeadKey, r.Labels) && !slices.Contains(leadKeys, r.LeadKey) {
			leadKeys = append(leadKeys, r.LeadKey)
		}
	}
	if len(leadKeys) == 0 {
		return nil
	}
	for _, rep := range p.Reps() {
		a := signals.Alerts{Rep: rep, At: now}
		for _, lk := range leadKeys {
			pr, _ := p.Prospect(lk)
			if pr.Owner != rep.ID {
				continue
			}
			lead, _, err := tx.Lead(lk)
			if err != nil {
				return err
			}
			fbs, err := tx.LeadFeedback(lk)
			if err != nil {
				return err
			}
			if signals.Muted(fbs, now) {
				continue // already a customer, or snoozed
			}
			dl := signals.DigestLead{Lead: lead, Links: slices.Clone(pr.Links)}
			for _, r := range refs {
				if r.LeadKey == lk && p.Alerts(r.LeadKey, r.Labels) && !signals.Dismissed(fbs, r.Story) && err == nil {
					var s signals.Signal
					s, _, err = tx.Signal(lk, r.Story)
					dl.New = append(dl.New, s)
				}
			}
			if err != nil {
				return err
			}
			if len(dl.New) > 0 {
				a.Leads = append(a.Leads, dl)
			}
		}
		if len(a.Leads) == 0 {
			continue
		}
		a.Links = w.addLinks(rep, now, a.Leads)
		m, err := w.opts.Renderer.Alerts(a)
		if err != nil {
			return fmt.Errorf("render alert for %s: %w", rep.ID, err)
		}
		if _, err := tx.Enqueue(m, now); err != nil {
			return err
		}
		hooks, err := w.webhookAlerts(p, a)
		if err != nil {
			return err
		}
		for _, m := range hooks {
			if _, err := tx.Enqueue(m, now); err != nil {
				return err
			}
		}
		w.log.Info("alert queued", "rep", rep.ID, "leads", len(a.Leads), "webhooks", len(hooks))
	}
	return nil
}

// SendDigests queues the digests due now (one rep's when rep is set) and
// the admins' source report, between the daemon's jobs, and wakes the
// outbox loop to send them: `veille digest --send` through the admin API.
func (w *Watcher) SendDigests(rep string) (int, error) {
	w.jobs.Lock()
	defer w.jobs.Unlock()
	now := w.now()
	n, err := w.QueueDigests(now, rep)
	if err != nil {
		return n, err
	}
	if _, err := w.QueueSourceReport(now); err != nil {
		return n, err
	}
	w.wakeOutbox()
	return n, nil
}
