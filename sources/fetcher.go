package sources

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime"
	"time"

	"github.com/veille-hq/veille/signals"
)

// Fetcher gets items from sources over one shared HTTP client. It is safe
// for concurrent use. Its only memory between calls is politeness (host
// limiters) and the robots.txt cache; a source's own state comes in and
// goes out with each Fetch.
type Fetcher struct {
	opt    Options
	ua     string
	now    func() time.Time
	client *http.Client
	pool   chan struct{}
	gates  *hostGates
	robots *robotsCache
	feeds  *feedDecoder
	guard  guard
	// renderTurn lets one page at a time wait for the renderer.
	renderTurn chan struct{}
	// decoding bounds the feeds decoded at once to a few per CPU:
	// fetches wait on the network, decoding on the CPU, so many more
	// decodes than CPUs only interleave, each holding its document's parse
	// tree and garbage (64 of them at once were a third of a cycle's live
	// heap). One per CPU made a cycle slower: a decoder the scheduler
	// preempted held its slot while the others waited.
	decoding chan struct{}
}

// NewFetcher builds a Fetcher from o, defaults filled in.
func NewFetcher(o Options) *Fetcher {
	o = o.withDefaults()
	g := guard{private: privateUnless(o.AllowPrivate, isPrivateAddr), lookup: systemLookup}
	return &Fetcher{
		opt:    o,
		ua:     o.userAgent(),
		now:    o.Now,
		client: newClient(o, g),
		pool:   make(chan struct{}, o.Concurrency),
		gates:  newHostGates(o.PerHostInterval),
		robots: newRobotsCache(),
		feeds:  newFeedDecoder(o.MaxItems),
		guard:  g,

		renderTurn: make(chan struct{}, 1),
		decoding:   make(chan struct{}, decodesPerCPU*runtime.GOMAXPROCS(0)),
	}
}

// decodesPerCPU is how many feeds each CPU may be decoding at once.
const decodesPerCPU = 4

// Fetch polls src once. It does not check st.Due: the caller decides when.
//
// On success the returned state has Failures reset, LastSuccess (and
// FirstFetched, the first time) set to now and the validators updated; a
// 304 gives FetchResult.NotModified and no parsing. On failure it has Failures
// incremented, NextTry set from Retry-After or the exponential backoff, and
// LastError and ErrorKind set; the error is a *FetchError. When ctx is
// cancelled (shutdown) the state comes back unchanged with ctx's error; a
// ctx deadline that expires counts as a timeout.
func (f *Fetcher) Fetch(ctx context.Context, src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
	now := f.now()
	u, err := url.Parse(src.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		err := &FetchError{Kind: signals.ErrHTTP, URL: src.URL, Err: fmt.Errorf("invalid source url: must be absolute http or https")}
		return signals.FetchResult{}, failed(st, err, now), err
	}
	jctx := withAllowPrivate(ctx, f.configuredPrivate(ctx, u))
	next := st
	next.LastAttempt = now
	var res signals.FetchResult
	switch src.Kind {
	case signals.KindFeed:
		res, err = f.fetchFeed(jctx, src.URL, &next)
	case signals.KindPage:
		res, err = f.fetchPage(jctx, src, &next)
	case signals.KindChanges:
		res, err = f.fetchChanges(jctx, src, &next)
	case signals.KindSite:
		res, err = f.fetchSite(jctx, src.URL, &next)
	case signals.KindBODACC:
		res, err = f.fetchRegistry(jctx, src, &next, bodacc{})
	default:
		err = &FetchError{Kind: signals.ErrHTTP, URL: src.URL, Err: fmt.Errorf("unknown source kind %q", src.Kind)}
	}
	if err != nil {
		if errors.Is(ctx.Err(), context.Canceled) {
			return signals.FetchResult{}, st, fmt.Errorf("fetch %s: %w", signals.RedactURL(src.URL), ctx.Err())
		}
		// Validators of a response we could not use would turn the next
		// try into a 304 that hides the failure.
		next.ETag, next.LastModified, next.BodyHash, next.Known = st.ETag, st.LastModified, st.BodyHash, st.Known
		return res, failed(next, err, now), err
	}
	for i := range res.Items {
		res.Items[i].SourceID = src.ID
	}
	if !res.NotModified {
		if src.Kind == signals.KindFeed || src.Kind == signals.KindSite {
			// The known fingerprints are the document's items: a feed with
			// nothing new still yields.
			res.Yield.Items = len(next.Known)
		}
		next = next.Yielded(res.Yield, now)
	}
	next.Failures = 0
	next.NextTry = time.Time{}
	next.LastError = ""
	next.ErrorKind = ""
	next.LastSuccess = now
	if next.FirstFetched.IsZero() {
		next.FirstFetched = now
	}
	return res, next, nil
}

// configuredPrivate reports whether a configured URL is on a private
// address, which lets its redirects and discovered feeds stay there. The
// lookup is bounded so a stuck resolver cannot hold the job.
func (f *Fetcher) configuredPrivate(ctx context.Context, u *url.URL) bool {
	ctx, cancel := context.WithTimeout(ctx, min(5*time.Second, f.opt.Timeout))
	defer cancel()
	return f.guard.configuredPrivate(ctx, u.Host, schemePort(u.Scheme))
}

// failed records a failure: one more consecutive failure, the error, and
// the next try from Retry-After when the server sent one, else backoff.
func failed(st signals.SourceState, err error, now time.Time) signals.SourceState {
	st.LastAttempt = now
	st.Failures++
	st.LastError = err.Error()
	st.ErrorKind = KindOf(err)
	wait := backoff(st.Failures)
	var fe *FetchError
	if errors.As(err, &fe) && fe.RetryAfter > 0 {
		wait = fe.RetryAfter
	}
	st.NextTry = now.Add(wait)
	return st
}

