package watcher

import (
	"fmt"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/signals"
)

// Webhooks formats digests and alerts for webhooks (notify.Webhooks);
// package deliver posts them.
type Webhooks interface {
	Digest(d signals.Digest, format string) ([]byte, error)
	Alerts(a signals.Alerts, format string) ([]byte, error)
}

// hookFor is one webhook and the part of a digest or alert batch it gets:
// a rep's webhook gets all of it, a watch list's the leads of that list.
type hookFor struct {
	hook      config.Webhook
	watchlist string // "" for a rep's webhook
}

// hooksOf lists the webhooks a rep's digests and alerts go to.
func hooksOf(cfg *config.Config, rep string) []hookFor {
	var out []hookFor
	for _, r := range cfg.Reps {
		if r.ID == rep && r.Webhook != nil {
			out = append(out, hookFor{hook: *r.Webhook})
		}
	}
	for _, wl := range cfg.Watchlists {
		if wl.Webhook != nil {
			out = append(out, hookFor{hook: *wl.Webhook, watchlist: wl.ID})
		}
	}
	return out
}

// only keeps the leads of one watch list ("" keeps them all).
func only[L any](leads []L, watchlist string, of func(L) string) []L {
	if watchlist == "" {
		return leads
	}
	var out []L
	for _, l := range leads {
		if of(l) == watchlist {
			out = append(out, l)
		}
	}
	return out
}

func digestLeadList(dl signals.DigestLead) string { return dl.Lead.Watchlist }

// webhookDigests formats a rep's digest for each webhook that gets part of
// it; a watch list's webhook gets nothing when the digest has no news of
// that list.
func (w *Watcher) webhookDigests(p *plan.Plan, d signals.Digest) ([]signals.Message, error) {
	if w.opts.Webhooks == nil {
		return nil, nil
	}
	var out []signals.Message
	for _, h := range hooksOf(p.Config(), d.Rep.ID) {
		part := d
		part.Leads = only(d.Leads, h.watchlist, digestLeadList)
		part.StillHot = only(d.StillHot, h.watchlist, digestLeadList)
		if h.watchlist != "" && len(part.Leads) == 0 {
			continue
		}
		body, err := w.opts.Webhooks.Digest(part, h.hook.FormatOr())
		if err != nil {
			return nil, fmt.Errorf("format digest of %s for %s: %w", d.Rep.ID, h.hook.Name(), err)
		}
		out = append(out, webhookMessage("digest", d.Rep, h, body))
	}
	return out, nil
}

// webhookAlerts formats a rep's alerts for each webhook that gets part of
// them.
func (w *Watcher) webhookAlerts(p *plan.Plan, a signals.Alerts) ([]signals.Message, error) {
	if w.opts.Webhooks == nil {
		return nil, nil
	}
	var out []signals.Message
	for _, h := range hooksOf(p.Config(), a.Rep.ID) {
		part := a
		part.Leads = only(a.Leads, h.watchlist, digestLeadList)
		if len(part.Leads) == 0 {
			continue
		}
		body, err := w.opts.Webhooks.Alerts(part, h.hook.FormatOr())
		if err != nil {
			return nil, fmt.Errorf("format alert of %s for %s: %w", a.Rep.ID, h.hook.Name(), err)
		}
		out = append(out, webhookMessage("alert", a.Rep, h, body))
	}
	return out, nil
}

func webhookMessage(kind string, rep signals.Rep, h hookFor, body []byte) signals.Message {
	// What `veille outbox` shows of it: the URL stays out.
	subject := fmt.Sprintf("%s of %s → %s (%s)", kind, rep.ID, h.hook.Name(), h.hook.FormatOr())
	if h.watchlist != "" {
		subject = fmt.Sprintf("%s of %s, watch list %s → %s (%s)", kind, rep.ID, h.watchlist, h.hook.Name(), h.hook.FormatOr())
	}
	return signals.Message{
		Kind: kind, Rep: rep.ID, To: []string{h.hook.Name()}, Subject: subject,
		Transport: signals.TransportWebhook, URL: h.hook.URL, Body: body,
	}
}
