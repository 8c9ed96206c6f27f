// Package adminapi is the daemon's admin API, server and client: it lets
// the read and admin commands work while the daemon holds the store. They
// ask the daemon instead of opening the file, and print the same thing.
// The daemon serves it where /healthz is (loopback by default); the server
// works through Backend and never opens the store itself.
package adminapi

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/daemon"
	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// Backend is what the API serves from (a *watcher.Watcher beside the
// *daemon.Daemon that runs it).
type Backend interface {
	Now() time.Time
	Health() daemon.Health
	Leads(query.LeadFilter) ([]signals.Lead, error)
	Signals(f query.SignalFilter, now time.Time) ([]query.SignalView, error)
	Sources(failingOnly bool) ([]query.SourceView, error)
	Outbox() ([]store.OutboxEntry, error)
	RetryOutbox(id uint64) (int, error)
	DropOutbox(id uint64) error
	RenderDigests(now time.Time, rep string) ([]signals.Message, error)
	SendDigests(rep string) (int, error) // queue the digests due now and wake the sender
	Backup(w io.Writer) (int64, error)
	AllFeedback() ([]signals.Feedback, error)
	Rescan(now, since time.Time) (query.RescanReport, error)
}

// preview is a rendered digest as the API carries it (Message.HTML is not
// part of Message's JSON).
type preview struct {
	signals.Message
	HTML string `json:"html"`
}

// DefaultBackupWriteTimeout bounds sending one backup to a client. The copy
// is taken into a temp file first, so a slow or stalled client only holds
// that file and its connection, never the store.
const DefaultBackupWriteTimeout = 10 * time.Minute

// Options are what Handler needs besides the backend.
type Options struct {
	// Token is the bearer token every /api/* request must carry (and
	// /metrics with MetricsAuth token). Empty refuses every /api/* request.
	Token string
	// Listen is the address served. On loopback, requests whose Host is
	// not this host, localhost, 127.0.0.1 or ::1 are refused: a DNS
	// rebinding page names its own host.
	Listen string
	// Metrics serves /metrics (nil: no /metrics); MetricsAuth is
	// config.MetricsOpen, MetricsToken or MetricsOff ("" is open).
	Metrics     http.Handler
	MetricsAuth string
	Log         *slog.Logger
	// BackupDir holds the temp copy of the store while a backup is sent
	// (the store's folder: same disk, private); "" is os.TempDir().
	BackupDir string
	// BackupWriteTimeout is DefaultBackupWriteTimeout when zero.
	BackupWriteTimeout time.Duration
}

