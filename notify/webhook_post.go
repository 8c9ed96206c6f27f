package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/veille-hq/veille/signals"
)

// WebhookOptions configures Webhooks.
type WebhookOptions struct {
	Timeout time.Duration // one post, connection included; 0: 30 s
	// AllowPrivate lists the private ranges a redirect may lead to from a
	// webhook on a public address (fetch.allow_private).
	AllowPrivate []netip.Prefix
	UserAgent    string
	// Resolve looks a redirect's host up; nil: the system resolver.
	Resolve func(ctx context.Context, host string) ([]netip.Addr, error)
}

// Webhooks formats digests and alerts for webhooks and posts them.
type Webhooks struct {
	client  *http.Client
	agent   string
	allow   []netip.Prefix
	resolve func(ctx context.Context, host string) ([]netip.Addr, error)
}

// maxRedirects bounds the 307/308 redirects a post follows.
const maxRedirects = 3

// NewWebhooks builds the poster. A webhook URL is configuration, trusted
// like a feed's; a redirect is followed only when it keeps the method and
// body (307, 308), and never to a private address from a public webhook
// unless AllowPrivate holds it.
func NewWebhooks(o WebhookOptions) *Webhooks {
	h := &Webhooks{agent: o.UserAgent, allow: o.AllowPrivate, resolve: o.Resolve}
	if h.resolve == nil {
		h.resolve = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	h.client = &http.Client{Timeout: timeout, CheckRedirect: h.checkRedirect}
	return h
}

// Digest and Alerts format for a webhook (WebhookDigest, WebhookAlerts).
func (h *Webhooks) Digest(d signals.Digest, format string) ([]byte, error) {
	return WebhookDigest(d, format)
}
func (h *Webhooks) Alerts(a signals.Alerts, format string) ([]byte, error) {
	return WebhookAlerts(a, format)
}

// Post sends body as JSON to rawURL with header (the secret, if any). A
// 2xx reply is delivery; 408, 425, 429, 5xx and failures without a reply
// are temporary; any other reply is permanent. Errors name the webhook's
// host only: a Slack URL's path is its secret.
func (h *Webhooks) Post(ctx context.Context, rawURL string, body []byte, header http.Header) error {
	name := webhookName(rawURL)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return &Error{Temp: false, Err: fmt.Errorf("%s: bad URL", name)}
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	if h.agent != "" {
		req.Header.Set("User-Agent", h.agent)
	}
	resp, err := h.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text holds the URL
		}
		var refused *redirectError
		if errors.As(err, &refused) {
			return &Error{Temp: false, Err: fmt.Errorf("%s: %w", name, err)}
		}
		return &Error{Temp: true, Err: fmt.Errorf("%s: %w", name, err)}
	}
	defer resp.Body.Close()
	reply, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	msg := fmt.Sprintf("%s: %s", name, resp.Status)
	if r := strings.TrimSpace(string(reply)); r != "" && !strings.ContainsAny(r, "<\n") {
		msg += ": " + r
	}
	temp := resp.StatusCode >= 500 || resp.StatusCode == http.StatusRequestTimeout ||
		resp.StatusCode == http.StatusTooEarly || resp.StatusCode == http.StatusTooManyRequests
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		msg += " (a redirect that would turn the post into a GET: set the webhook's new URL)"
	}
	return &Error{Temp: temp, Code: resp.StatusCode, Err: errors.New(msg)}
}

// webhookName is how a webhook is shown in errors: "webhook HOST", never
// its path or query, which may be secret (config.Webhook.Name).
func webhookName(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" {
		return "webhook (bad URL)"
	}
	return "webhook " + u.Host
}

// redirectError is a redirect refused: not retried.
type redirectError struct{ msg string }

func (e *redirectError) Error() string { return e.msg }

func (h *Webhooks) checkRedirect(req *http.Request, via []*http.Request) error {
	if req.Method != http.MethodPost {
		// 301, 302 and 303 turn a POST into a GET: the receiver would get
		// no body and reply 2xx. Stop and report the reply.
		return http.ErrUseLastResponse
	}
	if len(via) > maxRedirects {
		return &redirectError{fmt.Sprintf("more than %d redirects", maxRedirects)}
	}
	if h.private(req.Context(), via[0].URL.Hostname()) {
		return nil // a webhook configured on a private address may stay there
	}
	host := req.URL.Hostname()
	if h.private(req.Context(), host) {
		return &redirectError{fmt.Sprintf("redirect to %s refused: it is a private address (allow it in fetch.allow_private)", host)}
	}
	return nil
}

// private reports whether host is, or resolves to, a loopback, private,
// link-local or unspecified address that AllowPrivate does not hold. A
// host that does not resolve is not private: the dial fails anyway.
func (h *Webhooks) private(ctx context.Context, host string) bool {
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else if addrs, err = h.resolve(ctx, host); err != nil {
		return false
	}
	for _, a := range addrs {
		a = a.Unmap()
		if !(a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() || a.IsUnspecified()) {
			continue
		}
		allowed := false
		for _, p := range h.allow {
			if p.Contains(a) {
				allowed = true
			}
		}
		if !allowed {
			return true
		}
	}
	return false
}
