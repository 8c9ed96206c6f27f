// Package deliver drains the outbox: it sends each due message, mail
// through a Sender and webhook messages through a Poster, and records on
// the message whether it went. What goes into the outbox, and when, is
// the watcher's; deliver never builds a message.
package deliver

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/metrics"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// Sender delivers one message (notify.Sender). A failure whose error has a
// Temporary() method returning false is permanent; any other is retried.
// One whose Unreachable() returns true ends the drain: the server is down.
type Sender interface {
	Send(ctx context.Context, m signals.Message) error
}

// Poster posts a webhook message (notify.Webhooks). Its error says
// temporary or permanent as Sender's does.
type Poster interface {
	Post(ctx context.Context, url string, body []byte, header http.Header) error
}

// Outbox is the queue drained (watcher.Watcher, whose writes /healthz
// watches).
type Outbox interface {
	Outbox() ([]store.OutboxEntry, error)
	MarkSent(id uint64) error
	MarkFailed(id uint64, sendErr error, permanent bool, now time.Time) (store.OutboxEntry, error)
}

// Options are what a Deliverer sends with.
type Options struct {
	Sender   Sender // nil: mail waits in the outbox
	Webhooks Poster // nil: webhook messages wait in the outbox
	// Config is the config in force, whose webhooks give a message's URL
	// its secret header: secrets are never stored in the outbox.
	Config func() *config.Config
	// Send delivers the outbox; without it, messages stay queued (no SMTP
	// server configured, `veille once --no-send`, the demo).
	Send    bool
	Log     *slog.Logger     // nil: no logs
	Now     func() time.Time // nil: time.Now
	Metrics *metrics.Metrics // nil: no metrics
}

// Deliverer sends what an outbox holds.
type Deliverer struct {
	q   Outbox
	o   Options
	log *slog.Logger
	now func() time.Time
}

// New is a deliverer of q. Send without a Sender or a Poster is turned off.
func New(q Outbox, o Options) *Deliverer {
	o.Send = o.Send && (o.Sender != nil || o.Webhooks != nil)
	d := &Deliverer{q: q, o: o, log: o.Log, now: o.Now}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if d.now == nil {
		d.now = time.Now
	}
	return d
}

// Sends reports whether the deliverer sends anything.
func (d *Deliverer) Sends() bool { return d.o.Send }

// Drain sends every due pending message, one at a time. A message leaves
// the outbox only once the server accepted it; a temporary failure is
// retried later, a permanent one is marked failed. A failure of the server
// itself (no reply, 421) ends the drain: each message left would wait out
// the same timeout.
func (d *Deliverer) Drain(ctx context.Context) (sent, failed int, err error) {
	if !d.o.Send {
		return 0, 0, nil
	}
	entries, err := d.q.Outbox()
	if err != nil {
		return 0, 0, err
	}
	defer d.countOutbox()
	for _, e := range entries {
		if e.Status != store.StatusPending || e.NextTry.After(d.now()) {
			continue
		}
		webhook := e.Message.Transport == signals.TransportWebhook
		if (webhook && d.o.Webhooks == nil) || (!webhook && d.o.Sender == nil) {
			continue // its transport is not configured here: it waits
		}
		if ctx.Err() != nil {
			return sent, failed, ctx.Err()
		}
		var sendErr error
		if webhook {
			sendErr = d.postWebhook(ctx, e.Message)
		} else {
			sendErr = d.o.Sender.Send(ctx, e.Message)
		}
		if sendErr == nil {
			err = d.q.MarkSent(e.ID)
		} else {
			e, err = d.q.MarkFailed(e.ID, sendErr, isPermanent(sendErr), d.now())
		}
		if err != nil {
			return sent, failed, fmt.Errorf("update outbox %d: %w", e.ID, err)
		}
		if sendErr == nil {
			sent++
			d.o.Metrics.Message(e.Message.Kind, "sent")
			d.log.Info("message sent", "rep", e.Message.Rep, "kind", e.Message.Kind, "to", to(e.Message), "message_id", e.Message.MessageID)
			continue
		}
		failed++
		outcome := "retry"
		if e.Status == store.StatusFailed {
			outcome = "failed"
		}
		d.o.Metrics.Message(e.Message.Kind, outcome)
		// A mail server that does not answer fails every message after
		// this one the same way; a webhook's host concerns its messages only.
		down := !webhook && unreachable(sendErr)
		d.log.Warn("send failed", "rep", e.Message.Rep, "kind", e.Message.Kind, "to", to(e.Message), "attempts", e.Attempts, "status", e.Status, "server_unreachable", down, "err", sendErr)
		if down {
			break
		}
	}
	return sent, failed, nil
}

func isPermanent(err error) bool {
	var t interface{ Temporary() bool }
	return errors.As(err, &t) && !t.Temporary()
}

// unreachable reports a send failure of the server rather than of the
// message (notify.Error.Unreachable).
func unreachable(err error) bool {
	var u interface{ Unreachable() bool }
	return errors.As(err, &u) && u.Unreachable()
}

// to names a message's destination for logs: the webhook's host, or the
// addresses.
func to(m signals.Message) string {
	return strings.Join(m.To, ", ")
}

// countOutbox refreshes the outbox gauge.
func (d *Deliverer) countOutbox() {
	if d.o.Metrics == nil {
		return
	}
	if entries, err := d.q.Outbox(); err == nil {
		failed := 0
		for _, e := range entries {
			if e.Status == store.StatusFailed {
				failed++
			}
		}
		d.o.Metrics.Outbox(len(entries)-failed, failed)
	}
}

// errHookGone: the message's webhook is no longer in the config.
var errHookGone = hookGone{errors.New("this webhook is no longer in the config: drop the message, or put the webhook back and retry it")}

// hookGone is a failure not worth retrying: the webhook left the config.
type hookGone struct{ error }

func (hookGone) Temporary() bool { return false }
func (e hookGone) Unwrap() error { return e.error }

// postWebhook posts a webhook message with the secret header the config in
// force gives its URL.
func (d *Deliverer) postWebhook(ctx context.Context, m signals.Message) error {
	cfg := d.o.Config()
	var hook *config.Webhook
	for _, r := range cfg.Reps {
		if r.Webhook != nil && r.Webhook.URL == m.URL {
			hook = r.Webhook
		}
	}
	for _, wl := range cfg.Watchlists {
		if wl.Webhook != nil && wl.Webhook.URL == m.URL {
			hook = wl.Webhook
		}
	}
	if hook == nil {
		return errHookGone
	}
	return d.o.Webhooks.Post(ctx, m.URL, m.Body, hook.Header())
}
