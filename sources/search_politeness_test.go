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

// TestManySearchesOneHost fetches many news searches on one host the way a
// cycle does (a pool of workers, each source once): one request in flight
// to the host at a time, and the interval between them, so the searches
// take at least (n-1) intervals whatever the pool's size.
func TestManySearchesOneHost(t *testing.T) {
	const n, interval, workers = 40, 5 * time.Millisecond, 16
	var inFlight, maxInFlight, served atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		cur := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if cur <= m || maxInFlight.CompareAndSwap(m, cur) {
				break
			}
		}
		served.Add(1)
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(readFixture(t, "atom.xml"))
	})
	f := testFetcher(t, Options{Concurrency: workers, PerHostInterval: interval, Now: time.Now})
	jobs := make(chan string)
	var wg sync.WaitGroup
	var failed atomic.Int32
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for u := range jobs {
				if _, _, err := f.Fetch(context.Background(), feedSource(u), signals.SourceState{}); err != nil {
					failed.Add(1)
				}
			}
		})
	}
	for i := range n {
		jobs <- fmt.Sprintf("%s/rss/search?q=%%22Prospect+%d%%22", srv.URL, i)
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	if failed.Load() != 0 || served.Load() != n {
		t.Fatalf("%d failed, %d served, want %d served", failed.Load(), served.Load(), n)
	}
	if maxInFlight.Load() != 1 {
		t.Errorf("%d requests in flight to the host at once, want 1", maxInFlight.Load())
	}
	if min := (n - 1) * interval; elapsed < min {
		t.Errorf("%d searches in %v, less than %d intervals (%v): the interval did not space them", n, elapsed, n-1, min)
	}
}

// TestRateLimitPausesTheHost: a 429 holds every source of its host until
// Retry-After, with no request, and leaves other hosts alone.
func TestRateLimitPausesTheHost(t *testing.T) {
	var limited, other atomic.Int32
	busy := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if limited.Add(1) == 1 {
			w.Header().Set("Retry-After", "120")
			http.Error(w, "slow down", http.StatusTooManyRequests)
			return
		}
		w.Write(readFixture(t, "atom.xml"))
	})
	calm := serve(t, func(w http.ResponseWriter, r *http.Request) {
		other.Add(1)
		w.Write(readFixture(t, "atom.xml"))
	})
	now := fixedNow
	f := testFetcher(t, Options{Now: func() time.Time { return now }})
	ctx := context.Background()
	_, st, err := f.Fetch(ctx, feedSource(busy.URL+"/search?q=a"), signals.SourceState{})
	if KindOf(err) != signals.ErrRateLimit || !st.NextTry.Equal(now.Add(2*time.Minute)) {
		t.Fatalf("first search: %v, next try %v", err, st.NextTry)
	}
	_, st, err = f.Fetch(ctx, feedSource(busy.URL+"/search?q=b"), signals.SourceState{})
	if KindOf(err) != signals.ErrRateLimit || !st.NextTry.Equal(now.Add(2*time.Minute)) || limited.Load() != 1 {
		t.Fatalf("another search on the paused host: %v, next try %v, %d requests (want 1)", err, st.NextTry, limited.Load())
	}
	if _, _, err := f.Fetch(ctx, feedSource(calm.URL+"/feed"), signals.SourceState{}); err != nil || other.Load() != 1 {
		t.Fatalf("another host: %v, %d requests", err, other.Load())
	}
	now = now.Add(2*time.Minute + time.Second)
	if _, _, err := f.Fetch(ctx, feedSource(busy.URL+"/search?q=b"), signals.SourceState{}); err != nil || limited.Load() != 2 {
		t.Fatalf("after the pause: %v, %d requests (want 2)", err, limited.Load())
	}
}

func TestRateLimitWithoutRetryAfter(t *testing.T) {
	busy := serve(t, func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "slow down", http.StatusTooManyRequests)
	})
	f := testFetcher(t, Options{})
	f.Fetch(context.Background(), feedSource(busy.URL+"/a"), signals.SourceState{})
	_, st, err := f.Fetch(context.Background(), feedSource(busy.URL+"/b"), signals.SourceState{})
	if KindOf(err) != signals.ErrRateLimit || !st.NextTry.Equal(fixedNow.Add(hostPause)) {
		t.Fatalf("%v, next try %v, want the host paused %v", err, st.NextTry, hostPause)
	}
}
