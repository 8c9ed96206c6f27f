// Package deploy holds no code: its tests check that the systemd unit and
// the container file beside them fit the binary they run.
package deploy

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/daemon"
	"github.com/veille-hq/veille/internal/testbin"
)

// stopGrace is the longest a SIGTERM'd veille may take: the HTTP listener's
// 5 s shutdown, then daemon.DefaultStopTimeout for in-flight work. The unit's and
// the container's stop timeouts must exceed it, or the service manager
// SIGKILLs veille mid-cycle.
const stopGrace = 5*time.Second + daemon.DefaultStopTimeout

// maxExposure is the `systemd-analyze security` score the unit must stay
// under: 1.1 when written, the rest being the network access veille needs.
const maxExposure = 2.0

// The config path the deploy files use; tests swap in a temp config.
const etcConfig = "/etc/veille/veille.yaml"

// requireTool finds a tool the test needs: absent, the test skips on a
// developer's machine but fails under CI, which must install it (.ci/run).
func requireTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s not found, and CI is set: .ci/run must install it", name)
	}
	t.Skipf("%s not found: install it to run this test (Debian: apt-get install systemd)", name)
	return ""
}

// unitFile is a systemd unit as key → values, in file order (keys such as
// SystemCallFilter may repeat).
type unitFile map[string][]string

func readUnit(t *testing.T) (string, unitFile) {
	t.Helper()
	b, err := os.ReadFile("veille.service")
	if err != nil {
		t.Fatal(err)
	}
	u := unitFile{}
	for line := range strings.Lines(string(b)) {
		line = strings.TrimSpace(line)
		if line == "" || line[0] == '#' || line[0] == ';' || line[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("veille.service: not KEY=VALUE: %q", line)
		}
		u[k] = append(u[k], v)
	}
	return string(b), u
}

func (u unitFile) last(k string) string {
	if v := u[k]; len(v) > 0 {
		return v[len(v)-1]
	}
	return ""
}

// execStartArgs is ExecStart's command line without the binary.
func (u unitFile) execStartArgs(t *testing.T) []string {
	t.Helper()
	f := strings.Fields(u.last("ExecStart"))
	if len(f) == 0 || f[0] != "/usr/local/bin/veille" {
		t.Fatalf("ExecStart=%q: want /usr/local/bin/veille ...", u.last("ExecStart"))
	}
	return f[1:]
}

func TestUnitContract(t *testing.T) {
	_, u := readUnit(t)
	if args := u.execStartArgs(t); !slices.Equal(args, []string{"run", "-c", etcConfig}) {
		t.Errorf("ExecStart args %q, want run -c %s", args, etcConfig)
	}
	if u.last("User") == "" && u.last("DynamicUser") != "yes" {
		t.Error("no User= or DynamicUser=yes: veille would run as root")
	}
	if u.last("User") == "root" {
		t.Error("User=root")
	}
	if u.last("StateDirectory") != "veille" {
		t.Errorf("StateDirectory=%q, want veille: the store lives in /var/lib/veille", u.last("StateDirectory"))
	}
	if r := u.last("ExecReload"); !strings.Contains(r, "-HUP $MAINPID") {
		t.Errorf("ExecReload=%q: veille reloads on SIGHUP to its main PID", r)
	}
	if r := u.last("Restart"); r != "on-failure" && r != "always" {
		t.Errorf("Restart=%q: want on-failure", r)
	}
	stop, err := time.ParseDuration(u.last("TimeoutStopSec"))
	if err != nil {
		t.Fatalf("TimeoutStopSec=%q: %v", u.last("TimeoutStopSec"), err)
	}
	if stop <= stopGrace {
		t.Errorf("TimeoutStopSec=%s, not above veille's %s graceful stop", stop, stopGrace)
	}
	for k, want := range map[string]string{
		"NoNewPrivileges": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
		"PrivateTmp": "yes", "CapabilityBoundingSet": "", "RestrictNamespaces": "yes",
		"MemoryDenyWriteExecute": "yes", "SystemCallArchitectures": "native",
	} {
		if got, ok := u[k]; !ok || got[len(got)-1] != want {
			t.Errorf("%s=%q, want %q", k, got, want)
		}
	}
	if !slices.Contains(u["SystemCallFilter"], "@system-service") {
		t.Errorf("SystemCallFilter=%q lacks @system-service", u["SystemCallFilter"])
	}
	fams := strings.Fields(u.last("RestrictAddressFamilies"))
	for _, need := range []string{"AF_INET", "AF_INET6"} {
		if !slices.Contains(fams, need) {
			t.Errorf("RestrictAddressFamilies=%q lacks %s: veille fetches over the network", fams, need)
		}
	}
}

var exposureRe = regexp.MustCompile(`Overall exposure level for veille\.service: ([0-9.]+)`)

