package watcher

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// CycleStats summarises one poll cycle.
type CycleStats struct {
	Sources     int           `json:"sources"`
	Polled      int           `json:"polled"`
	NotModified int           `json:"not_modified"`
	Failed      int           `json:"failed"`
	Blocked     int           `json:"blocked"`
	Deferred    int           `json:"deferred"` // in backoff, not due
	NewItems    int           `json:"new_items"`
	NewSignals  int           `json:"new_signals"`
	Duration    time.Duration `json:"duration_ns"`
}

type fetched struct {
	src   *plan.Source
	res   signals.FetchResult
	state signals.SourceState
	err   error
	// verdicts holds, per item of res, its verdicts (plan.Judge), worked out
	// by the fetch worker; nil when it did not (applyTx judges then).
	verdicts [][]plan.Verdict
	// first is true for the source's first fetch (no stored state says it
	// was fetched before): all its items are new, and written.
	first bool
}

// Cycle polls every due source once: fetches fan out over a bounded pool,
// whose workers also match and classify what they fetched (plan.JudgeItems);
// results funnel to this goroutine, which writes one transaction per source
// (or per batch of waiting sources). The leads whose signals a transaction
// wrote are rescored in it; on the day's first cycle, the leads no write
// rescored are rescored at the end.
func (w *Watcher) Cycle(ctx context.Context) (stats CycleStats, err error) {
	start := w.now()
	w.health.set(func(h *health) { h.cycleStart = start })
	defer func() {
		w.health.set(func(h *health) {
			h.cycleStart, h.lastEnd, h.lastStats, h.lastErr = time.Time{}, w.now(), stats, errText(err)
		})
	}()
	// A fetcher holding resources for the cycle (a browser for rendered
	// pages) lets them go at its end.
	if ec, ok := w.opts.Fetcher.(interface{ EndCycle() }); ok {
		defer ec.EndCycle()
	}
	p := w.Plan()
	log := w.log.With("cycle", w.cycles.Add(1))
	stats = CycleStats{Sources: len(p.Sources())}
	states, err := w.sourceStates()
	if err != nil {
		return stats, err
	}
	// A full rescore at the end would redo what the writes rescored.
	fullRescore, scoredMark, err := w.fullRescoreDue(p, start)
	if err != nil {
		return stats, err
	}
	var due []*plan.Source
	for _, ps := range p.Sources() {
		if states[ps.ID].Due(start) {
			due = append(due, ps)
		} else {
			stats.Deferred++
		}
	}

	workers := max(1, min(p.Config().Fetch.Concurrency, len(due)))
	jobs := make(chan *plan.Source)
	// A worker hands its result over and fetches on while the writer
	// commits: unbuffered, every worker that finished during a commit sat
	// idle until the writer came back, and fewer fetches were in flight.
	// A full batch of room is enough: when the writer is the slower side,
	// the workers blocked on the channel queue up anyway, and each waiting
	// result holds its items and their verdicts live: with room for one
	// result per worker, a 2,000-feed first cycle held more of them and,
	// under the memory limit (cmd/veille), collected half as often again.
	results := make(chan fetched, min(workers, fullBatch))
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ps := range jobs {
				results <- w.fetchOne(ctx, p, ps, states[ps.ID])
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, ps := range due {
			select {
			case jobs <- ps:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	var writeErr error
	// writing is the wall time the writer spent in its transactions: near
	// the cycle's duration, the single writer set the cycle's pace (the
	// fetch workers waited on it), as in a first cycle of 2,000 feeds on two
	// cores, where it was also waiting for a CPU most of that time.
	var writing time.Duration
	rescored := map[string]bool{}
	for f := range results {
		batch := append(make([]fetched, 0, firstBatch), f)
		batch = gatherBatch(results, batch)
		for _, f := range batch {
			stats.Polled++
			switch {
			case f.err != nil:
				stats.Failed++
				if f.state.ErrorKind == signals.ErrBlocked {
					stats.Blocked++
				}
				kind := cmp.Or(string(f.state.ErrorKind), "error")
				w.opts.Metrics.Fetch(kind)
				log.Warn("fetch failed", "source", f.src.ID, "url", signals.RedactURL(f.src.URL), "kind", kind, "failures", f.state.Failures, "next_try", f.state.NextTry, "err", f.err)
			case f.res.NotModified:
				stats.NotModified++
				w.opts.Metrics.Fetch("not_modified")
			default:
				w.opts.Metrics.Fetch("ok")
				if st := f.state; st.Silence != "" {
					log.Warn("source yields nothing", "source", f.src.ID, "url", signals.RedactURL(f.src.URL), "silence", st.Silence,
						"since", st.SilentSince, "selectors", st.SilentWhat, "last_yield", st.LastYield)
				}
			}
		}
		if writeErr != nil {
			continue // drain the workers; the store is failing
		}
		began := w.now()
		n, refs, err := w.applyBatch(ctx, p, batch, began, rescored)
		writing += w.now().Sub(began)
		stats.NewItems += n
		stats.NewSignals += len(refs)
		for _, r := range refs {
			for _, l := range r.Labels {
				w.opts.Metrics.Signal(string(l))
			}
		}
		writeErr = err
	}
	w.opts.Metrics.Backoff(stats.Failed + stats.Deferred)
	if writeErr != nil {
		w.opts.Metrics.Cycle(stats.Duration, stats.NewItems, writeErr)
		if err := ctx.Err(); err != nil {
			return stats, fmt.Errorf("cycle interrupted: %w", err)
		}
		return stats, writeErr
	}
	err = w.rescoreAfterCycle(p, w.now(), rescored, fullRescore, scoredMark)
	stats.Duration = w.now().Sub(start)
	w.opts.Metrics.Cycle(stats.Duration, stats.NewItems, err)
	if err != nil {
		return stats, err
	}
	log.Info("cycle done", "sources", stats.Sources, "polled", stats.Polled, "not_modified", stats.NotModified,
		"failed", stats.Failed, "blocked", stats.Blocked, "deferred", stats.Deferred,
		"new_items", stats.NewItems, "new_signals", stats.NewSignals, "duration", stats.Duration.Round(time.Millisecond),
		"writing", writing.Round(time.Millisecond))
	if err := ctx.Err(); err != nil {
		return stats, fmt.Errorf("cycle interrupted: %w", err)
	}
	return stats, nil
}

// fetchOne fetches ps, whose stored state is stored, and judges the
// items it brought (plan.JudgeItems): a fetch worker's job. The fetch is
// the source's first when the stored state says it was never fetched:
// the state the fetch returns has FirstFetched set after any success.
func (w *Watcher) fetchOne(ctx context.Context, p *plan.Plan, ps *plan.Source, stored signals.SourceState) fetched {
	res, st, err := w.opts.Fetcher.Fetch(ctx, ps.Source, stored)
	if ps.Search {
		// A news search with no result is a quiet prospect, not a source
		// gone silent.
		st.Silence, st.SilentSince, st.SilentWhat = "", time.Time{}, ""
	}
	f := fetched{src: ps, res: res, state: st, err: err, first: stored.FirstFetched.IsZero()}
	if err == nil && !res.NotModified {
		f.verdicts = p.JudgeItems(ps, res.Items)
	}
	return f
}

// signalRef names a stored signal: its lead and story.
type signalRef struct {
	LeadKey string
	Story   string
	Labels  []signals.Label
}

// writeBatch bounds how many fetch results share one write transaction.
// Its commit maps the old page of every node it rewrites, with 64 KB
// around each: at 32 results, the commits (14 MB of the store mapped) set
// the 2,000-feed poll's peak, 4 to 5 MB over what 20 give, for 6 % less
// written; at 16, a poll wrote 40 % more, with more page faults.
const writeBatch = 20

// firstBatch bounds a batch of sources' first fetches (keepPages), whose
// commits map little that is not theirs: the store holds nothing else of
// those sources yet. The writer sets a first cycle's pace, and each commit
// rewrites the buckets' branch pages and syncs twice: at 32, bench/run.sh's
// 2,000-feed prime had the same peak RSS (55–57 MB) as at 20, and
// BenchmarkPrime 12 to 17 % fewer page faults and 50 to 120 ms less
// system time.
const firstBatch = 32

// batchLimit is how many results batch may grow to.
func batchLimit(batch []fetched) int {
	if len(batch) > 0 && keepPages(batch) {
		return firstBatch
	}
	return writeBatch
}

// A batch of fewer than fullBatch results waits up to batchLinger for more
// while fetches are under way. Committing the two or three results that
// were waiting each time wrote and synced the buckets' branch pages for
// each: a 2,000-feed cycle wrote 80 MB to the store, 62 MB with the wait,
// and spent 5 % more CPU. A wait never outlasts the fetches: a closed
// results channel ends it.
const (
	fullBatch   = 16
	batchLinger = 10 * time.Millisecond
)

// rescoreBatch is how many leads a write transaction of the end-of-day
// full rescore recomputes: one transaction for every lead held all their
// rewritten pages in memory at once.
const rescoreBatch = 128

// gatherBatch appends to batch the results waiting on results and, while
// it holds fewer than fullBatch, those that arrive within batchLinger,
// up to batchLimit. It returns at once when results is closed (the
// fetches are over).
func gatherBatch(results <-chan fetched, batch []fetched) []fetched {
	var linger <-chan time.Time
	for len(batch) < batchLimit(batch) {
		select {
		case f, ok := <-results:
			if !ok {
				return batch
			}
			batch = append(batch, f)
			continue
		default:
		}
		if len(batch) >= fullBatch {
			return batch
		}
		if linger == nil {
			t := time.NewTimer(batchLinger)
			defer t.Stop()
			linger = t.C
		}
		select {
		case f, ok := <-results:
			if !ok {
				return batch
			}
			batch = append(batch, f)
		case <-linger:
			return batch
		}
	}
	return batch
}

// applyBatch stores the fetch results that were waiting together in one
// write transaction. Each source's state, items and signals still commit
// or roll back together, with the alerts they call for; sharing the commit
// saves an fsync per source, which made the single writer the bottleneck
// of a cycle (about 1 ms a source on an SSD, more on a busy disk);
// gatherBatch says how long a batch waits to fill. When the shared
// transaction fails, the results are written one transaction each, so one
// bad source loses only its own result; the first failure stops the
// writing.
//
// The transaction also rescores the leads whose signals it wrote, and adds
// them to rescored. Their signals' pages are the ones the writes and the
// same-story test just read: rescoring them later, in transactions of
// their own, read those scattered pages again, and the kernel maps 64 KB
// around each page read, which was most of the store's share of a cycle's
// peak memory. A lead is rescored once, right after the last result of the
// batch that can write to it (lastWriters), while its pages are still
// mapped: at the end of the batch, the store had released them (a
// transaction releases its pages every few dozen reads), and reading them
// again was a sixth of the writer's time at 20,000 feeds. A lead fed by
// several sources is rescored by each transaction that writes to it, the
// last one with all its signals.
func (w *Watcher) applyBatch(ctx context.Context, p *plan.Plan, batch []fetched, now time.Time, rescored map[string]bool) (int, []signalRef, error) {
	var newItems int
	var refs []signalRef
	var wrote map[string]bool
	last := lastWriters(batch)
	err := w.update(func(tx *store.Tx) error {
		if keepPages(batch) {
			tx.KeepPages()
		}
		newItems, refs = 0, nil
		wrote = map[string]bool{}
		done := map[string]bool{}
		for i, f := range batch {
			mine := map[string]bool{}
			n, r, err := applyTx(ctx, tx, mine, w, p, f, now)
			if err != nil {
				return err
			}
			newItems += n
			refs = append(refs, r...)
			var due []string
			for lk := range mine {
				wrote[lk] = true
				if j, ok := last[lk]; ok && j == i {
					due = append(due, lk)
					done[lk] = true
				}
			}
			slices.Sort(due)
			if err := rescoreTx(tx, p, due, now); err != nil {
				return err
			}
		}
		var rest []string
		for lk := range wrote {
			if !done[lk] {
				rest = append(rest, lk)
			}
		}
		slices.Sort(rest)
		// Every lead once, before the alerts read the scores.
		if err := rescoreTx(tx, p, rest, now); err != nil {
			return err
		}
		return w.queueAlertsTx(tx, p, refs, now)
	})
	// After a stop, writing the results one by one would only fail again.
	if err == nil || len(batch) == 1 || ctx.Err() != nil {
		if err != nil {
			return 0, nil, fmt.Errorf("store results of %s: %w", signals.RedactURL(batch[0].src.URL), err)
		}
		maps.Copy(rescored, wrote)
		return newItems, refs, nil
	}
	newItems, refs = 0, nil
	for i := range batch {
		n, r, err := w.applyBatch(ctx, p, batch[i:i+1], now, rescored)
		if err != nil {
			return newItems, refs, err
		}
		newItems += n
		refs = append(refs, r...)
	}
	return newItems, refs, nil
}

// keepPages reports whether batch's transaction keeps the pages it maps
// until its commit (store.Tx.KeepPages): when every result is a source's
// first fetch, its items are all new and the transaction rewrites what it
// reads. At a later cycle, a batch reads more than it rewrites, over pages
// scattered in a larger file: kept, they add 2 to 3 MB to the peak
// resident set of bench/run.sh's 2,000-feed poll (61–62 MB against 59–60).
func keepPages(batch []fetched) bool {
	for _, f := range batch {
		if !f.first {
			return false
		}
	}
	return true
}

// lastWriters gives, for each lead a result of batch can write signals
// to, the index of the last such result: its verdicts name the leads its
// items match. A lead absent is rescored at the end of the batch, as
// every lead is when a result with items has no verdicts (applyTx judges
// them then).
func lastWriters(batch []fetched) map[string]int {
	last := map[string]int{}
	for i, f := range batch {
		if f.err != nil || f.res.NotModified {
			continue
		}
		if f.verdicts == nil && len(f.res.Items) > 0 {
			return nil
		}
		for _, vs := range f.verdicts {
			for _, v := range vs {
				last[v.Match.Key] = i
			}
		}
	}
	return last
}

// applyTx stores one fetch result in tx: source state, new items, and the
// signals they carry. It returns how many items were new and which signals
// were created (backlog excluded). A cancelled ctx stops it between two
// items, and the transaction is rolled back: a stop does not wait for the
// rest of a feed of thousands of items, whose source is fetched again.
func applyTx(ctx context.Context, tx *store.Tx, wrote map[string]bool, w *Watcher, p *plan.Plan, f fetched, now time.Time) (int, []signalRef, error) {
	newItems := 0
	var refs []signalRef
	if err := tx.PutSourceState(f.src.Source, f.state); err != nil {
		return 0, nil, err
	}
	if f.err != nil || f.res.NotModified {
		return 0, nil, nil
	}
	firstFetched := f.state.FirstFetched
	if firstFetched.IsZero() {
		firstFetched = now
	}
	// When the store holds no item of a source at its first fetch (one
	// search of the bucket tells), every item is new but for one its
	// document repeats: no item needs a lookup of its own.
	var repeats map[string]bool
	if f.first && len(f.res.Items) > 0 && !tx.SourceHasItems(f.src.ID) {
		repeats = make(map[string]bool, len(f.res.Items))
	}
	for i, it := range f.res.Items {
		if err := ctx.Err(); err != nil {
			return 0, nil, err
		}
		it.SourceID = f.src.ID
		if repeats != nil {
			id := it.ID()
			if repeats[id] {
				continue
			}
			repeats[id] = true
		} else if tx.HasItem(f.src.ID, it.ID()) {
			continue
		}
		if err := tx.PutItem(it, now); err != nil {
			return 0, nil, err
		}
		newItems++
		backlog := signals.Backlogged(it.Published, firstFetched)
		if f.src.Search {
			// A search engine ranks old articles beside new ones: what
			// it brings is news only when recently published, however
			// long the search has been polled.
			backlog = signals.Backlogged(it.Published, now)
		}
		var vs []plan.Verdict
		if f.verdicts != nil {
			vs = f.verdicts[i]
		} else {
			vs = p.Judge(f.src, it)
		}
		for _, v := range vs {
			ref, created, err := storeVerdict(tx, wrote, f.src, it, v, backlog, now)
			if err != nil {
				return 0, nil, err
			}
			if created && !backlog {
				refs = append(refs, ref)
			}
		}
	}
	return newItems, refs, nil
}

func storeSignal(tx *store.Tx, wrote map[string]bool, p *plan.Plan, src *plan.Source, it signals.Item, m signals.Match, backlog bool, now time.Time) (signalRef, bool, error) {
	return storeVerdict(tx, wrote, src, it, p.JudgeMatch(it, m), backlog, now)
}

// storeVerdict stores the signal an item's match is, per its verdict v,
// as a new story or as an outlet of one stored, and reports whether it
// created a story.
func storeVerdict(tx *store.Tx, wrote map[string]bool, src *plan.Source, it signals.Item, v plan.Verdict, backlog bool, now time.Time) (signalRef, bool, error) {
	m, pr, cls := v.Match, v.Prospect, v.Classification
	if !v.Known {
		return signalRef{}, false, fmt.Errorf("match for unknown lead %q", m.Key)
	}
	if !cls.Classified() {
		return signalRef{}, false, nil // about the company but no signal: the item is kept, nothing scores
	}
	// The classifier shares its label lists: a signal keeps a copy of its own.
	ref := signalRef{LeadKey: m.Key, Story: signals.StoryID(src.ID, it), Labels: slices.Clone(cls.Labels)}
	s, found, err := tx.Signal(ref.LeadKey, ref.Story)
	if err != nil {
		return ref, false, err
	}
	var sp signals.StoryPrint
	if !found {
		// Another outlet's article on a story already stored: same company,
		// same event (signals.SameStory), close in time.
		if v.Print != nil {
			sp = *v.Print
		} else {
			sp = signals.NewStoryPrint(it.Title, it.Summary, pr.Name)
		}
		if story, ok, err := tx.SameStory(ref.LeadKey, pr.Name, sp, now); err != nil {
			return ref, false, err
		} else if ok {
			if s, _, err = tx.Signal(ref.LeadKey, story); err != nil {
				return ref, false, err
			}
			found = true
			ref.Story = s.ID
		}
	}
	outlet := signals.SourceRef{Source: src.URL, URL: it.URL}
	if found {
		if !s.AddOutlet(outlet, m.Strength) {
			return ref, false, nil
		}
		wrote[ref.LeadKey] = true
		return ref, false, tx.PutSignal(s)
	}
	s = signals.Signal{
		ID: ref.Story, Watchlist: pr.Watchlist, Company: pr.Name,
		Title: it.Title, URL: it.URL, Source: src.URL, Sources: []signals.SourceRef{outlet},
		Published: it.Published, FirstSeen: now, Labels: ref.Labels, Evidence: cls.Evidence.Map(),
		Strength: m.Strength, Backlog: backlog,
	}
	wrote[ref.LeadKey] = true
	if err := tx.PutSignal(s); err != nil {
		return ref, false, err
	}
	return ref, true, tx.PutStoryPrint(ref.LeadKey, s.ID, sp)
}

// sourceStates reads every stored source state (one short read transaction,
// closed before any fetch starts).
func (w *Watcher) sourceStates() (map[string]signals.SourceState, error) {
	return view(w, "source states", (*store.Tx).SourceStates)
}
