package deliver_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/deliver"
	"github.com/veille-hq/veille/notify"
	"github.com/veille-hq/veille/notify/smtptest"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
	"github.com/veille-hq/veille/watcher"
)

var start = time.Date(2026, 11, 23, 6, 30, 0, 0, time.UTC)

// outboxRig is the real chain of a delivery: a bbolt store in a temp dir,
// the notify renderer and sender, and an SMTP server speaking STARTTLS
// with AUTH and a private CA, on loopback.
type outboxRig struct {
	t      *testing.T
	path   string
	caFile string
	port   int
	now    time.Time
	log    bytes.Buffer
	w      *watcher.Watcher
	d      *deliver.Deliverer
}

func newRig(t *testing.T, port int, caFile string) *outboxRig {
	rg := &outboxRig{t: t, path: filepath.Join(t.TempDir(), "veille.db"), caFile: caFile, port: port, now: start}
	rg.open()
	return rg
}

// open starts "veille" on the store: what a restart does.
func (rg *outboxRig) open() {
	rg.t.Helper()
	st, err := store.Open(rg.path, time.Second)
	if err != nil {
		rg.t.Fatal(err)
	}
	s, err := notify.NewSender(notify.SMTPOptions{Host: "127.0.0.1", Port: rg.port, TLS: "starttls", CAFile: rg.caFile, Username: "veille", Password: "s3cret", Timeout: 5 * time.Second})
	if err != nil {
		rg.t.Fatal(err)
	}
	log, now := slog.New(slog.NewTextHandler(&rg.log, nil)), func() time.Time { return rg.now }
	rg.w = watcher.New(st, nil, watcher.Options{Log: log, Now: now})
	rg.d = deliver.New(rg.w, deliver.Options{Sender: s, Send: true, Log: log, Now: now})
}

func (rg *outboxRig) close() {
	rg.t.Helper()
	if err := rg.w.Store.Close(); err != nil {
		rg.t.Fatal(err)
	}
}

func (rg *outboxRig) queueDigest() signals.Message {
	rg.t.Helper()
	r, err := notify.NewRenderer(notify.Options{From: "Veille <veille@example.com>"})
	if err != nil {
		rg.t.Fatal(err)
	}
	m, err := r.Digest(signals.Digest{
		Rep: signals.Rep{ID: "alice", Name: "Alice Martin", Email: "alice@example.com", Language: "fr", Timezone: "Europe/Paris"},
		At:  rg.now,
		Leads: []signals.DigestLead{{
			Lead: signals.Lead{Watchlist: "agro", Company: "Breizh Conserves", Score: 82, Tier: signals.Hot},
			New:  []signals.Signal{{ID: "s1", Title: "Breizh Conserves lève 12 M€", URL: "https://ouest-eco.example/a", Labels: []signals.Label{signals.FinancialGrowth}, FirstSeen: rg.now}},
		}},
	})
	if err != nil {
		rg.t.Fatal(err)
	}
	if err := rg.w.Store.Update(func(tx *store.Tx) error { _, err := tx.Enqueue(m, rg.now); return err }); err != nil {
		rg.t.Fatal(err)
	}
	return m
}

func (rg *outboxRig) drain(wantSent, wantFailed int) {
	rg.t.Helper()
	sent, failed, err := rg.d.Drain(context.Background())
	if err != nil || sent != wantSent || failed != wantFailed {
		rg.t.Fatalf("drain at %s: sent %d, failed %d, err %v; want %d sent, %d failed", rg.now.Format(time.TimeOnly), sent, failed, err, wantSent, wantFailed)
	}
}

func (rg *outboxRig) outbox() []store.OutboxEntry {
	rg.t.Helper()
	es, err := rg.w.Outbox()
	if err != nil {
		rg.t.Fatal(err)
	}
	return es
}

