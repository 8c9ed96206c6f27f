// Package adminapi is the daemon's admin API, server and client: it lets
// the read and admin commands work while the daemon holds the store. They
// ask the daemon instead of opening the file, and print the same thing.
// The daemon serves it where /healthz is (loopback by default); the server
// works through Backend and never opens the store itself.
package adminapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
	"github.com/veille-hq/veille/watcher"
)

// Backend is what the API serves from (a *watcher.Watcher).
type Backend interface {
	Now() time.Time
	Health() watcher.Health
	Leads(watcher.LeadFilter) ([]signals.Lead, error)
	Signals(f watcher.SignalFilter, now time.Time) ([]watcher.SignalView, error)
	Sources(failingOnly bool) ([]watcher.SourceView, error)
	Outbox() ([]store.OutboxEntry, error)
	RetryOutbox(id uint64) (int, error)
	DropOutbox(id uint64) error
	RenderDigests(now time.Time, rep string) ([]signals.Message, error)
	Backup(w io.Writer) (int64, error)
}

// preview is a rendered digest as the API carries it (Message.HTML is not
// part of Message's JSON).
type preview struct {
	signals.Message
	HTML string `json:"html"`
}

// Handler serves /healthz and the API's routes under /api/ from b, and
// metrics (when not nil) on /metrics; failures to stream a backup go to
// log.
func Handler(b Backend, metrics http.Handler, log *slog.Logger) http.Handler {
	mux := http.NewServeMux()
	if metrics != nil {
		mux.Handle("GET /metrics", metrics)
	}
	mux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, _ *http.Request) {
		h := b.Health()
		body := map[string]any{"status": h.Status, "skipped_runs": h.SkippedRuns}
		code := http.StatusOK
		if h.Status != "ok" {
			code, body["reason"] = http.StatusServiceUnavailable, h.Reason
		}
		if !h.LastCycle.IsZero() {
			body["last_cycle"] = h.LastCycle.Format(time.RFC3339)
			body["last_outcome"] = "ok"
			if h.LastError != "" {
				body["last_outcome"] = "error"
				body["last_error"] = h.LastError
			}
			body["last_stats"] = h.LastStats
		}
		rw.Header().Set("Content-Type", "application/json")
		rw.WriteHeader(code)
		json.NewEncoder(rw).Encode(body)
	})
	mux.HandleFunc("GET /api/leads", func(rw http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		reply(rw)(b.Leads(watcher.LeadFilter{Rep: q.Get("rep"), Watchlist: q.Get("watchlist"), Tier: signals.Tier(q.Get("tier"))}))
	})
	mux.HandleFunc("GET /api/signals", func(rw http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		since, err := parseTimeParam(q.Get("since"))
		if err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		reply(rw)(b.Signals(watcher.SignalFilter{Company: q.Get("company"), Watchlist: q.Get("watchlist"), Since: since}, b.Now()))
	})
	mux.HandleFunc("GET /api/sources", func(rw http.ResponseWriter, r *http.Request) {
		reply(rw)(b.Sources(r.URL.Query().Get("failing") == "1"))
	})
	mux.HandleFunc("GET /api/outbox", func(rw http.ResponseWriter, _ *http.Request) {
		reply(rw)(b.Outbox())
	})
	mux.HandleFunc("POST /api/outbox/retry", func(rw http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseUint(r.URL.Query().Get("id"), 10, 64)
		reply(rw)(b.RetryOutbox(id))
	})
	mux.HandleFunc("POST /api/outbox/drop", func(rw http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseUint(r.URL.Query().Get("id"), 10, 64)
		reply(rw)(id, b.DropOutbox(id))
	})
	mux.HandleFunc("GET /api/digests", func(rw http.ResponseWriter, r *http.Request) {
		msgs, err := b.RenderDigests(b.Now(), r.URL.Query().Get("rep"))
		out := make([]preview, len(msgs))
		for i, m := range msgs {
			out[i] = preview{Message: m, HTML: m.HTML}
		}
		reply(rw)(out, err)
	})
	mux.HandleFunc("GET /api/backup", func(rw http.ResponseWriter, _ *http.Request) {
		rw.Header().Set("Content-Type", "application/octet-stream")
		if _, err := b.Backup(rw); err != nil {
			log.Error("backup through the admin API", "err", err)
		}
	})
	return mux
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
			if errors.Is(err, store.ErrNotFound) {
				code = http.StatusNotFound
			}
			rw.WriteHeader(code)
			json.NewEncoder(rw).Encode(map[string]string{"error": err.Error()})
			return
		}
		json.NewEncoder(rw).Encode(v)
	}
}
