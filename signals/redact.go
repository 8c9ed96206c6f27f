package signals

import (
	"net/url"
	"regexp"
	"strings"
)

// redacted replaces a secret in a printed URL.
const redacted = "REDACTED"

// secretParams are query (and fragment) parameter names whose values are
// credentials; names containing one of secretParts are too.
var (
	secretParams = map[string]bool{
		"key": true, "apikey": true, "api_key": true, "api-key": true, "sig": true,
		"signature": true, "auth": true, "code": true, "pass": true, "pwd": true,
		"jwt": true, "session": true, "sid": true,
	}
	secretParts = []string{"token", "secret", "password", "passwd", "apikey", "api_key", "credential", "signature", "auth"}
)

func isSecretParam(name string) bool {
	n := strings.ToLower(name)
	if secretParams[n] {
		return true
	}
	for _, p := range secretParts {
		if strings.Contains(n, p) {
			return true
		}
	}
	return false
}

// RedactURL returns raw fit for logs and screens: the user information
// (user:password@, or a token used as the user name) and the values of
// secret-looking query and fragment parameters (token, key, api_key,
// password, secret, sig, signature, access_token, auth...) become
// REDACTED. What cannot be parsed as a URL is redacted as text.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Opaque != "" {
		return redactLoose(raw)
	}
	if u.User != nil {
		u.User = url.User(redacted)
	}
	u.RawQuery = redactParams(u.RawQuery)
	if u.Fragment != "" && strings.Contains(u.Fragment, "=") {
		frag := redactParams(u.EscapedFragment())
		if f, err := url.PathUnescape(frag); err == nil {
			u.Fragment, u.RawFragment = f, frag
		}
	}
	return u.String()
}

// redactParams redacts the values of the secret parameters of an encoded
// query, keeping the order and encoding of the others.
func redactParams(q string) string {
	var b strings.Builder
	for i := 0; i < len(q); {
		end := strings.IndexAny(q[i:], "&;")
		if end < 0 {
			end = len(q) - i
		}
		pair := q[i : i+end]
		if name, _, ok := strings.Cut(pair, "="); ok {
			if dec, err := url.QueryUnescape(name); err == nil {
				name = dec
			}
			if isSecretParam(name) {
				pair = pair[:strings.IndexByte(pair, '=')+1] + redacted
			}
		}
		b.WriteString(pair)
		i += end
		if i < len(q) {
			b.WriteByte(q[i]) // the separator
			i++
		}
	}
	return b.String()
}

var (
	looseUserinfo = regexp.MustCompile(`(?i)([a-z][a-z0-9+.-]*://)[^/?#\s@]*@`)
	looseParam    = regexp.MustCompile(`([?&;#])([^=&;#\s]+)=([^&;#\s"']*)`)
	urlInText     = regexp.MustCompile(`(?i)\b[a-z][a-z0-9+.-]*://[^\s"'<>]+`)
)

// redactLoose redacts user information and secret parameters in s without
// parsing it as a URL.
func redactLoose(s string) string {
	s = looseUserinfo.ReplaceAllString(s, "${1}"+redacted+"@")
	return looseParam.ReplaceAllStringFunc(s, func(m string) string {
		sub := looseParam.FindStringSubmatch(m)
		name := sub[2]
		if dec, err := url.QueryUnescape(name); err == nil {
			name = dec
		}
		if !isSecretParam(name) {
			return m
		}
		return sub[1] + sub[2] + "=" + redacted
	})
}

// RedactText redacts every URL in s, such as an error message that quotes
// the URL it failed on.
func RedactText(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlInText.ReplaceAllStringFunc(s, func(u string) string {
		// Punctuation ending a sentence or an error prefix is not the URL's.
		trimmed := strings.TrimRight(u, ".,:;!?)]}")
		return redactLoose(trimmed) + u[len(trimmed):]
	})
}
