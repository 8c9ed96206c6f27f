package adminapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/daemon"
	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

var t0 = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

// fakeBackend answers from fixed data and records what it was asked.
type fakeBackend struct {
	health  daemon.Health
	leads   []signals.Lead
	outbox  []store.OutboxEntry
	asked   []string
	dropped []uint64
}

func (f *fakeBackend) Now() time.Time        { return t0 }
func (f *fakeBackend) Health() daemon.Health { return f.health }
func (f *fakeBackend) Leads(lf query.LeadFilter) ([]signals.Lead, error) {
	f.asked = append(f.asked, fmt.Sprintf("leads rep=%s tier=%s", lf.Rep, lf.Tier))
	return f.leads, nil
}
func (f *fakeBackend) Signals(sf query.SignalFilter, now time.Time) ([]query.SignalView, error) {
	f.asked = append(f.asked, fmt.Sprintf("signals company=%s since=%s now=%s", sf.Company, sf.Since.Format(time.RFC3339), now.Format(time.RFC3339)))
	return []query.SignalView{{Signal: signals.Signal{ID: "s1", Title: "news"}, Points: 12.5}}, nil
}
func (f *fakeBackend) Sources(failing bool) ([]query.SourceView, error) { return nil, nil }
func (f *fakeBackend) AllFeedback() ([]signals.Feedback, error) {
	return []signals.Feedback{{Kind: signals.LinkNotRelevant, Rep: "alice", At: t0, Watchlist: "agro", Company: "Kerlann", Signal: "s1", Title: "news"}}, nil
}
func (f *fakeBackend) Outbox() ([]store.OutboxEntry, error) { return f.outbox, nil }
func (f *fakeBackend) RetryOutbox(id uint64) (int, error)   { return 1, nil }
func (f *fakeBackend) DropOutbox(id uint64) error {
	if id != 7 {
		return fmt.Errorf("outbox message %d: %w", id, store.ErrNotFound)
	}
	f.dropped = append(f.dropped, id)
	return nil
}
func (f *fakeBackend) RenderDigests(now time.Time, rep string) ([]signals.Message, error) {
	return []signals.Message{{Kind: "digest", Rep: rep, Subject: "s", HTML: "<p>hi</p>"}}, nil
}
func (f *fakeBackend) Rescan(now, since time.Time) (query.RescanReport, error) {
	f.asked = append(f.asked, fmt.Sprintf("rescan since=%s now=%s", since.Format(time.RFC3339), now.Format(time.RFC3339)))
	return query.RescanReport{Since: since, Items: 3, Dropped: []query.SignalChange{{Company: "Breizh", Story: "s1"}}}, nil
}
func (f *fakeBackend) SendDigests(rep string) (int, error) {
	f.asked = append(f.asked, "send digests rep="+rep)
	return 2, nil
}
func (f *fakeBackend) Backup(w io.Writer) (int64, error) {
	n, err := io.WriteString(w, "a consistent copy")
	return int64(n), err
}

const testToken = "0123456789abcdef0123456789abcdef"

// series stands for the Prometheus handler.
var series = http.HandlerFunc(func(rw http.ResponseWriter, _ *http.Request) { io.WriteString(rw, "series") })

// serve serves b on loopback with testToken and open metrics, as edit
// changes them, and returns a client holding the token.
func serve(t *testing.T, b Backend, edit ...func(*Options)) *Client {
	t.Helper()
	o := Options{Token: testToken, Listen: "127.0.0.1:0", Metrics: series, Log: slog.New(slog.DiscardHandler), BackupDir: t.TempDir()}
	for _, e := range edit {
		e(&o)
	}
	srv := httptest.NewServer(Handler(b, o))
	t.Cleanup(srv.Close)
	return NewClient(strings.TrimPrefix(srv.URL, "http://"), testToken)
}

