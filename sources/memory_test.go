package sources

import (
	"context"
	"net/http"
	"runtime"
	"strings"
	"testing"

	"github.com/veille-hq/veille/signals"
)

// TestFetchMemoryBounded fetches an endless body and a gzip bomb with the
// default 8 MiB cap and checks that the fetch allocated no more than the
// cap plus 16 MiB (the test server's own allocations included).
func TestFetchMemoryBounded(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations are not representative under -race")
	}
	const slack = 16 << 20
	chunk := []byte(strings.Repeat("<item><title>x</title></item>", 2000))
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"endless body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}},
		{"gzip bomb", serveGzipBomb(gzipBomb(t, 256<<20))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := serve(t, tt.handler)
			f := testFetcher(t, Options{})
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, st, err := f.Fetch(context.Background(), feedSource(srv.URL+"/feed"), signals.SourceState{})
			runtime.ReadMemStats(&after)
			if st.ErrorKind != signals.ErrTooLarge {
				t.Fatalf("err = %v, want too_large", err)
			}
			alloc := after.TotalAlloc - before.TotalAlloc
			t.Logf("allocated %.1f MiB for a %d MiB cap", float64(alloc)/(1<<20), defaultMaxBody>>20)
			if alloc > defaultMaxBody+slack {
				t.Errorf("allocated %d bytes, more than the cap plus 16 MiB", alloc)
			}
		})
	}
}
