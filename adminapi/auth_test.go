package adminapi

import (
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/daemon"
	"github.com/veille-hq/veille/query"
)

// request sends method url with headers (Host sets the Host header) and
// returns the status.
func request(t *testing.T, method, url string, headers map[string]string) int {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

var healthy = daemon.Health{Status: "ok", LastCycle: t0}

var bearer = map[string]string{"Authorization": "Bearer " + testToken}

// TestAPIRequiresToken: every /api/* route answers 401 without the exact
// bearer token; /healthz stays open.
func TestAPIRequiresToken(t *testing.T) {
	c := serve(t, &fakeBackend{health: healthy})
	routes := []struct{ method, path string }{
		{"GET", "/api/leads"}, {"GET", "/api/signals"}, {"GET", "/api/sources"}, {"GET", "/api/outbox"},
		{"POST", "/api/outbox/retry?id=7"}, {"POST", "/api/outbox/drop?id=7"}, {"GET", "/api/digests"},
		{"GET", "/api/backup"}, {"GET", "/api/nothing-here"},
	}
	for _, r := range routes {
		for _, tc := range []struct {
			name string
			auth string
			want int
		}{
			{"no header", "", http.StatusUnauthorized},
			{"wrong token", "Bearer " + strings.Repeat("0", len(testToken)), http.StatusUnauthorized},
			{"token prefix", "Bearer " + testToken[:8], http.StatusUnauthorized},
			{"basic scheme", "Basic " + testToken, http.StatusUnauthorized},
			{"empty bearer", "Bearer ", http.StatusUnauthorized},
		} {
			h := map[string]string{}
			if tc.auth != "" {
				h["Authorization"] = tc.auth
			}
			if got := request(t, r.method, c.base+r.path, h); got != tc.want {
				t.Errorf("%s %s with %s: %d, want %d", r.method, r.path, tc.name, got, tc.want)
			}
		}
		if got := request(t, r.method, c.base+r.path, bearer); got == http.StatusUnauthorized || got == http.StatusForbidden {
			t.Errorf("%s %s with the token: %d", r.method, r.path, got)
		}
	}
	if got := request(t, "GET", c.base+"/healthz", nil); got != http.StatusOK {
		t.Errorf("/healthz without a token: %d, want 200", got)
	}
}

// TestEmptyTokenRefusesAll: a server started without a token fails closed.
func TestEmptyTokenRefusesAll(t *testing.T) {
	c := serve(t, &fakeBackend{}, func(o *Options) { o.Token = "" })
	for _, h := range []map[string]string{nil, {"Authorization": "Bearer "}, {"Authorization": "Bearer  "}} {
		if got := request(t, "GET", c.base+"/api/leads", h); got != http.StatusUnauthorized {
			t.Errorf("/api/leads with %v and no server token: %d, want 401", h, got)
		}
	}
}

// TestAPIRefusesWebPages: a page in a local browser cannot use the API,
// even with the token (a leaked one, or a future cookie).
func TestAPIRefusesWebPages(t *testing.T) {
	c := serve(t, &fakeBackend{})
	for _, tc := range []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"origin", map[string]string{"Origin": "https://evil.example"}, http.StatusForbidden},
		{"null origin", map[string]string{"Origin": "null"}, http.StatusForbidden},
		{"cross-site", map[string]string{"Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"same-site (another local port)", map[string]string{"Sec-Fetch-Site": "same-site"}, http.StatusForbidden},
		{"typed in the address bar", map[string]string{"Sec-Fetch-Site": "none"}, http.StatusOK},
		{"CLI", nil, http.StatusOK},
	} {
		h := map[string]string{"Authorization": bearer["Authorization"]}
		for k, v := range tc.headers {
			h[k] = v
		}
		if got := request(t, "GET", c.base+"/api/leads", h); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
}

// TestLoopbackRefusesUnknownHost: on loopback, a Host other than a loopback
// name or the listen host is a DNS rebinding attempt.
func TestLoopbackRefusesUnknownHost(t *testing.T) {
	port := func(c *Client) string { return c.base[strings.LastIndex(c.base, ":"):] }
	loop := serve(t, &fakeBackend{health: healthy}, func(o *Options) { o.Listen = "127.0.0.2:9471" })
	for _, tc := range []struct {
		host string
		want int
	}{
		{"evil.example" + port(loop), http.StatusForbidden},
		{"evil.example", http.StatusForbidden},
		{"127.0.0.1.nip.io" + port(loop), http.StatusForbidden},
		{"localhost" + port(loop), http.StatusOK},
		{"LOCALHOST", http.StatusOK},
		{"127.0.0.1" + port(loop), http.StatusOK},
		{"[::1]" + port(loop), http.StatusOK},
		{"127.0.0.2" + port(loop), http.StatusOK},
	} {
		for _, path := range []string{"/api/leads", "/healthz", "/metrics"} {
			h := map[string]string{"Host": tc.host, "Authorization": bearer["Authorization"]}
			if got := request(t, "GET", loop.base+path, h); got != tc.want {
				t.Errorf("loopback, Host %s, %s: %d, want %d", tc.host, path, got, tc.want)
			}
		}
	}
	// Beyond loopback the name is whatever the proxy or DNS says.
	open := serve(t, &fakeBackend{}, func(o *Options) { o.Listen = "0.0.0.0:9471" })
	h := map[string]string{"Host": "veille.internal.example", "Authorization": bearer["Authorization"]}
	if got := request(t, "GET", open.base+"/api/leads", h); got != http.StatusOK {
		t.Errorf("listen 0.0.0.0, Host veille.internal.example: %d, want 200", got)
	}
}

// TestMetricsAuth: metrics_auth open, token or off.
func TestMetricsAuth(t *testing.T) {
	for _, tc := range []struct {
		auth             string
		without, withTok int
	}{
		{config.MetricsOpen, http.StatusOK, http.StatusOK},
		{"", http.StatusOK, http.StatusOK},
		{config.MetricsToken, http.StatusUnauthorized, http.StatusOK},
		{config.MetricsOff, http.StatusNotFound, http.StatusNotFound},
	} {
		c := serve(t, &fakeBackend{}, func(o *Options) { o.MetricsAuth = tc.auth })
		if got := request(t, "GET", c.base+"/metrics", nil); got != tc.without {
			t.Errorf("metrics_auth %q, no token: %d, want %d", tc.auth, got, tc.without)
		}
		if got := request(t, "GET", c.base+"/metrics", bearer); got != tc.withTok {
			t.Errorf("metrics_auth %q, token: %d, want %d", tc.auth, got, tc.withTok)
		}
	}
}

// TestClientTokenMismatch: a client with another token gets a message
// that names the token file, not a bare 401.
func TestClientTokenMismatch(t *testing.T) {
	c := serve(t, &fakeBackend{})
	c.token = "not-the-daemons"
	if _, err := c.Leads(t.Context(), query.LeadFilter{}); err == nil || !strings.Contains(err.Error(), "admin_token_file") {
		t.Errorf("Leads with a wrong token: %v, want an error naming admin_token_file", err)
	}
}

func TestEnsureToken(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "state", "admin.token")
	tok, created, err := EnsureToken(p)
	if err != nil || !created {
		t.Fatalf("EnsureToken: %q, created %v, %v", tok, created, err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(tok) {
		t.Errorf("token %q: want 64 hex digits (256 random bits)", tok)
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, %v; want 0600", st.Mode(), err)
	}
	again, created, err := EnsureToken(p)
	if err != nil || created || again != tok {
		t.Errorf("second EnsureToken: %q, created %v, %v; want the same token", again, created, err)
	}
	if read, err := ReadToken(p); err != nil || read != tok {
		t.Errorf("ReadToken: %q, %v", read, err)
	}
	other, _, _ := EnsureToken(filepath.Join(dir, "other.token"))
	if other == tok {
		t.Error("two token files hold the same token")
	}

	// A symlink planted where the token goes is never written through.
	target := filepath.Join(dir, "planted-target")
	planted := filepath.Join(dir, "planted.token")
	if err := os.Symlink(target, planted); err != nil {
		t.Fatal(err)
	}
	if _, _, err := EnsureToken(planted); err == nil {
		t.Error("EnsureToken through a dangling symlink succeeded")
	}
	if _, err := os.Stat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the symlink's target was created: %v", err)
	}

	empty := filepath.Join(dir, "empty.token")
	os.WriteFile(empty, []byte("\n"), 0o600)
	if _, err := ReadToken(empty); err == nil {
		t.Error("ReadToken accepted an empty file")
	}
}