// TestUnitVerifies runs systemd-analyze on a copy of the unit whose
// ExecStart is a freshly built binary (verify checks the binary exists).
func TestUnitVerifies(t *testing.T) {
	analyze := requireTool(t, "systemd-analyze")
	text, _ := readUnit(t)
	bin := testbin.Veille(t)
	re := regexp.MustCompile(`(?m)^ExecStart=/usr/local/bin/veille `)
	if n := len(re.FindAllString(text, -1)); n != 1 {
		t.Fatalf("%d ExecStart lines running /usr/local/bin/veille, want 1", n)
	}
	unit := filepath.Join(t.TempDir(), "veille.service")
	if err := os.WriteFile(unit, []byte(re.ReplaceAllLiteralString(text, "ExecStart="+bin+" ")), 0o644); err != nil {
		t.Fatal(err)
	}

	// verify exits 0 on unknown keys and bad values, which it only prints:
	// any line naming our file is a failure.
	out, err := exec.Command(analyze, "verify", unit).CombinedOutput()
	if err != nil || bytes.Contains(out, []byte(unit)) {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
	if len(out) > 0 {
		t.Logf("systemd-analyze verify (about other units):\n%s", out)
	}

	out, err = exec.Command(analyze, "security", "--offline=true", unit).CombinedOutput()
	m := exposureRe.FindSubmatch(out)
	if m == nil {
		t.Fatalf("systemd-analyze security --offline=true: %v, no exposure level in:\n%s", err, out)
	}
	score, _ := strconv.ParseFloat(string(m[1]), 64)
	t.Logf("systemd-analyze security --offline=true: exposure %.1f", score)
	if score > maxExposure {
		t.Errorf("exposure %.1f above %.1f: hardening was lost\n%s", score, maxExposure, out)
	}
}

// dockerfile is a Dockerfile's instructions, continuation lines joined.
type instruction struct{ op, args string }

func readDockerfile(t *testing.T) (string, []instruction) {
	t.Helper()
	b, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	var ins []instruction
	var cur strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if cur.Len() == 0 && (line == "" || line[0] == '#') {
			continue
		}
		if s, ok := strings.CutSuffix(line, `\`); ok {
			cur.WriteString(s + " ")
			continue
		}
		cur.WriteString(line)
		op, args, _ := strings.Cut(cur.String(), " ")
		ins = append(ins, instruction{strings.ToUpper(op), strings.TrimSpace(args)})
		cur.Reset()
	}
	return string(b), ins
}

// execForm decodes a JSON-array (exec form) argument list; the shell form
// would need a shell, which the image does not have.
func execForm(t *testing.T, op, s string) []string {
	t.Helper()
	var v []string
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%s %s: not the exec form [\"...\"]: %v", op, s, err)
	}
	return v
}

// containerCommands returns ENTRYPOINT+CMD and the HEALTHCHECK command.
func containerCommands(t *testing.T, ins []instruction) (run, health []string) {
	t.Helper()
	for _, in := range ins {
		switch in.op {
		case "ENTRYPOINT":
			run = append(execForm(t, in.op, in.args), run...)
		case "CMD":
			run = append(run, execForm(t, in.op, in.args)...)
		case "HEALTHCHECK":
			_, cmd, ok := strings.Cut(in.args, "CMD ")
			if !ok {
				t.Fatalf("HEALTHCHECK %s: no CMD", in.args)
			}
			health = execForm(t, in.op, cmd)
		}
	}
	return run, health
}

func TestDockerfileContract(t *testing.T) {
	text, ins := readDockerfile(t)
	var froms, users, volumes []string
	var runs string
	for _, in := range ins {
		switch in.op {
		case "FROM":
			froms = append(froms, in.args)
		case "USER":
			users = append(users, in.args)
		case "VOLUME":
			volumes = append(volumes, in.args)
		case "RUN":
			runs += in.args + "\n"
		}
	}
	if len(froms) < 2 {
		t.Errorf("FROM %q: want a build stage and a runtime stage", froms)
	}
	if !strings.Contains(runs, "CGO_ENABLED=0") || !strings.Contains(runs, "go build") {
		t.Error("no `CGO_ENABLED=0 go build`: the runtime image has no libc")
	}
	if len(users) == 0 {
		t.Error("no USER: the container would run as root")
	} else if u := users[len(users)-1]; u == "root" || u == "0" || strings.HasPrefix(u, "0:") {
		t.Errorf("USER %s: want a non-root user", u)
	}
	if !slices.Contains(volumes, "/var/lib/veille") {
		t.Errorf("VOLUME %q: want /var/lib/veille", volumes)
	}
	run, health := containerCommands(t, ins)
	if want := []string{"/usr/local/bin/veille", "run", "-c", etcConfig, "--log-format", "json"}; !slices.Equal(run, want) {
		t.Errorf("ENTRYPOINT+CMD %q, want %q", run, want)
	}
	if want := []string{"/usr/local/bin/veille", "health", "-c", etcConfig}; !slices.Equal(health, want) {
		t.Errorf("HEALTHCHECK CMD %q, want %q", health, want)
	}

	// Every stop timeout the docs suggest must outlast veille's graceful stop.
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`--stop-timeout[ =](\d+)|stop_grace_period: (\d+)s|TimeoutStopSec=(\d+)s`)
	found := 0
	for name, doc := range map[string]string{"Dockerfile": text, "README.md": string(readme)} {
		for _, m := range re.FindAllStringSubmatch(doc, -1) {
			found++
			n, _ := strconv.Atoi(m[1] + m[2] + m[3])
			if time.Duration(n)*time.Second <= stopGrace {
				t.Errorf("%s: %q is not above veille's %s graceful stop", name, m[0], stopGrace)
			}
		}
	}
	if found == 0 {
		t.Error("no --stop-timeout documented: Docker's default 10 s kills veille mid-cycle")
	}
}
