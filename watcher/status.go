package watcher

import (
	"sync"
	"time"
)

// health is what the watcher knows of its own work: the cycle under way,
// the last one's end, the last store write's outcome.
type health struct {
	mu         sync.Mutex
	lastEnd    time.Time
	lastErr    string
	lastStats  CycleStats
	cycleStart time.Time // of the cycle running, zero between cycles
	writeErr   string    // the last store write's failure, "" once one succeeds
	writeAt    time.Time
}

// set changes the state under its lock.
func (h *health) set(f func(h *health)) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f(h)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// Status is the watcher's work as /healthz judges it (package daemon).
type Status struct {
	CycleStart time.Time // of the cycle running, zero between cycles
	LastEnd    time.Time // of the last cycle, zero before the first
	LastErr    string    // the last cycle's failure
	LastStats  CycleStats
	WriteErr   string // the last store write's failure, "" once one succeeds
	WriteAt    time.Time
}

// Status reads the watcher's work as it stands.
func (w *Watcher) Status() Status {
	h := &w.health
	h.mu.Lock()
	defer h.mu.Unlock()
	return Status{CycleStart: h.cycleStart, LastEnd: h.lastEnd, LastErr: h.lastErr, LastStats: h.lastStats, WriteErr: h.writeErr, WriteAt: h.writeAt}
}
