package watcher

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"time"

	"github.com/veille-hq/veille/signals"
)

// The admin API lets the read and admin commands work while the daemon
// holds the store: they ask the daemon instead of opening the file, and
// print the same thing. It listens where /healthz does (loopback by default).

// preview is a rendered digest as the API carries it (Message.HTML is not
// part of Message's JSON).
type preview struct {
	signals.Message
	HTML string `json:"html"`
}

func (w *Watcher) apiRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/leads", func(rw http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		reply(rw)(w.Leads(LeadFilter{Rep: q.Get("rep"), Watchlist: q.Get("watchlist"), Tier: signals.Tier(q.Get("tier"))}))
	})
	mux.HandleFunc("GET /api/signals", func(rw http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		since, err := parseTimeParam(q.Get("since"))
		if err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		reply(rw)(w.Signals(SignalFilter{Company: q.Get("company"), Watchlist: q.Get("watchlist"), Since: since}, w.Now()))
	})
	mux.HandleFunc("GET /api/sources", func(rw http.ResponseWriter, r *http.Request) {
		reply(rw)(w.Sources(r.URL.Query().Get("failing") == "1"))
	})
	mux.HandleFunc("GET /api/outbox", func(rw http.ResponseWriter, _ *http.Request) {
		reply(rw)(w.Store.Outbox())
	})
	mux.HandleFunc("POST /api/outbox/retry", func(rw http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseUint(r.URL.Query().Get("id"), 10, 64)
		reply(rw)(w.Store.RetryOutbox(id, w.Now()))
	})
	mux.HandleFunc("POST /api/outbox/drop", func(rw http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseUint(r.URL.Query().Get("id"), 10, 64)
		reply(rw)(id, w.Store.DropOutbox(id))
	})
	mux.HandleFunc("GET /api/digests", func(rw http.ResponseWriter, r *http.Request) {
		msgs, err := w.RenderDigests(w.Now(), r.URL.Query().Get("rep"))
		out := make([]preview, len(msgs))
		for i, m := range msgs {
			out[i] = preview{Message: m, HTML: m.HTML}
		}
		reply(rw)(out, err)
	})
	mux.HandleFunc("GET /api/backup", func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "application/octet-stream")
		if _, err := w.Store.Backup(rw); err != nil {
			w.Log.Error("backup through the admin API", "err", err)
		}
	})
}

func parseTimeParam(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("since %q: want an RFC 3339 time", s)
	}
	return t, nil
}

// reply writes v as JSON, or err with a status saying whose fault it is.
func reply(rw http.ResponseWriter) func(v any, err error) {
	return func(v any, err error) {
		rw.Header().Set("Content-Type", "application/json")
		if err != nil {
			code := http.StatusInternalServerError
			if errors.Is(err, ErrNotFound) {
				code = http.StatusNotFound
			}
			rw.WriteHeader(code)
			json.NewEncoder(rw).Encode(map[string]string{"error": err.Error()})
			return
		}
		json.NewEncoder(rw).Encode(v)
	}
}

// Client talks to a running daemon's admin API; its methods mirror the
// ones the commands use on an open store.
type Client struct {
	base string
	http *http.Client
}

// NewClient targets the daemon listening on addr (host:port).
func NewClient(addr string) *Client {
	return &Client{base: "http://" + addr, http: &http.Client{Timeout: 5 * time.Minute}}
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
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("daemon admin API at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct{ Error string }
		json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&e)
		if resp.StatusCode == http.StatusNotFound && e.Error != "" {
			return fmt.Errorf("daemon: %s: %w", e.Error, ErrNotFound)
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

func (c *Client) Leads(ctx context.Context, f LeadFilter) ([]signals.Lead, error) {
	var out []signals.Lead
	q := url.Values{}
	setIf(q, "rep", f.Rep)
	setIf(q, "watchlist", f.Watchlist)
	setIf(q, "tier", string(f.Tier))
	return out, c.call(ctx, http.MethodGet, "/api/leads", q, &out)
}

func (c *Client) Signals(ctx context.Context, f SignalFilter) ([]SignalView, error) {
	var out []SignalView
	q := url.Values{}
	setIf(q, "company", f.Company)
	setIf(q, "watchlist", f.Watchlist)
	if !f.Since.IsZero() {
		q.Set("since", f.Since.Format(time.RFC3339Nano))
	}
	return out, c.call(ctx, http.MethodGet, "/api/signals", q, &out)
}

func (c *Client) Sources(ctx context.Context, failing bool) ([]SourceView, error) {
	var out []SourceView
	q := url.Values{}
	if failing {
		q.Set("failing", "1")
	}
	return out, c.call(ctx, http.MethodGet, "/api/sources", q, &out)
}

func (c *Client) Outbox(ctx context.Context) ([]OutboxEntry, error) {
	var out []OutboxEntry
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

// BackupFile streams a consistent copy of the daemon's store into path.
func (c *Client) BackupFile(ctx context.Context, path string) (int64, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/api/backup", nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, fmt.Errorf("daemon admin API at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("daemon backup: %s", resp.Status)
	}
	return writeFileAtomic(path, resp.Body)
}

// writeFileAtomic copies r into path through a temp file and rename, so a
// failed copy never leaves a truncated file behind.
func writeFileAtomic(path string, r io.Reader) (int64, error) {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	n, err := io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	return n, nil
}

func setIf(q url.Values, k, v string) {
	if v != "" {
		q.Set(k, v)
	}
}
