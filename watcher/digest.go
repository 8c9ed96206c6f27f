package watcher

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// BuildDigests builds each rep's digest as data (rep "" = every rep): the
// leads with signals the rep was not sent yet, hot first, then a "still
// hot" list. A rep with nothing new gets no digest unless send_empty.
func (w *Watcher) BuildDigests(now time.Time, rep string) ([]signals.Digest, error) {
	p := w.Plan()
	var out []signals.Digest
	err := w.Store.View(func(tx *store.Tx) error {
		for _, r := range p.reps {
			if rep != "" && r.ID != rep {
				continue
			}
			d := signals.Digest{Rep: r, At: now}
			for _, lk := range p.order {
				pr := p.prospects[lk]
				if pr.Owner != r.ID {
					continue
				}
				lead, found, err := tx.Lead(lk)
				if err != nil {
					return err
				}
				if !found {
					continue
				}
				sigs, err := tx.LeadSignals(lk)
				if err != nil {
					return err
				}
				var fresh []signals.Signal
				for _, s := range sigs {
					if signals.InDigest(s, now) && !tx.Digested(r.ID, lk, s.ID) {
						fresh = append(fresh, s)
					}
				}
				switch {
				case len(fresh) > 0:
					sort.SliceStable(fresh, func(i, j int) bool { return fresh[i].FirstSeen.After(fresh[j].FirstSeen) })
					d.Leads = append(d.Leads, signals.DigestLead{Lead: lead, New: fresh})
				case lead.Tier == signals.Hot:
					d.StillHot = append(d.StillHot, lead)
				}
			}
			slices.SortStableFunc(d.Leads, func(a, b signals.DigestLead) int { return signals.CompareLeads(a.Lead, b.Lead) })
			sort.SliceStable(d.StillHot, func(i, j int) bool { return d.StillHot[i].Score > d.StillHot[j].Score })
			if len(d.Leads) == 0 && !p.cfg.Digest.SendEmpty {
				continue
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("build digests from %s: %w", w.Store.Path(), err)
	}
	return out, nil
}

// RenderDigests builds and renders digests without recording anything:
// previews (`veille digest --out`).
func (w *Watcher) RenderDigests(now time.Time, rep string) ([]signals.Message, error) {
	ds, err := w.BuildDigests(now, rep)
	if err != nil {
		return nil, err
	}
	var out []signals.Message
	for _, d := range ds {
		m, err := w.opts.Renderer.Digest(d)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// QueueDigests renders each rep's digest and puts it in the outbox; what
// it carried is recorded as sent to the rep in the same transaction, so a
// crash can neither lose the digest nor send its news twice.
func (w *Watcher) QueueDigests(now time.Time, rep string) (int, error) {
	ds, err := w.BuildDigests(now, rep)
	if err != nil {
		return 0, err
	}
	for _, d := range ds {
		m, err := w.opts.Renderer.Digest(d)
		if err != nil {
			return 0, err
		}
		err = w.update(func(tx *store.Tx) error {
			if _, err := tx.Enqueue(m, now); err != nil {
				return err
			}
			for _, dl := range d.Leads {
				for _, s := range dl.New {
					if err := tx.MarkDigested(d.Rep.ID, dl.Lead.Key(), s.ID, now); err != nil {
						return err
					}
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
// the signal being stored, send it twice. The leads are rescored first,
// so the alert shows the score the news gave. Alerted signals are not
// recorded as sent: they still appear in the next digest.
func (w *Watcher) queueAlertsTx(tx *store.Tx, p *Plan, refs []signalRef, now time.Time) error {
	var leadKeys []string
	for _, r := range refs {
		if w.opts.Alerts && p.alerts(r) && !slices.Contains(leadKeys, r.LeadKey) {
			leadKeys = append(leadKeys, r.LeadKey)
		}
	}
	if len(leadKeys) == 0 {
		return nil
	}
	if err := rescoreTx(tx, p, leadKeys, now); err != nil {
		return err
	}
	for _, rep := range p.reps {
		a := signals.Alerts{Rep: rep, At: now}
		for _, lk := range leadKeys {
			if p.prospects[lk].Owner != rep.ID {
				continue
			}
			lead, _, err := tx.Lead(lk)
			dl := signals.DigestLead{Lead: lead}
			for _, r := range refs {
				if r.LeadKey == lk && p.alerts(r) && err == nil {
					var s signals.Signal
					s, _, err = tx.Signal(lk, r.Story)
					dl.New = append(dl.New, s)
				}
			}
			if err != nil {
				return err
			}
			a.Leads = append(a.Leads, dl)
		}
		if len(a.Leads) == 0 {
			continue
		}
		m, err := w.opts.Renderer.Alerts(a)
		if err != nil {
			return fmt.Errorf("render alert for %s: %w", rep.ID, err)
		}
		if _, err := tx.Enqueue(m, now); err != nil {
			return err
		}
		w.log.Info("alert queued", "rep", rep.ID, "leads", len(a.Leads))
	}
	return nil
}

// alerts reports whether a new signal's lead's watch list asked to hear
// of one of its labels at once.
func (p *Plan) alerts(r signalRef) bool {
	on := p.alertOn[p.prospects[r.LeadKey].Watchlist]
	for _, l := range r.Labels {
		if on[l] {
			return true
		}
	}
	return false
}
