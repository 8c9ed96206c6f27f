package watcher

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/notify"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// hookServer records the posts it gets by path and answers each path
// with the status set for it (200 by default).
type hookServer struct {
	*httptest.Server
	mu     sync.Mutex
	status map[string]int
	posts  map[string][]*http.Request
	bodies map[string][][]byte
}

func newHookServer(t *testing.T) *hookServer {
	h := &hookServer{status: map[string]int{}, posts: map[string][]*http.Request{}, bodies: map[string][][]byte{}}
	h.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		h.posts[r.URL.Path] = append(h.posts[r.URL.Path], r)
		h.bodies[r.URL.Path] = append(h.bodies[r.URL.Path], body)
		if code := h.status[r.URL.Path]; code != 0 {
			rw.WriteHeader(code)
		}
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *hookServer) set(path string, code int) { h.mu.Lock(); h.status[path] = code; h.mu.Unlock() }
func (h *hookServer) count(path string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.posts[path])
}

// got returns the i-th post to path and its body.
func (h *hookServer) got(path string, i int) (*http.Request, []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.posts[path][i], h.bodies[path][i]
}

// TestWebhooksThroughTheOutbox: a rep's and a watch list's webhooks get
// the digest through the outbox beside the email: a 2xx delivers exactly
// once, a 500 is retried after its backoff, a 4xx marks the message failed
// until `outbox retry`.
func TestWebhooksThroughTheOutbox(t *testing.T) {
	hooks := newHookServer(t)
	cfg := testConfig(t)
	cfg.Reps[0].Webhook = &config.Webhook{URL: hooks.URL + "/rep/T0/secret-path", Format: "json", SecretHeader: "X-Veille-Token", Secret: "s3cret"}
	cfg.Watchlists[0].Webhook = &config.Webhook{URL: hooks.URL + "/list", Format: "slack"}
	w := testWatcher(t, cfg)
	now := t0
	w.now = func() time.Time { return now }
	w.opts.Fetcher = &fakeFetcher{fetch: feedOf(w.Now, corpus())}
	w.opts.Renderer = fakeRenderer{}
	var mails int
	w.opts.Webhooks = notify.NewWebhooks(notify.WebhookOptions{Timeout: 5 * time.Second})
	d := deliverer(w, fakeSender{func(signals.Message) error { mails++; return nil }}, notify.NewWebhooks(notify.WebhookOptions{Timeout: 5 * time.Second}))
	ctx := context.Background()
	if _, err := w.Cycle(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := w.QueueDigests(now, ""); n != 1 || err != nil {
		t.Fatalf("queue digests: %d, %v", n, err)
	}
	entries, _ := w.Outbox()
	if len(entries) != 3 {
		t.Fatalf("outbox holds %d messages, want the email and two webhook posts: %+v", len(entries), entries)
	}
	for _, e := range entries[1:] {
		if e.Message.Transport != signals.TransportWebhook || strings.Contains(strings.Join(e.Message.To, ""), "secret") {
			t.Errorf("webhook entry %+v: want transport webhook, shown without its URL's path", e.Message)
		}
	}

	hooks.set("/list", http.StatusInternalServerError)
	if s, f, err := d.Drain(ctx); s != 2 || f != 1 || err != nil {
		t.Fatalf("first drain: sent %d failed %d, %v; want the email and the rep's post sent, the list's 500 failed", s, f, err)
	}
	if mails != 1 || hooks.count("/rep/T0/secret-path") != 1 {
		t.Fatalf("mails %d, rep posts %d: want 1 and 1", mails, hooks.count("/rep/T0/secret-path"))
	}
	r, body := hooks.got("/rep/T0/secret-path", 0)
	if r.Header.Get("X-Veille-Token") != "s3cret" || r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("rep post headers %v: want the secret header and JSON", r.Header)
	}
	var digest struct {
		Kind   string         `json:"kind"`
		Digest signals.Digest `json:"digest"`
	}
	if err := json.Unmarshal(body, &digest); err != nil || digest.Kind != "digest" || digest.Digest.Rep.ID != "alice" || len(digest.Digest.Leads) == 0 {
		t.Errorf("rep post is not the digest's JSON: %v %+v", err, digest)
	}
	entries, _ = w.Outbox()
	if len(entries) != 1 || entries[0].Status != store.StatusPending || entries[0].Attempts != 1 || !strings.Contains(entries[0].LastError, "500") {
		t.Fatalf("after a 500: %+v, want the list's post pending for a retry", entries)
	}
	if s, f, _ := d.Drain(ctx); s+f != 0 {
		t.Error("the post was retried before its backoff ended")
	}

	now = now.Add(2 * time.Minute)
	hooks.set("/list", http.StatusNotFound)
	d.Drain(ctx)
	entries, _ = w.Outbox()
	if len(entries) != 1 || entries[0].Status != store.StatusFailed || !strings.Contains(entries[0].LastError, "404") {
		t.Fatalf("after a 404: %+v, want failed", entries)
	}
	now = now.Add(24 * time.Hour)
	if s, f, _ := d.Drain(ctx); s+f != 0 {
		t.Error("a failed post was retried on its own")
	}

	hooks.set("/list", http.StatusNoContent)
	if n, _ := w.RetryOutbox(0); n != 1 {
		t.Fatal("retry made nothing due")
	}
	if s, _, _ := d.Drain(ctx); s != 1 {
		t.Fatal("the retried post was not sent")
	}
	if entries, _ := w.Outbox(); len(entries) != 0 {
		t.Errorf("outbox after delivery: %+v", entries)
	}
	if d.Drain(ctx); hooks.count("/list") != 3 || hooks.count("/rep/T0/secret-path") != 1 || mails != 1 {
		t.Errorf("posts: list %d, rep %d, mails %d; want 3 tries, exactly one rep post and one mail", hooks.count("/list"), hooks.count("/rep/T0/secret-path"), mails)
	}
	var slack struct {
		Text   string           `json:"text"`
		Blocks []map[string]any `json:"blocks"`
	}
	_, body = hooks.got("/list", 2)
	if err := json.Unmarshal(body, &slack); err != nil || slack.Text == "" || len(slack.Blocks) < 2 {
		t.Errorf("list post is not a Slack message: %v %s", err, body)
	}
}

