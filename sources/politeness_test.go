package sources

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

// inflight counts requests in flight per server and overall.
type inflight struct {
	mu              sync.Mutex
	perHost         map[string]int
	maxHost, maxAll int
	all             int
}

func (c *inflight) handler(t *testing.T, host string, release <-chan struct{}) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.perHost[host]++
		c.all++
		c.maxHost = max(c.maxHost, c.perHost[host])
		c.maxAll = max(c.maxAll, c.all)
		c.mu.Unlock()
		<-release
		c.mu.Lock()
		c.perHost[host]--
		c.all--
		c.mu.Unlock()
		w.Write(readFixture(t, "atom.xml"))
	}
}

func TestFetchPoliteness(t *testing.T) {
	c := &inflight{perHost: map[string]int{}}
	release := make(chan struct{})
	var urls []string
	for h := range 3 {
		srv := serve(t, c.handler(t, fmt.Sprint(h), release))
		for i := range 3 {
			urls = append(urls, fmt.Sprintf("%s/feed%d", srv.URL, i))
		}
	}
	f := testFetcher(t, Options{Concurrency: 2, PerHostInterval: time.Millisecond})
	var wg sync.WaitGroup
	var failures atomic.Int32
	for _, u := range urls {
		wg.Go(func() {
			if _, _, err := f.Fetch(context.Background(), feedSource(u), signals.SourceState{}); err != nil {
				failures.Add(1)
			}
		})
	}
	// Let requests through one at a time until all nine are served.
	go func() {
		for range urls {
			release <- struct{}{}
		}
	}()
	wg.Wait()
	if failures.Load() != 0 {
		t.Fatalf("%d fetches failed", failures.Load())
	}
	if c.maxHost != 1 || c.maxAll > 2 {
		t.Errorf("max in flight: %d per host (want 1), %d overall (want ≤ 2)", c.maxHost, c.maxAll)
	}
}

// With no interval (fetch.per_host_interval: 0s), requests to one host
// overlap, up to the pool's size.
func TestFetchNoIntervalNoHostLimit(t *testing.T) {
	c := &inflight{perHost: map[string]int{}}
	release := make(chan struct{})
	srv := serve(t, c.handler(t, "only", release))
	f := testFetcher(t, Options{Concurrency: 4})
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			f.Fetch(context.Background(), feedSource(fmt.Sprintf("%s/feed%d", srv.URL, i)), signals.SourceState{})
		})
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c.mu.Lock()
		all := c.all
		c.mu.Unlock()
		if all == 4 || time.Now().After(deadline) {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(release)
	wg.Wait()
	if c.maxHost != 4 {
		t.Errorf("max in flight to one host: %d, want 4 (no per-host limit without an interval)", c.maxHost)
	}
}

func TestHostGateInterval(t *testing.T) {
	g := newHostGates(time.Second)
	if got := g.gate("Example.com").limiter.Limit(); got != every(time.Second) {
		t.Errorf("limit = %v, want one per second", got)
	}
	g.slowDown("example.com", 500*time.Millisecond)
	if got := g.gate("example.com").limiter.Limit(); got != every(time.Second) {
		t.Errorf("a shorter crawl-delay lowered the interval: %v", got)
	}
	g.slowDown("example.com", 10*time.Second)
	if got := g.gate("EXAMPLE.COM").limiter.Limit(); got != every(10*time.Second) {
		t.Errorf("crawl-delay not applied: %v", got)
	}
	if got := newHostGates(0).gate("x").limiter.Limit(); got != every(0) {
		t.Errorf("no interval: limit %v, want infinite", got)
	}
}

func TestFetchJobDeadlineBeforeHostTurn(t *testing.T) {
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { w.Write(readFixture(t, "atom.xml")) })
	f := testFetcher(t, Options{PerHostInterval: time.Hour})
	if _, _, err := f.Fetch(context.Background(), feedSource(srv.URL), signals.SourceState{}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, st, err := f.Fetch(ctx, feedSource(srv.URL), signals.SourceState{})
	if KindOf(err) != signals.ErrTimeout || st.Failures != 1 {
		t.Fatalf("err = %v, state %+v; want a timeout failure", err, st)
	}
}