func TestHealthz(t *testing.T) {
	for _, tc := range []struct {
		name   string
		health daemon.Health
		code   int
		want   map[string]any
	}{
		{"starting", daemon.Health{Status: "starting", Reason: "no poll cycle has completed yet"}, 503,
			map[string]any{"status": "starting", "reason": "no poll cycle has completed yet", "skipped_runs": 0.0}},
		{"ok after a failed cycle", daemon.Health{Status: "ok", LastCycle: t0, LastError: "disk full", SkippedRuns: 2}, 200,
			map[string]any{"status": "ok", "skipped_runs": 2.0, "last_cycle": "2026-11-23T08:00:00Z", "last_outcome": "error", "last_error": "disk full"}},
		{"late", daemon.Health{Status: "late", Reason: "the cycle due at x has not completed", LastCycle: t0}, 503,
			map[string]any{"status": "late", "last_outcome": "ok"}},
		{"degraded: retention failing", daemon.Health{Status: "degraded", Reason: "the retention prune at x failed: boom", LastCycle: t0, Retention: daemon.Retention{LastRun: t0, Err: "boom"}}, 200,
			map[string]any{"status": "degraded", "reason": "the retention prune at x failed: boom", "last_retention": "2026-11-23T08:00:00Z", "last_retention_error": "boom", "last_outcome": "ok"}},
		{"late over a failing retention", daemon.Health{Status: "late", Reason: "the cycle due at x has not completed", LastCycle: t0, Retention: daemon.Retention{LastRun: t0, Err: "boom"}}, 503,
			map[string]any{"status": "late", "last_retention_error": "boom"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := serve(t, &fakeBackend{health: tc.health})
			resp, err := http.Get(c.base + "/healthz")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body map[string]any
			json.NewDecoder(resp.Body).Decode(&body)
			if resp.StatusCode != tc.code {
				t.Errorf("status %d, want %d", resp.StatusCode, tc.code)
			}
			for k, v := range tc.want {
				if body[k] != v {
					t.Errorf("%s = %v, want %v (body %v)", k, body[k], v, body)
				}
			}
		})
	}
}

// The client's calls reach the backend with their filters and bring back
// what it answered; a missing outbox message is ErrNotFound on both sides.
func TestClientRoundTrip(t *testing.T) {
	b := &fakeBackend{leads: []signals.Lead{{Company: "Breizh", Score: 72, Tier: signals.Hot}}, outbox: []store.OutboxEntry{{ID: 7, Status: store.StatusFailed}}}
	c := serve(t, b)
	ctx := context.Background()
	leads, err := c.Leads(ctx, query.LeadFilter{Rep: "alice", Tier: signals.Hot})
	if err != nil || len(leads) != 1 || leads[0].Score != 72 {
		t.Fatalf("leads %+v, %v", leads, err)
	}
	sigs, err := c.Signals(ctx, query.SignalFilter{Company: "breizh", Since: t0.Add(-time.Hour)})
	if err != nil || len(sigs) != 1 || sigs[0].Points != 12.5 {
		t.Fatalf("signals %+v, %v", sigs, err)
	}
	if want := []string{"leads rep=alice tier=hot", "signals company=breizh since=2026-11-23T07:00:00Z now=2026-11-23T08:00:00Z"}; fmt.Sprint(b.asked) != fmt.Sprint(want) {
		t.Errorf("backend asked %q, want %q", b.asked, want)
	}
	out, err := c.Outbox(ctx)
	if err != nil || len(out) != 1 || out[0].Status != store.StatusFailed {
		t.Fatalf("outbox %+v, %v", out, err)
	}
	if err := c.DropOutbox(ctx, 7); err != nil || len(b.dropped) != 1 {
		t.Fatalf("drop 7: %v (dropped %v)", err, b.dropped)
	}
	if err := c.DropOutbox(ctx, 8); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("drop 8: %v, want ErrNotFound", err)
	}
	b.asked = nil
	rep, err := c.Rescan(ctx, t0.Add(-48*time.Hour))
	if err != nil || rep.Items != 3 || len(rep.Dropped) != 1 || rep.Dropped[0].Story != "s1" {
		t.Errorf("rescan %+v, %v", rep, err)
	}
	if want := []string{"rescan since=2026-11-21T08:00:00Z now=2026-11-23T08:00:00Z"}; fmt.Sprint(b.asked) != fmt.Sprint(want) {
		t.Errorf("backend asked %q, want %q", b.asked, want)
	}
	msgs, err := c.RenderDigests(ctx, "alice")
	if err != nil || len(msgs) != 1 || msgs[0].HTML != "<p>hi</p>" || msgs[0].Rep != "alice" {
		t.Errorf("digests %+v, %v", msgs, err)
	}
	if n, err := c.SendDigests(ctx, "alice"); err != nil || n != 2 || b.asked[len(b.asked)-1] != "send digests rep=alice" {
		t.Errorf("send digests: %d, %v (asked %q)", n, err, b.asked)
	}
	fbs, err := c.Feedback(ctx)
	if err != nil || len(fbs) != 1 || fbs[0].Kind != signals.LinkNotRelevant || fbs[0].Company != "Kerlann" || !fbs[0].At.Equal(t0) {
		t.Errorf("feedback %+v, %v", fbs, err)
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if n, err := c.BackupFile(ctx, path); err != nil || n != int64(len("a consistent copy")) {
		t.Fatalf("backup: %d, %v", n, err)
	}
	if data, _ := os.ReadFile(path); string(data) != "a consistent copy" {
		t.Errorf("backup file holds %q", data)
	}
	resp, err := http.Get(c.base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(data) != "series" {
		t.Errorf("/metrics served %q", data)
	}
}
