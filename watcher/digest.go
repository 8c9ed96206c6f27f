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

// queueAlerts batches the cycle's new signals whose labels a watch list
// asked to hear at once into one message per rep. They are not recorded as
// sent: they still appear in the next digest.
func (w *Watcher) queueAlerts(p *Plan, fresh []signalRef, now time.Time) error {
	if len(fresh) == 0 || !w.opts.Alerts {
		return nil
	}
	byRep := map[string]*signals.Alerts{}
	err := w.Store.View(func(tx *store.Tx) error {
		for _, ref := range fresh {
			pr := p.prospects[ref.LeadKey]
			s, _, err := tx.Signal(ref.LeadKey, ref.Story)
			if err != nil {
				return err
			}
			a := byRep[pr.Owner]
			if a == nil {
				r, ok := repByID(p, pr.Owner)
				if !ok {
					continue
				}
				a = &signals.Alerts{Rep: r, At: now}
				byRep[pr.Owner] = a
			}
			lead, _, err := tx.Lead(ref.LeadKey)
			if err != nil {
				return err
			}
			added := false
			for i := range a.Leads {
				if a.Leads[i].Lead.Key() == ref.LeadKey {
					a.Leads[i].New = append(a.Leads[i].New, s)
					added = true
				}
			}
			if !added {
				a.Leads = append(a.Leads, signals.DigestLead{Lead: lead, New: []signals.Signal{s}})
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("collect alerts: %w", err)
	}
	for _, r := range p.reps {
		a := byRep[r.ID]
		if a == nil {
			continue
		}
		m, err := w.opts.Renderer.Alerts(*a)
		if err != nil {
			return err
		}
		if err := w.update(func(tx *store.Tx) error { _, err := tx.Enqueue(m, now); return err }); err != nil {
			return fmt.Errorf("queue alert for %s: %w", r.ID, err)
		}
		w.log.Info("alert queued", "rep", r.ID, "leads", len(a.Leads))
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

func repByID(p *Plan, id string) (signals.Rep, bool) {
	for _, r := range p.reps {
		if r.ID == id {
			return r, true
		}
	}
	return signals.Rep{}, false
}
