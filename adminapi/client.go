package adminapi

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// Client talks to a running daemon's admin API; its methods mirror the
// ones the commands use on an open store.
type Client struct {
	base  string
	token string
	http  *http.Client
}

// NewClient targets the daemon listening on addr (host:port) with the
// admin token (ReadToken). It uses no proxy: the daemon is local, and
// HTTP_PROXY would capture 0.0.0.0 and receive the token.
func NewClient(addr, token string) *Client {
	return &Client{base: "http://" + addr, token: token, http: &http.Client{
		Timeout:   5 * time.Minute,
		Transport: &http.Transport{Proxy: nil},
	}}
}

func (c *Client) do(req *http.Request) (*http.Response, error) {
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("daemon admin API at %s: %w", c.base, err)
	}
	if resp.StatusCode == http.StatusUnauthorized {
		resp.Body.Close()
		return nil, fmt.Errorf("daemon admin API at %s refused the token: admin_token_file does not hold the running daemon's token", c.base)
	}
	return resp, nil
}

func (c *Client) call(ctx context.Context, method, path string, q url.Values, v any) error {
	u := c.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return err
	}
	resp, err := c.do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&e)
		if resp.StatusCode == http.StatusNotFound && e.Error != "" {
			return fmt.Errorf("daemon: %s: %w", e.Error, store.ErrNotFound)
		}
		return fmt.Errorf("daemon admin API %s %s: %s %s", method, path, resp.Status, e.Error)
	}
	if v == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		return fmt.Errorf("daemon admin API %s: %w", path, err)
	}
	return nil
}

func (c *Client) Leads(ctx context.Context, f query.LeadFilter) ([]signals.Lead, error) {
	var out []signals.Lead
	q := url.Values{}
	setIf(q, "rep", f.Rep)
	setIf(q, "watchlist", f.Watchlist)
	setIf(q, "tier", string(f.Tier))
	return out, c.call(ctx, http.MethodGet, "/api/leads", q, &out)
}

func (c *Client) Signals(ctx context.Context, f query.SignalFilter) ([]query.SignalView, error) {
	var out []query.SignalView
	q := url.Values{}
	setIf(q, "company", f.Company)
	setIf(q, "watchlist", f.Watchlist)
	if !f.Since.IsZero() {
		q.Set("since", f.Since.Format(time.RFC3339Nano))
	}
	return out, c.call(ctx, http.MethodGet, "/api/signals", q, &out)
}

func (c *Client) Sources(ctx context.Context, failing bool) ([]query.SourceView, error) {
	var out []query.SourceView
	q := url.Values{}
	if failing {
		q.Set("failing", "1")
	}
	return out, c.call(ctx, http.MethodGet, "/api/sources", q, &out)
}

func (c *Client) Outbox(ctx context.Context) ([]store.OutboxEntry, error) {
	var out []store.OutboxEntry
	return out, c.call(ctx, http.MethodGet, "/api/outbox", nil, &out)
}

func (c *Client) RetryOutbox(ctx context.Context, id uint64) (int, error) {
	var n int
	return n, c.call(ctx, http.MethodPost, "/api/outbox/retry", url.Values{"id": {strconv.FormatUint(id, 10)}}, &n)
}

func (c *Client) DropOutbox(ctx context.Context, id uint64) error {
	return c.call(ctx, http.MethodPost, "/api/outbox/drop", url.Values{"id": {strconv.FormatUint(id, 10)}}, nil)
}

func (c *Client) RenderDigests(ctx context.Context, rep string) ([]signals.Message, error) {
	var in []preview
	q := url.Values{}
	setIf(q, "rep", rep)
	if err := c.call(ctx, http.MethodGet, "/api/digests", q, &in); err != nil {
		return nil, err
	}
	out := make([]signals.Message, len(in))
	for i, p := range in {
		out[i] = p.Message
		out[i].HTML = p.HTML
	}
	return out, nil
}

// Rescan has the daemon match and classify again the items first seen
// since then (watcher.Watcher.Rescan).
func (c *Client) Rescan(ctx context.Context, since time.Time) (query.RescanReport, error) {
	var out query.RescanReport
	return out, c.call(ctx, http.MethodPost, "/api/rescan", url.Values{"since": {since.Format(time.RFC3339Nano)}}, &out)
}

// SendDigests has the daemon queue the digests due now (one rep's when rep
// is set) and send them; it returns how many were queued.
func (c *Client) SendDigests(ctx context.Context, rep string) (int, error) {
	var n int
	q := url.Values{}
	setIf(q, "rep", rep)
	return n, c.call(ctx, http.MethodPost, "/api/digests/send", q, &n)
}

// Feedback lists the reps' feedback, newest first.
func (c *Client) Feedback(ctx context.Context) ([]signals.Feedback, error) {
	var out []signals.Feedback
	return out, c.call(ctx, http.MethodGet, "/api/feedback", nil, &out)
}

// BackupFile streams a consistent copy of the daemon's store into path.
func (c *Client) BackupFile(ctx context.Context, path string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/api/backup", nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("daemon backup: %s", resp.Status)
	}
	return store.WriteFileAtomic(path, resp.Body)
}

func setIf(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}
