package signals

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// SourceKind is what a source is.
type SourceKind string

const (
	KindFeed    SourceKind = "feed"    // RSS, Atom or JSON Feed
	KindPage    SourceKind = "page"    // newsroom page read with CSS selectors
	KindChanges SourceKind = "changes" // page whose selected elements are compared between visits
	KindSite    SourceKind = "site"    // a company site whose feed is autodiscovered
	// KindBODACC is the BODACC API query for one SIREN: France's official
	// legal announcements about a company, whose labels the source states.
	KindBODACC SourceKind = "bodacc"
)

// PageSpec says how to read a page. Selectors may end in "@attr" to take an
// attribute instead of the text.
type PageSpec struct {
	Item    string `json:"item,omitempty"`
	Title   string `json:"title,omitempty"`
	Link    string `json:"link,omitempty"`
	Date    string `json:"date,omitempty"`
	Summary string `json:"summary,omitempty"`
	Select  string `json:"select,omitempty"` // change mode
	// Render is "chromium" for a page whose items a script writes: it is
	// rendered by a headless browser before the selectors read it.
	Render string `json:"render,omitempty"`
}

// RenderChromium renders a page with headless Chromium (PageSpec.Render).
const RenderChromium = "chromium"

// Source is one thing to poll.
type Source struct {
	ID   string     `json:"id"`
	Kind SourceKind `json:"kind"`
	URL  string     `json:"url"`
	Page PageSpec   `json:"page,omitzero"`
}

// NewSource builds a source with its stable ID (kind, URL and selectors), so
// the same configured source keeps its state across reloads and restarts.
func NewSource(kind SourceKind, url string, page PageSpec) Source {
	h := sha256.New()
	for _, s := range []string{string(kind), url, page.Item, page.Title, page.Link, page.Date, page.Summary, page.Select} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	// Only when set, so the ids of the sources configured before it stay.
	if page.Render != "" {
		h.Write([]byte("render=" + page.Render))
	}
	return Source{ID: string(kind) + ":" + hex.EncodeToString(h.Sum(nil)[:8]), Kind: kind, URL: url, Page: page}
}

// ErrorKind classifies why a fetch failed; it is bounded (used as a metric label).
type ErrorKind string

const (
	ErrHTTP      ErrorKind = "http"
	ErrTimeout   ErrorKind = "timeout"
	ErrTooLarge  ErrorKind = "too_large"
	ErrBlocked   ErrorKind = "blocked"
	ErrNotAFeed  ErrorKind = "not_a_feed"
	ErrRobots    ErrorKind = "robots"
	ErrNetwork   ErrorKind = "network"
	ErrParse     ErrorKind = "parse"
	ErrRateLimit ErrorKind = "rate_limited"
	// ErrPrivate: a redirect or an autodiscovered URL led to a private or
	// loopback address from a source configured on a public one.
	ErrPrivate ErrorKind = "private_address"
	// ErrRender: a page to render with a browser (render: chromium) could
	// not be: no browser installed, or the browser failed.
	ErrRender ErrorKind = "render"
)

// SourceState is what the store keeps per source between fetches.
type SourceState struct {
	ETag         string    `json:"etag,omitempty"`
	LastModified string    `json:"last_modified,omitempty"`
	FirstFetched time.Time `json:"first_fetched,omitzero"` // first successful fetch (backlog rule)
	LastAttempt  time.Time `json:"last_attempt,omitzero"`
	LastSuccess  time.Time `json:"last_success,omitzero"`
	Failures     int       `json:"failures,omitempty"` // consecutive
	NextTry      time.Time `json:"next_try,omitzero"`  // backoff: not before this
	LastError    string    `json:"last_error,omitempty"`
	ErrorKind    ErrorKind `json:"error_kind,omitempty"`
	FeedURL      string    `json:"feed_url,omitempty"` // autodiscovered feed of a site
	Baseline     []string  `json:"baseline,omitempty"` // change mode: texts of the selected elements
	HasBaseline  bool      `json:"has_baseline,omitempty"`
	BodyHash     string    `json:"body_hash,omitempty"` // feeds and pages: the last decoded document, to skip it when resent unchanged
	// Known: feeds: the sorted fingerprints of the items the last decoded
	// document carried. The store has them, so they are not extracted nor
	// returned again.
	Known []uint64 `json:"known,omitempty"`
	// LastYield is the last fetch whose document held items; Silence,
	// SilentSince and SilentWhat say why and since when a source that
	// fetches fine yields nothing (Yielded).
	LastYield   time.Time `json:"last_yield_at,omitzero"`
	Silence     Silence   `json:"silence,omitempty"`
	SilentSince time.Time `json:"silent_since,omitzero"`
	SilentWhat  string    `json:"silent_what,omitempty"`
}

// Due reports whether the source may be fetched at now (backoff respected).
func (s SourceState) Due(now time.Time) bool { return s.NextTry.IsZero() || !now.Before(s.NextTry) }

// FetchResult is what one fetch brought.
type FetchResult struct {
	Items       []Item // for a feed, those not in its last document (SourceState.Known)
	NotModified bool   // 304, or the same document as last time: nothing parsed
	Status      int    // HTTP status of the final response
	Yield       Yield  // what the document held (zero when NotModified)
}
