package sources

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/veille-hq/veille/signals"
)

// FetchError is a failed fetch: what kind of failure, the URL and, for 429
// and 503, how long the server asked us to wait.
type FetchError struct {
	Kind       signals.ErrorKind
	URL        string
	Status     int           // HTTP status, 0 when no response came
	RetryAfter time.Duration // from Retry-After, 0 when absent
	Err        error
}

// Error redacts credentials in the URL, and in the cause, which often
// quotes the URL again (the HTTP client's errors do).
func (e *FetchError) Error() string {
	return "fetch " + signals.RedactURL(e.URL) + ": " + signals.RedactText(e.Err.Error())
}
func (e *FetchError) Unwrap() error { return e.Err }

// KindOf returns the kind of a fetch error; errors that are no FetchError
// are network errors.
func KindOf(err error) signals.ErrorKind {
	var fe *FetchError
	if errors.As(err, &fe) {
		return fe.Kind
	}
	return signals.ErrNetwork
}

// transportError classifies an error from the HTTP client or a body read.
func transportError(rawURL string, err error) *FetchError {
	// The client quotes the URL it was at, maybe relative (a redirect's),
	// which the redaction of the error text would not recognise.
	var ue *url.Error
	if errors.As(err, &ue) {
		ue.URL = signals.RedactURL(ue.URL)
	}
	kind := signals.ErrNetwork
	var ne net.Error
	switch {
	case errors.Is(err, errPrivateAddress):
		kind = signals.ErrPrivate
	case errors.Is(err, errRedirectLoop), errors.Is(err, errTooManyRedirects), errors.Is(err, errUnsupportedScheme):
		kind = signals.ErrHTTP
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		kind = signals.ErrTimeout
	}
	return &FetchError{Kind: kind, URL: rawURL, Err: err}
}

// retryAfter reads a Retry-After header: delay-seconds or an HTTP date.
func retryAfter(h http.Header, now time.Time) time.Duration {
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil {
		if n < 0 {
			return 0
		}
		return min(time.Duration(n)*time.Second, maxBackoff)
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), maxBackoff)
	}
	return 0
}
