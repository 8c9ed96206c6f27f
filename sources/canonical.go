package sources

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/veille-hq/veille/signals"
)

// trackingParams are query parameters that only track the reader; they are
// dropped so the same article reached from a newsletter and from a feed has
// one canonical URL.
var trackingParams = map[string]bool{"fbclid": true, "gclid": true, "mc_cid": true, "mc_eid": true}

// Canonical returns the canonical form of an absolute http or https URL:
// scheme and host lowercased, default port and fragment dropped, tracking
// parameters (utm_*, fbclid, gclid, mc_cid, mc_eid) removed and the query
// sorted by key, keeping the order of repeated keys.
func Canonical(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("canonical %q: %s", signals.RedactURL(raw), signals.RedactText(err.Error()))
	}
	return canonicalURL(u)
}

func canonicalURL(in *url.URL) (string, error) {
	u := *in
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("canonical %q: scheme must be http or https", signals.RedactURL(in.String()))
	}
	if u.Hostname() == "" {
		return "", fmt.Errorf("canonical %q: no host", signals.RedactURL(in.String()))
	}
	u.Host = strings.ToLower(u.Host)
	if port := u.Port(); (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		u.Host = strings.TrimSuffix(u.Host, ":"+port)
	}
	u.Host = strings.TrimSuffix(u.Host, ":")
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	}
	u.RawQuery = canonicalQuery(u.RawQuery)
	u.ForceQuery = false
	return u.String(), nil
}

// canonicalQuery drops tracking parameters and sorts the rest by key. It
// works on the raw pairs so encodings the site chose survive.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type pair struct{ key, raw string }
	var kept []pair
	for _, p := range strings.Split(raw, "&") {
		if p == "" {
			continue
		}
		k, _, _ := strings.Cut(p, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		lk := strings.ToLower(key)
		if strings.HasPrefix(lk, "utm_") || trackingParams[lk] {
			continue
		}
		kept = append(kept, pair{key, p})
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].key < kept[j].key })
	parts := make([]string, len(kept))
	for i, p := range kept {
		parts[i] = p.raw
	}
	return strings.Join(parts, "&")
}

// resolveLink resolves a link found in content against base and returns its
// canonical form, or "" when it is empty or not a web URL.
func resolveLink(base *url.URL, link string) string {
	link = strings.TrimSpace(link)
	if isCanonicalAbsolute(link) {
		return link // most feeds' links: parsing and printing it gives it back
	}
	return resolveParsed(base, link)
}

// resolveParsed is resolveLink for any link: parsed, resolved and printed
// in canonical form.
func resolveParsed(base *url.URL, link string) string {
	if link == "" {
		return ""
	}
	ref, err := url.Parse(link)
	if err != nil {
		return ""
	}
	abs := ref
	if base != nil {
		abs = base.ResolveReference(ref)
	}
	c, err := canonicalURL(abs)
	if err != nil {
		return ""
	}
	return c
}

// isCanonicalAbsolute reports whether link is an http or https URL that
// its canonical form leaves as it is: a lower-case host of letters, digits,
// dots and dashes, no port or one that is not the scheme's default, a path
// of unreserved characters with no dot segment, and no user, query or
// fragment.
func isCanonicalAbsolute(link string) bool {
	rest, https := strings.CutPrefix(link, "https://")
	if !https {
		var ok bool
		if rest, ok = strings.CutPrefix(link, "http://"); !ok {
			return false
		}
	}
	slash := strings.IndexByte(rest, '/')
	if slash <= 0 {
		return false
	}
	host, path := rest[:slash], rest[slash:]
	name, port, hasPort := strings.Cut(host, ":")
	if name == "" || strings.Trim(name, "abcdefghijklmnopqrstuvwxyz0123456789.-") != "" {
		return false
	}
	if hasPort && (port == "" || strings.Trim(port, "0123456789") != "" || port == "80" && !https || port == "443" && https) {
		return false
	}
	if strings.Contains(path, "/.") {
		return false
	}
	for i := 0; i < len(path); i++ {
		if !unreservedPath[path[i]] {
			return false
		}
	}
	return true
}

// unreservedPath holds the bytes a URL's path prints as they are: RFC
// 3986's unreserved characters and the slash.
var unreservedPath = func() (t [256]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~/", byte(c)) >= 0
	}
	return t
}()
