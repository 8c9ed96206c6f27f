package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/internal/logbuf"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

const oneItemFeed = `<?xml version="1.0"?><rss version="2.0"><channel><title>Acme</title>
<item><title>Acme opens a new plant in Rennes</title><link>https://acme.example/news/1</link><guid>n1</guid><pubDate>Mon, 23 Nov 2026 08:00:00 GMT</pubDate></item>
</channel></rss>`

// testDaemon is a `veille run` started by a test on a one-feed config.
type testDaemon struct {
	dir, cfg, store, listen, base string
	logs                          *logbuf.Buffer
	cancel                        context.CancelFunc
	done                          chan error
}

// startDaemon runs the daemon on a fresh folder with listen on a free
// loopback port; prepare may fill the store before it starts.
func startDaemon(t *testing.T, e env, prepare func(storePath string)) *testDaemon {
	t.Helper()
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, oneItemFeed)
	}))
	t.Cleanup(feed.Close)
	d := &testDaemon{dir: t.TempDir(), listen: freeAddr(t), logs: &logbuf.Buffer{}, done: make(chan error, 1)}
	d.base = "http://" + d.listen
	d.store = filepath.Join(d.dir, "state", "veille.db")
	d.cfg = filepath.Join(d.dir, "veille.yaml")
	os.MkdirAll(filepath.Dir(d.store), 0o700)
	if prepare != nil {
		prepare(d.store)
	}
	os.WriteFile(d.cfg, []byte(`store: `+d.store+`
listen: `+d.listen+`
fetch: {per_host_interval: 0s, allow_private: [127.0.0.1]}
smtp: {host: 127.0.0.1, port: 2525, tls: none, from: veille@example.com}
reps: [{id: alice, name: Alice, email: alice@example.com}]
watchlists: [{id: wl, owner: alice, prospects: [{name: Acme, feeds: ["`+feed.URL+`/feed"]}]}]
`), 0o600)
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	t.Cleanup(cancel)
	e.stdout, e.stderr = io.Discard, d.logs
	go func() { d.done <- cmdRun(ctx, &e, []string{"-c", d.cfg, "--log-format", "json"}) }()
	eventually(t, 60*time.Second, "the first cycle (/healthz 200)", func() bool {
		code, _ := get(d.base + "/healthz")
		return code == http.StatusOK
	})
	return d
}

// stop cancels the daemon and waits for it to return: wait only tells a
// daemon that hangs from a slow one.
func (d *testDaemon) stop(t *testing.T, wait time.Duration) {
	t.Helper()
	d.cancel()
	select {
	case err := <-d.done:
		if err != nil {
			t.Fatalf("stop: %v", err)
		}
	case <-time.After(wait):
		t.Fatalf("the daemon did not stop within %s; logs:\n%s", wait, d.logs.String())
	}
}

