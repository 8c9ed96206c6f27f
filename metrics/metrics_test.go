package metrics

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestSeriesAreServed(t *testing.T) {
	m := New()
	m.Cycle(2*time.Second, 7, nil)
	m.Cycle(time.Second, 0, errors.New("store full"))
	m.Fetch("ok")
	m.Fetch("timeout")
	m.Signal("hr_moves")
	m.Backoff(3)
	m.Message("digest", "sent")
	m.Outbox(2, 1)
	m.Skip()

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`veille_cycles_total{outcome="ok"} 1`,
		`veille_cycles_total{outcome="error"} 1`,
		`veille_cycle_duration_seconds_count 2`,
		`veille_items_total 7`,
		`veille_fetches_total{outcome="timeout"} 1`,
		`veille_signals_total{label="hr_moves"} 1`,
		`veille_sources_in_backoff 3`,
		`veille_messages_total{kind="digest",outcome="sent"} 1`,
		`veille_outbox_messages{status="pending"} 2`,
		`veille_outbox_messages{status="failed"} 1`,
		`veille_scheduled_runs_skipped_total 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
}

// Commands without a daemon hold a nil *Metrics and call it all the same.
func TestNilMetricsIsANoOp(t *testing.T) {
	var m *Metrics
	m.Cycle(time.Second, 1, nil)
	m.Fetch("ok")
	m.Signal("buzz")
	m.Backoff(1)
	m.Message("alert", "retry")
	m.Outbox(1, 1)
	m.Skip()
}
