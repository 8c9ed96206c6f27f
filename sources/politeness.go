package sources

import (
	"context"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// hostGate spaces and serialises the requests to one host: one request in
// flight at a time, and at least interval between two starts. An interval
// of zero (fetch.per_host_interval: 0s, and no Crawl-delay) lifts both: the
// admin said the host needs no sparing (a loopback benchmark, one's own
// servers), and serialising would leave the pool idle behind a busy host.
type hostGate struct {
	slot    chan struct{}
	limiter *rate.Limiter
}

// hostGates holds one gate per host, created on first use, and the
// hosts that asked for a pause.
type hostGates struct {
	interval time.Duration
	mu       sync.Mutex
	gates    map[string]*hostGate
	paused   map[string]time.Time // host → no request before
}

func newHostGates(interval time.Duration) *hostGates {
	return &hostGates{interval: interval, gates: map[string]*hostGate{}, paused: map[string]time.Time{}}
}

// pause holds every request to host until until. A 429 (or a 503 with
// Retry-After) speaks for the host, not for the one URL that got it: the
// news searches of 500 prospects on one engine would otherwise go on
// asking, one per interval, each to be refused.
func (h *hostGates) pause(host string, until time.Time) {
	host = strings.ToLower(host)
	h.mu.Lock()
	defer h.mu.Unlock()
	if until.After(h.paused[host]) {
		h.paused[host] = until
	}
}

// pausedUntil is when host may be asked again; zero or past when it may now.
func (h *hostGates) pausedUntil(host string) time.Time {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.paused[strings.ToLower(host)]
}

func (h *hostGates) gate(host string) *hostGate {
	host = strings.ToLower(host)
	h.mu.Lock()
	defer h.mu.Unlock()
	g, ok := h.gates[host]
	if !ok {
		g = &hostGate{slot: make(chan struct{}, 1), limiter: rate.NewLimiter(every(h.interval), 1)}
		h.gates[host] = g
	}
	return g
}

// slowDown raises a host's interval to d (robots.txt Crawl-delay) when d
// is longer than the configured one; it never lowers it.
func (h *hostGates) slowDown(host string, d time.Duration) {
	if d <= h.interval {
		return
	}
	g := h.gate(host)
	if every(d) < g.limiter.Limit() {
		g.limiter.SetLimit(every(d))
	}
}

func every(d time.Duration) rate.Limit {
	if d <= 0 {
		return rate.Inf
	}
	return rate.Every(d)
}

// enter takes the host's slot and waits for its limiter, then takes a slot
// of the global pool. The returned func gives both back. ctx is the job's
// context: the request's own timeout starts after enter returns.
func (g *hostGate) enter(ctx context.Context, pool chan struct{}) (func(), error) {
	if g.limiter.Limit() == rate.Inf {
		select {
		case pool <- struct{}{}:
			return func() { <-pool }, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	select {
	case g.slot <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if err := g.limiter.Wait(ctx); err != nil {
		<-g.slot
		return nil, err
	}
	select {
	case pool <- struct{}{}:
	case <-ctx.Done():
		<-g.slot
		return nil, ctx.Err()
	}
	return func() { <-pool; <-g.slot }, nil
}
