package config

import (
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
)

// Webhook formats: Slack's incoming-webhook message, or the digest or
// alert data as JSON.
const (
	WebhookSlack = "slack"
	WebhookJSON  = "json"
)

// Webhook is where a rep's or a watch list's digests and alerts are posted,
// besides the email. The URL is configuration, trusted like a feed's; a
// redirect to a private address is refused unless fetch.allow_private
// allows it or the URL itself is on one.
type Webhook struct {
	URL    string `yaml:"url"`
	Format string `yaml:"format"` // slack (default for hooks.slack.com) or json
	// SecretHeader and Secret, both or neither: a header the receiver
	// checks, such as Authorization: Bearer ${HOOK_TOKEN}.
	SecretHeader string `yaml:"secret_header"`
	Secret       string `yaml:"secret"`
}

// Header is the secret header to send, nil when none is set.
func (h Webhook) Header() http.Header {
	if h.SecretHeader == "" {
		return nil
	}
	return http.Header{textproto.CanonicalMIMEHeaderKey(h.SecretHeader): {h.Secret}}
}

// Name is how the webhook is shown in logs, errors and `veille outbox`:
// "webhook HOST", never the path or query, which may be its secret (as a
// Slack URL's path is).
func (h Webhook) Name() string {
	u, err := url.Parse(h.URL)
	if err != nil || u.Host == "" {
		return "webhook (bad URL)"
	}
	return "webhook " + u.Host
}

// FormatOr is the webhook's format: as written, else slack for a Slack
// URL and json for any other.
func (h Webhook) FormatOr() string {
	if h.Format != "" {
		return h.Format
	}
	if strings.Contains(h.URL, "://hooks.slack.com/") {
		return WebhookSlack
	}
	return WebhookJSON
}

func (v *validator) webhook(path string, h *Webhook) {
	if h == nil {
		return
	}
	if h.URL == "" {
		v.at(path+".url", "required: the address digests and alerts are posted to")
	} else {
		v.url(path+".url", h.URL)
	}
	switch h.Format {
	case "", WebhookSlack, WebhookJSON:
	default:
		v.at(path+".format", "expected slack or json, got %q", h.Format)
	}
	switch {
	case (h.SecretHeader == "") != (h.Secret == ""):
		v.at(path+".secret_header", "set secret_header and secret together (the header the receiver checks, and its value)")
	case h.SecretHeader != "" && !validHeaderName(h.SecretHeader):
		v.at(path+".secret_header", "%q is not an HTTP header name", h.SecretHeader)
	case strings.ContainsAny(h.Secret, "\r\n"):
		v.at(path+".secret", "must be one line")
	}
}

func validHeaderName(s string) bool {
	for _, r := range s {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?={}`, r) {
			return false
		}
	}
	return s != ""
}
