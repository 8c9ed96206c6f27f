// Package metrics is the daemon's Prometheus series, on a registry of
// their own.
package metrics

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/veille-hq/veille/store"
)

// Metrics are the daemon's Prometheus series, on a registry of their own.
// Labels are bounded (outcome, error kind, signal label, message kind):
// per-source detail belongs in `veille sources`, never in a label.
type Metrics struct {
	reg              *prometheus.Registry
	cycles           *prometheus.CounterVec
	cycleDuration    prometheus.Histogram
	fetches          *prometheus.CounterVec
	items            prometheus.Counter
	signals          *prometheus.CounterVec
	sourcesInBackoff prometheus.Gauge
	messages         *prometheus.CounterVec
	outbox           *prometheus.GaugeVec
	skipped          prometheus.Counter
	feedback         *prometheus.CounterVec
	refusedLinks     *prometheus.CounterVec
	retentionFailing prometheus.Gauge
}

// New registers veille's series on a new registry.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		cycles: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veille_cycles_total",
			Help: "Poll cycles run, by outcome (ok, error)."}, []string{"outcome"}),
		cycleDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "veille_cycle_duration_seconds",
			Help: "Duration of poll cycles.", Buckets: []float64{0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600}}),
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veille_fetches_total",
			Help: "Source fetches by outcome (ok, not_modified, or the error kind: http, timeout, blocked...)."}, []string{"outcome"}),
		items: prometheus.NewCounter(prometheus.CounterOpts{Name: "veille_items_total", Help: "New items stored."}),
		signals: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veille_signals_total",
			Help: "New signals stored, by label."}, []string{"label"}),
		sourcesInBackoff: prometheus.NewGauge(prometheus.GaugeOpts{Name: "veille_sources_in_backoff",
			Help: "Sources whose last fetch failed and that wait before the next try."}),
		messages: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veille_messages_total",
			Help: "Messages handed to the SMTP server, by kind (digest, alert, health) and outcome (sent, retry, failed)."}, []string{"kind", "outcome"}),
		outbox: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "veille_outbox_messages",
			Help: "Messages in the outbox, by status (pending, failed)."}, []string{"status"}),
		skipped: prometheus.NewCounter(prometheus.CounterOpts{Name: "veille_scheduled_runs_skipped_total",
			Help: "Scheduled runs skipped because the previous one was still running."}),
		feedback: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veille_feedback_total",
			Help: "Reps' feedback clicks, by action (wrong_company, not_relevant, customer, snooze) and outcome (recorded, undone)."}, []string{"action", "outcome"}),
		refusedLinks: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "veille_public_links_refused_total",
			Help: "Links the public listener refused, by reason (forged, expired, not_owner)."}, []string{"reason"}),
		retentionFailing: prometheus.NewGauge(prometheus.GaugeOpts{Name: "veille_retention_failing",
			Help: "1 when the last retention prune failed (it is retried hourly), else 0."}),
	}
	m.reg.MustRegister(m.cycles, m.cycleDuration, m.fetches, m.items, m.signals, m.sourcesInBackoff, m.messages, m.outbox, m.skipped,
		m.feedback, m.refusedLinks, m.retentionFailing,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the registry.
func (m *Metrics) Handler() http.Handler { return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}) }

// The methods below are nil-safe, so commands without a daemon pay nothing.

// Cycle counts a poll cycle that took d, stored newItems and ended with err.
func (m *Metrics) Cycle(d time.Duration, newItems int, err error) {
	if m == nil {
		return
	}
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	m.cycles.WithLabelValues(outcome).Inc()
	m.cycleDuration.Observe(d.Seconds())
	m.items.Add(float64(newItems))
}

// Fetch counts a fetch by outcome.
func (m *Metrics) Fetch(outcome string) {
	if m != nil {
		m.fetches.WithLabelValues(outcome).Inc()
	}
}

// Signal counts a new signal's label.
func (m *Metrics) Signal(label string) {
	if m != nil {
		m.signals.WithLabelValues(label).Inc()
	}
}

// Backoff sets how many sources wait in backoff.
func (m *Metrics) Backoff(n int) {
	if m != nil {
		m.sourcesInBackoff.Set(float64(n))
	}
}

// Message counts a message handed to the SMTP server, by kind and outcome.
func (m *Metrics) Message(kind, outcome string) {
	if m != nil {
		m.messages.WithLabelValues(kind, outcome).Inc()
	}
}

// Outbox sets the outbox gauge.
func (m *Metrics) Outbox(pending, failed int) {
	if m != nil {
		m.outbox.WithLabelValues(store.StatusPending).Set(float64(pending))
		m.outbox.WithLabelValues(store.StatusFailed).Set(float64(failed))
	}
}

// Skip counts a scheduled run skipped.
func (m *Metrics) Skip() {
	if m != nil {
		m.skipped.Inc()
	}
}

// Feedback counts a rep's feedback click by action and outcome.
func (m *Metrics) Feedback(action, outcome string) {
	if m != nil {
		m.feedback.WithLabelValues(action, outcome).Inc()
	}
}

// RefusedLink counts a link the public listener refused, by reason.
func (m *Metrics) RefusedLink(reason string) {
	if m != nil {
		m.refusedLinks.WithLabelValues(reason).Inc()
	}
}

// RetentionFailing sets whether the last retention prune failed.
func (m *Metrics) RetentionFailing(failed bool) {
	if m != nil {
		v := 0.0
		if failed {
			v = 1
		}
		m.retentionFailing.Set(v)
	}
}
