package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/notify/smtptest"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// TestOutboxRetrySaysWhatWaits checks that `outbox retry` alone, with a
// message waiting for its next try, says so and when it is, and that
// `--all` sends it now.
func TestOutboxRetrySaysWhatWaits(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, "", "")
	dir := t.TempDir()
	db := filepath.Join(dir, "veille.db")
	cfg := filepath.Join(dir, "veille.yaml")
	body := fmt.Sprintf("store: %s\nlisten: \"\"\nsmtp: {host: 127.0.0.1, port: %d, tls: none, from: veille@example.com}\n", db, srv.Port)
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(db, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	eml := "From: veille@example.com\r\nTo: alice@example.com\r\nSubject: alert\r\nMessage-ID: <a.1@veille.invalid>\r\n\r\nnews\r\n"
	next := time.Now().Add(time.Hour)
	err = st.Update(func(tx *store.Tx) error {
		id, err := tx.Enqueue(signals.Message{Kind: "alert", Rep: "alice", To: []string{"alice@example.com"}, EML: []byte(eml)}, time.Now())
		if err != nil {
			return err
		}
		// Seven failed attempts: the next try is an hour after the last.
		for range 7 {
			if _, err := tx.MarkFailed(id, errors.New("connection refused"), false, next.Add(-time.Hour)); err != nil {
				return err
			}
		}
		return nil
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}

	out, _, err := runCmd(t, "outbox", "retry", "-c", cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := "1 message waits for its next try, at " + dateText(next)
	if !strings.Contains(out, want) || !strings.Contains(out, "--all") || len(srv.Mails()) != 0 {
		t.Errorf("outbox retry with a message not due printed:\n%s\nwant %q and how to send it now; %d sent", out, want, len(srv.Mails()))
	}
	out, _, err = runCmd(t, "outbox", "retry", "--all", "-c", cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "1 sent") || !strings.Contains(out, "outbox empty") || len(srv.Mails()) != 1 {
		t.Errorf("outbox retry --all printed:\n%s\nwant the message sent now; %d sent", out, len(srv.Mails()))
	}
}
