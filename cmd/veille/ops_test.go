package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestVersionCommand is not parallel: it sets the package's version, which
// every command that opens a store reads.
func TestVersionCommand(t *testing.T) {
	t.Run("linker version wins", func(t *testing.T) {
		old := version
		version = "v1.4.0"
		t.Cleanup(func() { version = old })
		out, _, err := runCmd(t, "version")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(out, "veille v1.4.0\n") {
			t.Errorf("version output %q, want it to start with %q", out, "veille v1.4.0")
		}
	})
	t.Run("build info", func(t *testing.T) {
		out, _, err := runCmd(t, "version")
		if err != nil {
			t.Fatal(err)
		}
		// A test binary is a devel build of this module.
		for _, want := range []string{"veille devel", "  go:     go1.", "  module: github.com/veille-hq/veille\n"} {
			if !strings.Contains(out, want) {
				t.Errorf("version output lacks %q:\n%s", want, out)
			}
		}
	})
	t.Run("no arguments", func(t *testing.T) {
		_, _, err := runCmd(t, "version", "extra")
		if code := exitCode(err, io.Discard); code != exitUsage {
			t.Errorf("version extra: exit %d, want %d", code, exitUsage)
		}
	})
}

// TestVersionVCS builds the real binary: only `go build` stamps the VCS
// revision that `veille version` must report.
func TestVersionVCS(t *testing.T) {
	t.Parallel()
	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("no git checkout to stamp a revision from: %v", err)
	}
	rev := strings.TrimSpace(string(head))
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(filepath.Join(strings.TrimSpace(string(top)), ".git")); err != nil || !st.IsDir() {
		t.Skip("a git worktree (.git is a file): go build stamps no VCS info there; a clone gets it")
	}
	bin := filepath.Join(t.TempDir(), "veille")
	// -buildvcs=true overrides a GOFLAGS=-buildvcs=false in the environment,
	// and fails the build rather than silently dropping the stamp.
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		t.Fatalf("veille version: %v", err)
	}
	// Since Go 1.24 a VCS build's module version is a pseudo-version
	// naming the commit (v0.0.0-DATE-REV12, +dirty when modified).
	first := regexp.MustCompile(`^veille (v0\.0\.0-\d{14}-` + rev[:12] + `(\+dirty)?|devel-` + rev[:12] + `)\n`)
	if !first.Match(out) {
		t.Errorf("veille version does not name commit %s on its first line:\n%s", rev[:12], out)
	}
	for _, want := range []string{
		"  vcs.revision: " + rev + "\n",
		"  module: github.com/veille-hq/veille\n",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("veille version lacks %q:\n%s", want, out)
		}
	}
	if !regexp.MustCompile(`(?m)^  vcs\.time: \d{4}-\d\d-\d\dT`).Match(out) || !regexp.MustCompile(`(?m)^  vcs\.modified: (true|false)$`).Match(out) {
		t.Errorf("veille version lacks vcs.time or vcs.modified:\n%s", out)
	}
}

// healthConfig writes a config whose listen is addr.
func healthConfig(t *testing.T, addr string) string {
	t.Helper()
	dir := t.TempDir()
	p := filepath.Join(dir, "veille.yaml")
	body := fmt.Sprintf("store: %s\nlisten: %q\n", filepath.Join(dir, "veille.db"), addr)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestHealthCommand stands an httptest server in for the daemon on the
// config's listen address.
func TestHealthCommand(t *testing.T) {
	t.Parallel()
	var hits int
	daemon := func(code int, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet || r.URL.Path != "/healthz" {
				http.NotFound(w, r)
				return
			}
			hits++
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(code)
			io.WriteString(w, body)
		}))
		t.Cleanup(srv.Close)
		return srv.Listener.Addr().String()
	}
	refused := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close() // nothing listens there any more: connection refused
		return addr
	}

	type healthCase struct {
		name     string
		listen   string
		wantCode int
		wantOut  string // on stdout: the daemon's report, for the operator
		wantErr  string
	}
	tests := []healthCase{
		{"ok", daemon(200, `{"status":"ok"}`+"\n"), exitOK, `{"status":"ok"}`, ""},
		{"starting", daemon(503, `{"status":"starting","reason":"no poll cycle has completed yet"}`+"\n"), exitError, `"status":"starting"`, "503"},
		{"late", daemon(503, `{"status":"late"}`+"\n"), exitError, `"status":"late"`, "503 Service Unavailable"},
		{"server error", daemon(500, "boom"), exitError, "boom", "500"},
		{"connection refused", refused(), exitError, "", "is 'veille run' running?"},
		{"listen disabled", "", exitError, "", "listen is empty"},
	}
	if runtime.GOOS == "linux" {
		// A container listens on 0.0.0.0 so the port can be published; the
		// HEALTHCHECK probe then dials 0.0.0.0, which Linux routes to loopback.
		_, port, _ := net.SplitHostPort(daemon(200, `{"status":"ok"}`))
		tests = append(tests, healthCase{"unspecified address", "0.0.0.0:" + port, exitOK, `{"status":"ok"}`, ""})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := healthConfig(t, tt.listen)
			out, _, err := runCmd(t, "health", "-c", cfg)
			var stderr bytes.Buffer
			if code := exitCode(err, &stderr); code != tt.wantCode {
				t.Fatalf("exit %d, want %d (err %v)", code, tt.wantCode, err)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("stdout %q, want %q in it", out, tt.wantOut)
			}
			if tt.wantErr != "" && !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr %q, want %q in it", stderr.String(), tt.wantErr)
			}
		})
	}
	if want := len(tests) - 2; hits != want {
		t.Errorf("the stand-in daemons answered %d probes, want %d", hits, want)
	}
}

func TestHealthCommandErrors(t *testing.T) {
	t.Parallel()
	t.Run("missing config", func(t *testing.T) {
		_, _, err := runCmd(t, "health", "-c", filepath.Join(t.TempDir(), "none.yaml"))
		if code := exitCode(err, io.Discard); code != exitError {
			t.Errorf("exit %d, want %d", code, exitError)
		}
	})
	t.Run("wrong command line", func(t *testing.T) {
		_, _, err := runCmd(t, "health", "-c", "x.yaml", "now")
		if code := exitCode(err, io.Discard); code != exitUsage {
			t.Errorf("exit %d, want %d", code, exitUsage)
		}
	})
	// A daemon that accepts but never answers must not hang the probe (a
	// container HEALTHCHECK would pile up): the probe honours its context.
	t.Run("hung daemon", func(t *testing.T) {
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-release:
			}
		}))
		defer srv.Close()
		defer close(release)
		cfg := healthConfig(t, srv.Listener.Addr().String())
		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		start := time.Now()
		err := run(ctx, []string{"health", "-c", cfg}, strings.NewReader(""), io.Discard, io.Discard)
		if !errors.Is(err, context.DeadlineExceeded) || exitCode(err, io.Discard) != exitError {
			t.Errorf("err %v, want a deadline error (exit 1)", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("probe took %s against a hung daemon", d)
		}
	})
}
