package adminapi

import (
	"crypto/subtle"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"

	"github.com/veille-hq/veille/internal/secretfile"
)

// requireToken serves next only to requests carrying "Authorization:
// Bearer TOKEN", compared in constant time; an empty token refuses all.
func requireToken(token string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) != 1 {
			rw.Header().Set("WWW-Authenticate", `Bearer realm="veille"`)
			http.Error(rw, "admin API: missing or wrong bearer token (see admin_token_file)", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(rw, r)
	})
}

// sameSiteOnly refuses requests a web page made: browsers add Origin to
// cross-origin fetches and Sec-Fetch-Site to every request, and the CLI
// sends neither.
func sameSiteOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		site := r.Header.Get("Sec-Fetch-Site")
		if r.Header.Get("Origin") != "" || (site != "" && site != "none" && site != "same-origin") {
			http.Error(rw, "admin API: requests from web pages are refused", http.StatusForbidden)
			return
		}
		next.ServeHTTP(rw, r)
	})
}

// knownHostOnly refuses requests whose Host is not a loopback name or the
// listen host: a DNS rebinding page reaches 127.0.0.1 under its own name.
func knownHostOnly(listenHost string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		h := r.Host
		if hh, _, err := net.SplitHostPort(h); err == nil {
			h = hh
		}
		h = strings.Trim(h, "[]")
		switch {
		case strings.EqualFold(h, "localhost"), h == "127.0.0.1", h == "::1", strings.EqualFold(h, listenHost):
			next.ServeHTTP(rw, r)
		default:
			http.Error(rw, "unknown Host: this server answers to localhost and its listen address only", http.StatusForbidden)
		}
	})
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ReadToken returns the admin token stored in path.
func ReadToken(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("admin token: %w (the daemon writes it at its first start; run the command as the daemon's user)", err)
	}
	tok := strings.TrimSpace(string(b))
	if tok == "" {
		return "", fmt.Errorf("admin token %s is empty: delete it and restart the daemon to make a new one", path)
	}
	return tok, nil
}

// EnsureToken returns the admin token in path, first creating the file
// with a new random token (256 bits from crypto/rand) when there is none:
// O_EXCL, so a file or symlink planted there is never written through,
// and mode 0600. created says whether this call made it.
func EnsureToken(path string) (token string, created bool, err error) {
	return secretfile.Ensure(path, "admin token", ReadToken)
}
