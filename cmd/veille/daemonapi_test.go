package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/examples/demo"
	"github.com/veille-hq/veille/internal/logbuf"
	"github.com/veille-hq/veille/notify/smtptest"
)

// TestDigestSendAndOutboxBesideTheDaemon: while the daemon holds the store,
// `digest --send` and `outbox` go through its admin API; the daemon sends
// the queued digests at once.
func TestDigestSendAndOutboxBesideTheDaemon(t *testing.T) {
	t.Parallel()
	srv, err := demo.Start(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	mail := smtptest.Start(t, "", "")
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "veille.yaml")
	listen := freeAddr(t)
	cfgText := demoConfig(t, srv.URL, filepath.Join(dir, "veille.db"))
	cfgText = strings.Replace(cfgText, `listen: ""`, "listen: "+listen, 1)
	cfgText = strings.Replace(cfgText, "port: 2525", fmt.Sprintf("port: %d", mail.Port), 1)
	if !strings.Contains(cfgText, fmt.Sprintf("port: %d", mail.Port)) {
		t.Fatal("the demo config's SMTP port is not written as port: 2525")
	}
	os.WriteFile(cfgPath, []byte(cfgText), 0o600)

	ctx, cancel := context.WithCancel(context.Background())
	var logs logbuf.Buffer
	done := make(chan error, 1)
	go func() {
		e := &env{stdout: io.Discard, stderr: &logs, configPoll: time.Hour}
		done <- cmdRun(ctx, e, []string{"-c", cfgPath})
	}()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("the daemon did not stop")
		}
		if t.Failed() {
			t.Log(logs.String())
		}
	}()
	eventually(t, 60*time.Second, "the first cycle (/healthz 200)", func() bool {
		code, _ := get("http://" + listen + "/healthz")
		return code == http.StatusOK
	})
	// The first cycle's alerts leave the outbox before the digests are counted.
	eventually(t, 30*time.Second, "the first cycle's alerts to be sent", func() bool {
		out, _, _ := runBeside(t, "outbox", "list", "-c", cfgPath)
		return strings.Contains(out, "outbox empty") || strings.TrimSpace(out) == ""
	})
	before := len(mail.Mails())

	out, stderr, err := runBeside(t, "digest", "--send", "-c", cfgPath)
	if err != nil {
		t.Fatalf("digest --send beside the daemon: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "digests queued") || !strings.Contains(out, "the running daemon sends them now") {
		t.Errorf("digest --send printed:\n%s", out)
	}
	var queued int
	fmt.Sscanf(out, "%d digests queued", &queued)
	if queued == 0 {
		t.Fatalf("no digest queued:\n%s", out)
	}
	// Sent at once (the outbox loop is woken), not at the next minute's tick.
	eventually(t, 20*time.Second, "the queued digests to be sent", func() bool {
		return len(mail.Mails())-before >= queued
	})

	out, stderr, err = runBeside(t, "outbox", "list", "-c", cfgPath)
	if err != nil {
		t.Fatalf("outbox list beside the daemon: %v\n%s", err, stderr)
	}
	if _, _, err := runBeside(t, "outbox", "drop", "999", "-c", cfgPath); err == nil || !strings.Contains(err.Error(), "999") {
		t.Errorf("outbox drop of an unknown id beside the daemon: %v, want an error naming it", err)
	}
	if out, _, err := runBeside(t, "outbox", "retry", "--all", "-c", cfgPath); err != nil || !strings.Contains(out, "0 messages due now") {
		t.Errorf("outbox retry --all beside the daemon: %v\n%s", err, out)
	}
}