// TestWebhookGoneFromConfigFails: a queued post whose webhook a reload
// removed is not posted (its secret is gone with it) and says why.
func TestWebhookGoneFromConfigFails(t *testing.T) {
	hooks := newHookServer(t)
	cfg := testConfig(t)
	w := testWatcher(t, cfg)
	d := deliverer(w, nil, notify.NewWebhooks(notify.WebhookOptions{Timeout: 5 * time.Second}))
	m := signals.Message{Kind: "alert", Rep: "alice", To: []string{"webhook x"}, Transport: signals.TransportWebhook, URL: hooks.URL + "/old", Body: []byte("{}")}
	w.Store.Update(func(tx *store.Tx) error { _, err := tx.Enqueue(m, w.Now()); return err })
	d.Drain(context.Background())
	entries, _ := w.Outbox()
	if len(entries) != 1 || entries[0].Status != store.StatusFailed || !strings.Contains(entries[0].LastError, "no longer in the config") || hooks.count("/old") != 0 {
		t.Errorf("%+v, %d posts: want failed without a post", entries, hooks.count("/old"))
	}
}

// TestAlertsToWatchlistWebhook: a watch list's webhook gets the alerts of
// its leads, queued in the cycle's transaction beside the email.
func TestAlertsToWatchlistWebhook(t *testing.T) {
	hooks := newHookServer(t)
	cfg := testConfig(t)
	cfg.Watchlists[0].AlertOn = []string{"financial_growth", "development", "hr_moves", "new_sites"}
	cfg.Watchlists[0].Webhook = &config.Webhook{URL: hooks.URL + "/list", Format: "json"}
	w := testWatcher(t, cfg)
	w.now = func() time.Time { return t0 }
	w.opts.Fetcher = &fakeFetcher{fetch: feedOf(w.Now, corpus())}
	w.opts.Renderer, w.opts.Alerts = fakeRenderer{}, true
	w.opts.Webhooks = notify.NewWebhooks(notify.WebhookOptions{Timeout: 5 * time.Second})
	if _, err := w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	entries, _ := w.Outbox()
	if len(entries) != 2 || entries[0].Message.Kind != "alert" || entries[1].Message.Transport != signals.TransportWebhook || entries[1].Message.Kind != "alert" {
		t.Fatalf("outbox %+v: want the alert's email and its webhook post", entries)
	}
	var got struct {
		Kind   string         `json:"kind"`
		Alerts signals.Alerts `json:"alerts"`
	}
	if err := json.Unmarshal(entries[1].Message.Body, &got); err != nil || got.Kind != "alert" || len(got.Alerts.Leads) == 0 || got.Alerts.Leads[0].Lead.Watchlist != "agro" {
		t.Errorf("webhook alert body: %v %s", err, entries[1].Message.Body)
	}
}