func status(t *testing.T, method, url string, headers map[string]string) int {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for k, v := range headers {
		if k == "Host" {
			req.Host = v
		} else {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestDaemonAdminAPISecurity: the daemon makes a private token on its
// first start, the API refuses whoever lacks it (or comes from a web page,
// or under a rebinding name), the CLI finds it beside the store, and a
// backup through the daemon cannot overwrite the live store.
func TestDaemonAdminAPISecurity(t *testing.T) {
	t.Parallel()
	d := startDaemon(t, env{}, nil)
	tokenFile := filepath.Join(filepath.Dir(d.store), "admin.token")
	st, err := os.Stat(tokenFile)
	if err != nil {
		t.Fatalf("no token file beside the store: %v", err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v, want 0600", st.Mode().Perm())
	}
	raw, _ := os.ReadFile(tokenFile)
	token := strings.TrimSpace(string(raw))
	if !regexp.MustCompile(`^[0-9a-f]{64}$`).MatchString(token) {
		t.Fatalf("token %q: want 64 hex digits", token)
	}
	auth := map[string]string{"Authorization": "Bearer " + token}

	for _, tc := range []struct {
		name, path string
		headers    map[string]string
		want       int
	}{
		{"leads without token", "/api/leads", nil, http.StatusUnauthorized},
		{"backup without token", "/api/backup", nil, http.StatusUnauthorized},
		{"leads with token", "/api/leads", auth, http.StatusOK},
		{"web page", "/api/leads", map[string]string{"Authorization": auth["Authorization"], "Origin": "http://evil.example"}, http.StatusForbidden},
		{"DNS rebinding", "/api/leads", map[string]string{"Authorization": auth["Authorization"], "Host": "evil.example"}, http.StatusForbidden},
		{"healthz open", "/healthz", nil, http.StatusOK},
		{"metrics open on loopback", "/metrics", nil, http.StatusOK},
	} {
		if got := status(t, "GET", d.base+tc.path, tc.headers); got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	if _, stderr, err := runBeside(t, "leads", "-c", d.cfg, "--format", "json"); err != nil {
		t.Fatalf("leads through the daemon with the token file: %v\n%s", err, stderr)
	}

	// The live store, named directly or through a symlink, is refused.
	link := filepath.Join(d.dir, "link.db")
	os.Symlink(d.store, link)
	for _, out := range []string{d.store, link} {
		if _, _, err := runBeside(t, "store", "backup", "-c", d.cfg, "--out", out); !errors.Is(err, store.ErrBackupOntoStore) {
			t.Errorf("store backup --out %s beside the daemon: %v, want ErrBackupOntoStore", out, err)
		}
	}
	if _, _, err := runBeside(t, "store", "backup", "-c", d.cfg, "--out", filepath.Join(d.dir, "copy.db")); err != nil {
		t.Errorf("store backup beside the daemon: %v", err)
	}

	// Another token (a rotated file, another user's) is refused by name.
	os.WriteFile(tokenFile, []byte(strings.Repeat("0", 64)+"\n"), 0o600)
	if _, _, err := runBeside(t, "leads", "-c", d.cfg); err == nil || !strings.Contains(err.Error(), "admin_token_file") {
		t.Errorf("leads with a wrong token: %v, want an error naming admin_token_file", err)
	}
	os.Remove(tokenFile)
	if _, _, err := runBeside(t, "leads", "-c", d.cfg); err == nil || !strings.Contains(err.Error(), "admin token") {
		t.Errorf("leads without the token file: %v, want an error about the admin token", err)
	}

	d.stop(t, 30*time.Second)
	if strings.Contains(d.logs.String(), token) {
		t.Error("the daemon's logs hold the admin token")
	}
	if !strings.Contains(d.logs.String(), tokenFile) {
		t.Errorf("the logs do not say where the token was written:\n%s", d.logs.String())
	}
}

// TestCheckWarnsOnOpenListen: a listen beyond loopback gets a warning that
// asks for TLS in front; the exit status stays 0.
func TestCheckWarnsOnOpenListen(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		listen string
		warn   bool
	}{
		{"127.0.0.1:9471", false},
		{"localhost:9471", false},
		{"0.0.0.0:9471", true},
		{"\":9471\"", true},
		{"192.0.2.10:9471", true},
	} {
		dir := t.TempDir()
		cfg := filepath.Join(dir, "veille.yaml")
		os.WriteFile(cfg, []byte("listen: "+tc.listen+"\nsmtp: {host: 127.0.0.1, tls: none, from: veille@example.com}\nreps: [{id: a, name: A, email: a@example.com}]\nwatchlists: [{id: wl, owner: a, prospects: [{name: Acme}]}]\n"), 0o600)
		out, stderr, err := runCmd(t, "check", "-c", cfg)
		if err != nil {
			t.Fatalf("check with listen %s: %v\n%s", tc.listen, err, stderr)
		}
		if got := strings.Contains(out, "put TLS in front (reverse proxy"); got != tc.warn {
			t.Errorf("listen %s: warning %v, want %v\n%s", tc.listen, got, tc.warn, out)
		}
		if !strings.Contains(out, filepath.Join(dir, "admin.token")) {
			t.Errorf("check does not say where the admin token is:\n%s", out)
		}
	}
}

// TestStopWinsOverStalledBackup: a client that requested a backup of a
// 48 MiB store (more than the socket buffers hold) and stopped reading
// neither blocks the store nor the stop: once the stop timeout has passed
// the daemon closes the connection, returns and closes the store. Left to
// itself the backup would wait for its write deadline, minutes away.
func TestStopWinsOverStalledBackup(t *testing.T) {
	t.Parallel()
	d := startDaemon(t, env{stopTimeout: 100 * time.Millisecond}, func(path string) {
		s, err := store.Open(path, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		// Eight items a transaction: one transaction of all 48 copies
		// them again each time the file's map grows.
		title := strings.Repeat("x", 1<<20)
		for first := 0; first < 48; first += 8 {
			err = s.Update(func(tx *store.Tx) error {
				for i := first; i < first+8; i++ {
					if err := tx.PutItem(signals.Item{SourceID: "big", GUID: fmt.Sprint(i), Title: title}, time.Now()); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	})
	raw, err := os.ReadFile(filepath.Join(filepath.Dir(d.store), "admin.token"))
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", d.listen)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "GET /api/backup HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n", d.listen, strings.TrimSpace(string(raw)))
	conn.SetReadDeadline(time.Now().Add(60 * time.Second))
	r := bufio.NewReaderSize(conn, 4096)
	var head bytes.Buffer
	for !bytes.HasSuffix(head.Bytes(), []byte("\r\n\r\n")) {
		b, err := r.ReadByte()
		if err != nil {
			t.Fatalf("backup reply headers: %v (%q)", err, head.String())
		}
		head.WriteByte(b)
	}
	// The client reads no further.
	d.stop(t, 60*time.Second)
	if !strings.Contains(d.logs.String(), "closing their connections") {
		t.Errorf("the daemon stopped without closing the stalled backup's connection:\n%s", d.logs.String())
	}
	// The store is closed: a command opens it directly.
	if _, stderr, err := runCmd(t, "sources", "-c", d.cfg); err != nil {
		t.Errorf("the store after the stop: %v\n%s", err, stderr)
	}
}
