//go:build unix

package deploy

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/veille-hq/veille/internal/logbuf"
	"github.com/veille-hq/veille/internal/testbin"
)

// daemonConfig writes a config with no sources (so a poll cycle classifies
// nothing and ends at once) listening on a free loopback port.
func daemonConfig(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "veille.yaml")
	body := fmt.Sprintf("store: %s\nlisten: %s\n", filepath.Join(dir, "veille.db"), addr)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfg
}

// withConfig swaps the deploy files' config path for the test's.
func withConfig(args []string, cfg string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, etcConfig, cfg)
	}
	return out
}

// waitHealthy runs the health probe until it exits 0.
func waitHealthy(t *testing.T, bin string, probe []string, logs *logbuf.Buffer) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		out, err := exec.Command(bin, probe...).CombinedOutput()
		if err == nil {
			return
		}
		var ee *exec.ExitError
		if errors.As(err, &ee) && ee.ExitCode() == exitUsage {
			t.Fatalf("probe %q: a wrong command line (exit %d): %s", probe, exitUsage, out)
		}
		if time.Now().After(deadline) {
			t.Fatalf("probe %q still failing after 30 s: %v\n%s\ndaemon log:\n%s", probe, err, out, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop sends SIGTERM and requires a clean exit within stopGrace.
func stop(t *testing.T, cmd *exec.Cmd, logs *logbuf.Buffer) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("after SIGTERM: %v, want exit 0\n%s", err, logs.String())
		}
	case <-time.After(stopGrace):
		cmd.Process.Kill()
		<-done
		t.Fatalf("still running %s after SIGTERM\n%s", stopGrace, logs.String())
	}
}

// TestUnitLifecycle runs the unit's ExecStart as systemd would, reloads it
// the way ExecReload does and stops it the way systemctl stop does.
func TestUnitLifecycle(t *testing.T) {
	_, u := readUnit(t)
	bin := testbin.Veille(t)
	cfg := daemonConfig(t)
	var logs logbuf.Buffer
	cmd := exec.Command(bin, withConfig(u.execStartArgs(t), cfg)...)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitHealthy(t, bin, []string{"health", "-c", cfg}, &logs)

	if !strings.Contains(u.last("ExecReload"), "-HUP") {
		t.Fatalf("ExecReload=%q does not send SIGHUP", u.last("ExecReload"))
	}
	if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "config reloaded") {
		if time.Now().After(deadline) {
			t.Fatalf("no reload 10 s after SIGHUP:\n%s", logs.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	stop(t, cmd, &logs)
}

// TestContainerLifecycle runs the image's ENTRYPOINT+CMD and HEALTHCHECK
// commands on a binary linked as the Dockerfile links it: the probe must
// pass against the daemon, logs must be JSON, SIGTERM must stop it cleanly.
func TestContainerLifecycle(t *testing.T) {
	_, ins := readDockerfile(t)
	run, health := containerCommands(t, ins)
	bin := testbin.Veille(t)

	out, err := exec.Command(bin, "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "veille "+testbin.Version+"\n") {
		t.Errorf("version of a -X main.version build: %v %q, want it to start with %q", err, out, "veille "+testbin.Version)
	}

	cfg := daemonConfig(t)
	var stdout, stderr logbuf.Buffer
	cmd := exec.Command(bin, withConfig(run[1:], cfg)...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitHealthy(t, bin, withConfig(health[1:], cfg), &stderr)
	stop(t, cmd, &stderr)

	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if len(lines) < 2 {
		t.Fatalf("daemon logged %d lines, want start and stop:\n%s", len(lines), stderr.String())
	}
	for _, l := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(l), &rec); err != nil || rec["msg"] == nil || rec["level"] == nil {
			t.Errorf("log line is not a JSON record with level and msg: %q", l)
		}
	}
}

// exitUsage is veille's exit code for a wrong command line (EX_USAGE).
const exitUsage = 64

// restarts says whether systemd restarts the unit after its main process
// exits with code: Restart=on-failure (or always) restarts on any non-zero
// code, except those RestartPreventExitStatus lists.
func (u unitFile) restarts(t *testing.T, code int) bool {
	t.Helper()
	if r := u.last("Restart"); r != "on-failure" && r != "always" {
		return false
	}
	for _, v := range u["RestartPreventExitStatus"] {
		for _, f := range strings.Fields(v) {
			if f == strconv.Itoa(code) {
				return false
			}
		}
	}
	return code != 0
}

// TestUnitRestartsAfterCrash runs the real binary into the exits systemd
// must tell apart: a wrong command line is final, while a Go runtime crash
// (SIGQUIT makes the runtime dump its goroutines and exit 2, as a fatal
// error does) and an invalid config are restarted.
func TestUnitRestartsAfterCrash(t *testing.T) {
	_, u := readUnit(t)
	bin := testbin.Veille(t)
	exitOf := func(err error) int {
		var ee *exec.ExitError
		if err == nil {
			return 0
		}
		if !errors.As(err, &ee) {
			t.Fatal(err)
		}
		return ee.ExitCode()
	}

	if code := exitOf(exec.Command(bin, "run", "--no-such-flag").Run()); code != exitUsage || u.restarts(t, code) {
		t.Errorf("wrong command line: exit %d, restarted %v; want %d, not restarted", code, u.restarts(t, code), exitUsage)
	}

	cfg := daemonConfig(t)
	var logs logbuf.Buffer
	cmd := exec.Command(bin, withConfig(u.execStartArgs(t), cfg)...)
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitHealthy(t, bin, []string{"health", "-c", cfg}, &logs)
	if err := cmd.Process.Signal(syscall.SIGQUIT); err != nil {
		t.Fatal(err)
	}
	if code := exitOf(cmd.Wait()); code != 2 || !u.restarts(t, code) {
		t.Errorf("runtime crash: exit %d, restarted %v; want 2, restarted\n%s", code, u.restarts(t, code), logs.String())
	}

	for _, code := range []int{1, 70} {
		if !u.restarts(t, code) {
			t.Errorf("exit %d (failure, recovered panic) is not restarted", code)
		}
	}
}