func delivered(t *testing.T, srv *smtptest.Server, m signals.Message) {
	t.Helper()
	mails := srv.Mails()
	if len(mails) != 1 {
		t.Fatalf("server accepted %d messages, want exactly 1", len(mails))
	}
	hdr, _, _, err := smtptest.Parts(mails[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	if !mails[0].TLS || hdr.Get("Message-Id") != m.MessageID {
		t.Errorf("delivered %s (TLS %v), want %s over TLS", hdr.Get("Message-Id"), mails[0].TLS, m.MessageID)
	}
}

func TestOutboxRetriesA451ThenDelivers(t *testing.T) {
	serverTLS, caFile := smtptest.Cert(t)
	srv := smtptest.Start(t, "veille", "s3cret", smtptest.WithSTARTTLS(serverTLS))
	srv.RejectNext(451, 1)
	rg := newRig(t, srv.Port, caFile)
	m := rg.queueDigest()

	rg.drain(0, 1)
	es := rg.outbox()
	if len(es) != 1 || es[0].Status != store.StatusPending || es[0].Attempts != 1 || !strings.Contains(es[0].LastError, "451") {
		t.Fatalf("after a 451: %+v, want the message pending with the reply", es)
	}
	rg.drain(0, 0) // backing off: not due yet
	rg.now = rg.now.Add(time.Minute)
	rg.drain(1, 0)
	if es := rg.outbox(); len(es) != 0 {
		t.Errorf("outbox after delivery: %+v, want empty", es)
	}
	delivered(t, srv, m)
}

func TestOutboxMarksA550FailedAndNeverRetriesIt(t *testing.T) {
	serverTLS, caFile := smtptest.Cert(t)
	srv := smtptest.Start(t, "veille", "s3cret", smtptest.WithSTARTTLS(serverTLS))
	srv.Reject(550)
	rg := newRig(t, srv.Port, caFile)
	m := rg.queueDigest()

	rg.drain(0, 1)
	es := rg.outbox()
	if len(es) != 1 || es[0].Status != store.StatusFailed || es[0].Attempts != 1 || !strings.Contains(es[0].LastError, "550") {
		t.Fatalf("after a 550: %+v, want the message failed with the reply", es)
	}
	if !strings.Contains(rg.log.String(), "550") || !strings.Contains(rg.log.String(), "status=failed") {
		t.Errorf("log lacks the failure and the server's reply:\n%s", rg.log.String())
	}
	srv.Reject(0)
	rg.now = rg.now.Add(48 * time.Hour)
	rg.drain(0, 0) // kept, shown by `veille outbox`, never retried on its own
	if es := rg.outbox(); len(es) != 1 || es[0].Attempts != 1 || len(srv.Mails()) != 0 {
		t.Fatalf("a failed message was retried: %+v", es)
	}

	// `veille outbox retry ID` after the admin fixed the address.
	if n, err := rg.w.RetryOutbox(es[0].ID); err != nil || n != 1 {
		t.Fatalf("retry: %d, %v", n, err)
	}
	rg.drain(1, 0)
	delivered(t, srv, m)
}

func TestOutboxSurvivesServerDownAndRestart(t *testing.T) {
	serverTLS, caFile := smtptest.Cert(t)
	addr, port := smtptest.FreeAddr(t)
	rg := newRig(t, port, caFile)
	m := rg.queueDigest()

	rg.drain(0, 1) // nothing listens: a connection error, temporary
	es := rg.outbox()
	if len(es) != 1 || es[0].Status != store.StatusPending {
		t.Fatalf("with the server down: %+v, want the message pending", es)
	}
	rg.close() // veille stops

	srv := smtptest.Start(t, "veille", "s3cret", smtptest.WithSTARTTLS(serverTLS), smtptest.WithAddr(addr))
	rg.now = rg.now.Add(2 * time.Minute)
	rg.open() // veille starts again on the same store
	defer rg.close()
	rg.drain(1, 0)
	rg.now = rg.now.Add(time.Hour)
	rg.drain(0, 0)
	delivered(t, srv, m)
}