// Handler serves /healthz (open), /metrics as o.MetricsAuth says, and the
// API's routes under /api/ from b to requests that carry o.Token and come
// from no web page.
func Handler(b Backend, o Options) http.Handler {
	log := o.Log
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	mux := http.NewServeMux()
	if o.Metrics != nil {
		switch o.MetricsAuth {
		case config.MetricsToken:
			mux.Handle("GET /metrics", requireToken(o.Token, o.Metrics))
		case config.MetricsOff:
		default:
			mux.Handle("GET /metrics", o.Metrics)
		}
	}
	mux.HandleFunc("GET /healthz", func(rw http.ResponseWriter, _ *http.Request) {
		h := b.Health()
		body := map[string]any{"status": h.Status, "skipped_runs": h.SkippedRuns}
		code := http.StatusOK
		if h.Status != "ok" {
			body["reason"] = h.Reason
		}
		if !h.Serving() {
			code = http.StatusServiceUnavailable
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
		if !h.Retention.LastRun.IsZero() {
			body["last_retention"] = h.Retention.LastRun.Format(time.RFC3339)
		}
		// Said whatever the status, which a worse state may have taken.
		if h.Retention.Err != "" {
			body["last_retention_error"] = h.Retention.Err
		}
		rw.Header().Set("Content-Type", "application/json")
		rw.WriteHeader(code)
		json.NewEncoder(rw).Encode(body)
	})
	api := http.NewServeMux()
	api.HandleFunc("GET /api/leads", func(rw http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		reply(rw)(b.Leads(query.LeadFilter{Rep: q.Get("rep"), Watchlist: q.Get("watchlist"), Tier: signals.Tier(q.Get("tier"))}))
	})
	api.HandleFunc("GET /api/signals", func(rw http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		since, err := parseTimeParam(q.Get("since"))
		if err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		reply(rw)(b.Signals(query.SignalFilter{Company: q.Get("company"), Watchlist: q.Get("watchlist"), Since: since}, b.Now()))
	})
	api.HandleFunc("GET /api/sources", func(rw http.ResponseWriter, r *http.Request) {
		reply(rw)(b.Sources(r.URL.Query().Get("failing") == "1"))
	})
	api.HandleFunc("GET /api/outbox", func(rw http.ResponseWriter, _ *http.Request) {
		reply(rw)(b.Outbox())
	})
	api.HandleFunc("POST /api/outbox/retry", func(rw http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseUint(r.URL.Query().Get("id"), 10, 64)
		reply(rw)(b.RetryOutbox(id))
	})
	api.HandleFunc("POST /api/outbox/drop", func(rw http.ResponseWriter, r *http.Request) {
		id, _ := strconv.ParseUint(r.URL.Query().Get("id"), 10, 64)
		reply(rw)(id, b.DropOutbox(id))
	})
	api.HandleFunc("GET /api/digests", func(rw http.ResponseWriter, r *http.Request) {
		msgs, err := b.RenderDigests(b.Now(), r.URL.Query().Get("rep"))
		out := make([]preview, len(msgs))
		for i, m := range msgs {
			out[i] = preview{Message: m, HTML: m.HTML}
		}
		reply(rw)(out, err)
	})
	api.HandleFunc("POST /api/rescan", func(rw http.ResponseWriter, r *http.Request) {
		since, err := parseTimeParam(r.URL.Query().Get("since"))
		if err != nil || since.IsZero() {
			http.Error(rw, "rescan: give since as an RFC 3339 time", http.StatusBadRequest)
			return
		}
		reply(rw)(b.Rescan(b.Now(), since))
	})
	api.HandleFunc("POST /api/digests/send", func(rw http.ResponseWriter, r *http.Request) {
		reply(rw)(b.SendDigests(r.URL.Query().Get("rep")))
	})
	api.HandleFunc("GET /api/feedback", func(rw http.ResponseWriter, _ *http.Request) {
		reply(rw)(b.AllFeedback())
	})
	api.Handle("GET /api/backup", backupHandler(b, o, log))
	mux.Handle("/api/", sameSiteOnly(requireToken(o.Token, api)))
	if host, _, err := net.SplitHostPort(o.Listen); err == nil && isLoopback(host) {
		return knownHostOnly(host, mux)
	}
	return mux
}

// backupHandler copies the store into a temp file, which ends the store's
// read transaction, then sends the file: a client that reads slowly or
// never must not hold a transaction open, since the next commit that grows
// the file waits for every reader to finish.
func backupHandler(b Backend, o Options, log *slog.Logger) http.Handler {
	timeout := cmp.Or(o.BackupWriteTimeout, DefaultBackupWriteTimeout)
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		// The server's write timeout suits small replies; a backup gets its own.
		http.NewResponseController(rw).SetWriteDeadline(time.Now().Add(timeout))
		f, err := os.CreateTemp(o.BackupDir, ".veille-backup-*.tmp")
		if err != nil {
			log.Error("backup through the admin API", "err", err)
			reply(rw)(nil, fmt.Errorf("backup: temp copy: %w", err))
			return
		}
		// Unlinked at once where the platform allows it, so a crash leaves
		// no copy of the store behind.
		removed := os.Remove(f.Name()) == nil
		defer func() {
			f.Close()
			if !removed {
				os.Remove(f.Name())
			}
		}()
		n, err := b.Backup(f)
		if err == nil {
			_, err = f.Seek(0, io.SeekStart)
		}
		if err != nil {
			log.Error("backup through the admin API", "err", err)
			reply(rw)(nil, fmt.Errorf("backup: temp copy: %w", err))
			return
		}
		rw.Header().Set("Content-Type", "application/octet-stream")
		rw.Header().Set("Content-Length", strconv.FormatInt(n, 10))
		if _, err := io.Copy(rw, f); err != nil {
			log.Warn("backup through the admin API: sending stopped", "remote", r.RemoteAddr, "err", err)
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
