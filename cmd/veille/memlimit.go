package main

import (
	"log/slog"
	"os"
	"runtime/debug"

	"github.com/veille-hq/veille/plan"
)

// The Go runtime's soft memory limit, sized from the watch list: a base
// (the classifier, the code's data, the store's buffers), the state and
// plan of each source, and each fetch worker's connection and response.
// Without a limit, the collector lets the heap grow to twice what it found
// live, and the runtime returns freed pages to the system lazily: a
// 2,000-feed cycle peaked at about 40 MB of anonymous memory for 10 to 15
// MB live. The limit is soft: a cycle that needs more (a feed of many
// megabytes) gets it, with more frequent collections meanwhile. The base
// leaves the 2,000-feed cycle's collector at its own pace: a limit 4 MiB
// lower made its first poll collect half as often again.
const (
	memBase      = 28 << 20
	memPerSource = 4 << 10
	memPerWorker = 32 << 10
)

// memoryLimit is the soft limit for a plan of sources polled by
// concurrency workers.
func memoryLimit(sources, concurrency int) int64 {
	return memBase + int64(sources)*memPerSource + int64(concurrency)*memPerWorker
}

// setMemoryLimit applies p's memory limit, unless GOMEMLIMIT in the
// environment set one: the operator's choice stands.
func setMemoryLimit(p *plan.Plan, log *slog.Logger) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	byKind, _ := p.SourceCounts()
	n := 0
	for _, c := range byKind {
		n += c
	}
	limit := memoryLimit(n, p.Config().Fetch.Concurrency)
	debug.SetMemoryLimit(limit)
	log.Debug("memory limit set", "mib", limit>>20, "sources", n, "concurrency", p.Config().Fetch.Concurrency)
}