// fetchFeed fetches and decodes the feed at feedURL with a conditional GET,
// updating st's validators.
func (f *Fetcher) fetchFeed(ctx context.Context, feedURL string, st *signals.SourceState) (signals.FetchResult, error) {
	d, err := f.get(ctx, feedURL, acceptFeed, validators{st.ETag, st.LastModified}, f.opt.MaxBody)
	if err != nil {
		return signals.FetchResult{}, err
	}
	if d.notModified {
		return signals.FetchResult{NotModified: true, Status: d.status}, nil
	}
	if d.status < 200 || d.status > 299 {
		return signals.FetchResult{Status: d.status}, f.statusError(feedURL, d)
	}
	st.ETag, st.LastModified = d.header.Get("ETag"), d.header.Get("Last-Modified")
	if unchanged(st, d) {
		return signals.FetchResult{NotModified: true, Status: d.status}, nil
	}
	items, err := f.decodeFeed(ctx, feedURL, d, st)
	if err != nil {
		return signals.FetchResult{Status: d.status}, err
	}
	return signals.FetchResult{Items: items, Status: d.status}, nil
}

// unchanged reports whether d is the very document the last successful
// fetch of this source decoded (same final URL, same bytes), and records
// its hash in st. Many feeds send no validators, so every poll downloads
// them whole; without this check each one was also parsed, matched and
// looked up item by item, to find nothing new. A source's selectors are
// part of its id, hence of whose state this is. The hash is kept only when
// the fetch succeeds (Fetch restores it on error).
func unchanged(st *signals.SourceState, d *document) bool {
	h := sha256.New()
	h.Write([]byte(d.url.String()))
	h.Write([]byte{0})
	h.Write(d.body)
	sum := hex.EncodeToString(h.Sum(nil)[:16])
	same := sum == st.BodyHash
	st.BodyHash = sum
	return same
}

// decodeFeed decodes a 2xx document as a feed, leaving out the items of
// st.Known and recording the new known list in st; a challenge page is
// blocked, other non-feeds are not_a_feed with the status and content type.
func (f *Fetcher) decodeFeed(ctx context.Context, feedURL string, d *document, st *signals.SourceState) ([]signals.Item, error) {
	select {
	case f.decoding <- struct{}{}:
	case <-ctx.Done():
		return nil, ctxError(feedURL, ctx)
	}
	items, carried, err := f.feeds.decode(ctx, d.body, d.contentType(), d.url.String(), f.now(), st.Known)
	<-f.decoding
	switch {
	case err == nil:
		st.Known = carried
		return items, nil
	case ctx.Err() != nil:
		return nil, ctxError(feedURL, ctx)
	case isChallenge(d.status, d.header, d.body):
		return nil, &FetchError{Kind: signals.ErrBlocked, URL: feedURL, Status: d.status,
			Err: fmt.Errorf("blocked: bot challenge (status %d)", d.status)}
	case errors.Is(err, errNotFeed):
		return nil, &FetchError{Kind: signals.ErrNotAFeed, URL: feedURL, Status: d.status,
			Err: fmt.Errorf("not a feed (status %d, content type %q)", d.status, d.contentType())}
	}
	return nil, &FetchError{Kind: signals.ErrParse, URL: feedURL, Status: d.status, Err: err}
}

// fetchHTML fetches a page with a conditional GET after checking robots.txt,
// and refuses a 2xx bot challenge.
func (f *Fetcher) fetchHTML(ctx context.Context, pageURL string, st *signals.SourceState) (*document, error) {
	if err := f.allowedByRobots(ctx, pageURL); err != nil {
		return nil, err
	}
	d, err := f.get(ctx, pageURL, acceptPage, validators{st.ETag, st.LastModified}, f.opt.MaxBody)
	if err != nil {
		return nil, err
	}
	if d.notModified {
		return d, nil
	}
	if d.status < 200 || d.status > 299 || isChallenge(d.status, d.header, d.body) {
		return d, f.statusError(pageURL, d)
	}
	st.ETag, st.LastModified = d.header.Get("ETag"), d.header.Get("Last-Modified")
	return d, nil
}

func (f *Fetcher) fetchPage(ctx context.Context, src signals.Source, st *signals.SourceState) (signals.FetchResult, error) {
	d, err := f.pageDocument(ctx, src, st)
	if err != nil {
		return resultOf(d), err
	}
	if d.notModified {
		return signals.FetchResult{NotModified: true, Status: d.status}, nil
	}
	if unchanged(st, d) {
		return signals.FetchResult{NotModified: true, Status: d.status}, nil
	}
	items, y, err := parsePageYield(ctx, d.body, d.contentType(), d.url.String(), src.Page, f.now(), f.opt.MaxItems)
	if ctx.Err() != nil {
		return signals.FetchResult{Status: d.status}, ctxError(src.URL, ctx)
	}
	if err != nil {
		return signals.FetchResult{Status: d.status}, &FetchError{Kind: signals.ErrParse, URL: src.URL, Status: d.status, Err: err}
	}
	return signals.FetchResult{Items: items, Status: d.status, Yield: y}, nil
}

// ctxError is the error of a job whose context ended while its document
// was being decoded: a timeout when the deadline passed (a cancellation is
// recognised by Fetch and leaves the state as it was).
func ctxError(rawURL string, ctx context.Context) error {
	return &FetchError{Kind: signals.ErrTimeout, URL: rawURL, Err: fmt.Errorf("decoding: %w", ctx.Err())}
}

func resultOf(d *document) signals.FetchResult {
	if d == nil {
		return signals.FetchResult{}
	}
	return signals.FetchResult{Status: d.status}
}
