package sources

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/veille-hq/veille/signals"
)

// document is a fetched response: status, headers, the final URL after
// redirects and the body (capped; for error statuses only its start).
type document struct {
	status      int
	header      http.Header
	url         *url.URL
	body        []byte
	notModified bool
}

func (d *document) contentType() string { return d.header.Get("Content-Type") }

// validators are the conditional-GET values kept from the last response.
type validators struct{ etag, lastModified string }

const (
	acceptFeed = "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
	acceptPage = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
)

// get fetches rawURL politely (host gate, global pool) under the request
// timeout, which starts once the gate lets the request through. It returns
// a document for any HTTP status; errors are transport failures, timeouts
// and bodies over bodyCap.
func (f *Fetcher) get(ctx context.Context, rawURL, accept string, v validators, bodyCap int64) (*document, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, &FetchError{Kind: signals.ErrHTTP, URL: rawURL, Err: err}
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, &FetchError{Kind: signals.ErrHTTP, URL: rawURL, Err: errUnsupportedScheme}
	}
	if err := f.hostPaused(rawURL, u.Host); err != nil {
		return nil, err
	}
	leave, err := f.gates.gate(u.Host).enter(ctx, f.pool)
	if err != nil {
		// The job's deadline came before the host's turn.
		return nil, &FetchError{Kind: signals.ErrTimeout, URL: rawURL, Err: fmt.Errorf("waiting for the host: %w", err)}
	}
	defer leave()
	// The host may have asked for a pause while this job waited its turn.
	if err := f.hostPaused(rawURL, u.Host); err != nil {
		return nil, err
	}
	rctx, cancel := context.WithTimeout(ctx, f.opt.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &FetchError{Kind: signals.ErrHTTP, URL: rawURL, Err: err}
	}
	req.Header.Set("User-Agent", f.ua)
	req.Header.Set("Accept", accept)
	if v.etag != "" {
		req.Header.Set("If-None-Match", v.etag)
	}
	if v.lastModified != "" {
		req.Header.Set("If-Modified-Since", v.lastModified)
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, transportError(rawURL, f.timeoutCause(rctx, err))
	}
	defer resp.Body.Close()
	d := &document{status: resp.StatusCode, header: resp.Header, url: resp.Request.URL}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		d.notModified = true
		return d, nil
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		d.body, _ = io.ReadAll(io.LimitReader(resp.Body, errorBodyCap))
		return d, nil
	}
	d.body, err = readCapped(resp.Body, bodyCap, resp.ContentLength)
	var tl tooLargeError
	if errors.As(err, &tl) {
		return nil, &FetchError{Kind: signals.ErrTooLarge, URL: rawURL, Status: d.status, Err: err}
	}
	if err != nil {
		return nil, transportError(rawURL, fmt.Errorf("read body: %w", f.timeoutCause(rctx, err)))
	}
	return d, nil
}

// timeoutCause names the request timeout when it is what cut err short.
func (f *Fetcher) timeoutCause(rctx context.Context, err error) error {
	if errors.Is(rctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("timed out after %v (fetch.timeout): %w", f.opt.Timeout, context.DeadlineExceeded)
	}
	return err
}

// statusError turns a non-2xx, non-304 document into an error of the right
// kind: 403 and bot challenges are blocked, 429 rate limited, the rest http;
// 429 and 503 carry Retry-After.
func (f *Fetcher) statusError(rawURL string, d *document) error {
	fe := &FetchError{Kind: signals.ErrHTTP, URL: rawURL, Status: d.status,
		Err: fmt.Errorf("status %d %s", d.status, http.StatusText(d.status))}
	switch {
	case d.status == http.StatusForbidden || isChallenge(d.status, d.header, d.body):
		fe.Kind = signals.ErrBlocked
		fe.Err = fmt.Errorf("blocked: status %d %s", d.status, http.StatusText(d.status))
	case d.status == http.StatusTooManyRequests:
		fe.Kind = signals.ErrRateLimit
	}
	if d.status == http.StatusTooManyRequests || d.status == http.StatusServiceUnavailable {
		fe.RetryAfter = retryAfter(d.header, f.now())
	}
	// A rate limit holds the whole host; a 503 only when it says how long.
	if pause := fe.RetryAfter; d.status == http.StatusTooManyRequests || pause > 0 {
		if pause == 0 {
			pause = hostPause
		}
		host := ""
		if d.url != nil {
			host = d.url.Host
		} else if u, err := url.Parse(rawURL); err == nil {
			host = u.Host
		}
		f.gates.pause(host, f.now().Add(pause))
	}
	return fe
}

// hostPause is how long a host that answered 429 without Retry-After is
// left alone.
const hostPause = 10 * time.Minute

// hostPaused fails a request to a host that asked for a pause, without
// asking it, as rate limited until the pause ends.
func (f *Fetcher) hostPaused(rawURL, host string) error {
	now := f.now()
	until := f.gates.pausedUntil(host)
	if !now.Before(until) {
		return nil
	}
	return &FetchError{Kind: signals.ErrRateLimit, URL: rawURL, RetryAfter: until.Sub(now),
		Err: fmt.Errorf("%s asked to slow down (429 or 503): no request to it before %s", host, until.UTC().Format(time.RFC3339))}
}
