//go:build unix

package watcher

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"syscall"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/sources"
	"github.com/veille-hq/veille/store"
)

// BenchmarkPrime is a first cycle of 2,000 owned feeds into an empty store,
// as bench/run.sh's prime, without the network: each fetch decodes one of
// the feed server's documents (sources.ParseFeed: parse and extract), Atom
// and RSS in turn, its items made the source's own (ids and links), as the
// feed server serves each feed its own articles. The Go memory limit is the
// one cmd/veille sets for 2,000 sources and 64 workers: the collections it
// paces are a fifth of the cycle's CPU. cpu-ms/op is the process's CPU
// time (user and system), as bench/run.sh counts it; sys-ms/op its system
// share and faults/op the process's page faults (the store's memory map
// among them); gc-cpu-ms/op the runtime's estimate of the collector's
// share, gcs/op the collections.
func BenchmarkPrime(b *testing.B) {
	const n = 2000
	var docs [][]byte
	for _, name := range []string{"feedserver_atom.xml", "feedserver_rss_cdata.xml"} {
		body, err := os.ReadFile(filepath.Join("..", "sources", "testdata", name))
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, body)
	}
	p := benchPlan(b, n)
	index := map[string]int{}
	for i, ps := range p.Sources() {
		index[ps.ID] = i
	}
	fetcher := &fakeFetcher{fetch: func(src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
		i := index[src.ID]
		items, err := sources.ParseFeed(bytes.NewReader(docs[i%len(docs)]), "application/xml", src.URL)
		if err != nil {
			return signals.FetchResult{}, st, err
		}
		for j := range items {
			items[j].GUID = fmt.Sprintf("%s-s%d", items[j].GUID, i)
			items[j].URL = fmt.Sprintf("%s?s=%d", items[j].URL, i)
		}
		st.FirstFetched = benchNow
		return signals.FetchResult{Items: items, Status: 200}, st, nil
	}}
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(28<<20 + n*4<<10 + 64*32<<10))
	var cpu, sys time.Duration
	var gcCPU, gcs, faults float64
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		st, err := store.Open(filepath.Join(b.TempDir(), "prime.db"), time.Second)
		if err != nil {
			b.Fatal(err)
		}
		w := New(st, p, Options{Fetcher: fetcher})
		w.now = func() time.Time { return benchNow }
		runtime.GC()
		b.StartTimer()
		u0, g0 := usage(), gcStats()
		stats, err := w.Cycle(context.Background())
		u1 := usage()
		cpu += u1.cpu - u0.cpu
		sys += u1.sys - u0.sys
		faults += float64(u1.faults - u0.faults)
		g1 := gcStats()
		gcCPU += g1[0].Value.Float64() - g0[0].Value.Float64()
		gcs += float64(g1[1].Value.Uint64() - g0[1].Value.Uint64())
		if err != nil {
			b.Fatal(err)
		}
		if stats.NewItems != 20*n {
			b.Fatalf("%d new items, want %d", stats.NewItems, 20*n)
		}
		b.StopTimer()
		st.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N), "cpu-ms/op")
	b.ReportMetric(float64(sys.Milliseconds())/float64(b.N), "sys-ms/op")
	b.ReportMetric(faults/float64(b.N), "faults/op")
	b.ReportMetric(gcCPU*1000/float64(b.N), "gc-cpu-ms/op")
	b.ReportMetric(gcs/float64(b.N), "gcs/op")
}

// gcStats reads the runtime's estimate of the CPU time the collector has
// used so far (its workers, assists and pauses) and the collections so far.
func gcStats() []metrics.Sample {
	s := []metrics.Sample{{Name: "/cpu/classes/gc/total:cpu-seconds"}, {Name: "/gc/cycles/total:gc-cycles"}}
	metrics.Read(s)
	return s
}

// benchNow is an hour after the newest item of the feed server's
// documents in sources/testdata, as the feed server dates its items.
var benchNow = time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)

// rusage is what getrusage says of the process so far: its CPU time
// (user and system), its system time and its page faults (minor and major).
type rusage struct {
	cpu, sys time.Duration
	faults   int64
}

func usage() rusage {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return rusage{}
	}
	return rusage{
		cpu:    time.Duration(ru.Utime.Nano() + ru.Stime.Nano()),
		sys:    time.Duration(ru.Stime.Nano()),
		faults: ru.Minflt + ru.Majflt,
	}
}
