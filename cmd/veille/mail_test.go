package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/notify/smtptest"
	"github.com/veille-hq/veille/signals"
)

// TestMailWiring checks that the smtp and digest sections of the config
// reach the renderer and sender: STARTTLS towards a private CA from
// smtp.ca_file, the password from smtp.password_file, reply_to, and a
// digest.templates directory overriding one template.
func TestMailWiring(t *testing.T) {
	t.Parallel()
	serverTLS, caFile := smtptest.Cert(t)
	srv := smtptest.Start(t, "veille", "s3cret", smtptest.WithSTARTTLS(serverTLS))
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "smtp-password")
	if err := os.WriteFile(pwFile, []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tmpl := filepath.Join(dir, "templates")
	if err := os.MkdirAll(tmpl, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmpl, "digest.html.tmpl"), []byte(`<p>house style {{.Heading}}</p>`), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{
		SMTP: config.SMTP{Host: "127.0.0.1", Port: srv.Port, TLS: "starttls", CAFile: caFile, Username: "veille", PasswordFile: pwFile,
			From: "Veille <veille@example.com>", ReplyTo: "sales-ops@example.com", Timeout: config.Duration(5 * time.Second)},
		Digest: config.Digest{Templates: tmpl},
	}
	r, err := renderer(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := newSender(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m, err := r.Digest(signals.Digest{
		Rep: signals.Rep{ID: "alice", Name: "Alice", Email: "alice@example.com", Language: "en"},
		At:  time.Date(2026, 11, 23, 6, 30, 0, 0, time.UTC),
		Leads: []signals.DigestLead{{Lead: signals.Lead{Watchlist: "agro", Company: "Breizh Conserves", Score: 80, Tier: signals.Hot},
			New: []signals.Signal{{ID: "s1", Title: "Breizh Conserves raises €12M", URL: "https://news.example/a", Labels: []signals.Label{signals.FinancialGrowth}}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("send: %v", err)
	}
	mails := srv.Mails()
	if len(mails) != 1 || !mails[0].TLS {
		t.Fatalf("server got %d mails, want 1 over TLS", len(mails))
	}
	hdr, text, html, err := smtptest.Parts(mails[0].Data)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html, "house style Your watch for today") {
		t.Errorf("digest.templates override not used: %q", html)
	}
	if !strings.Contains(text, "Breizh Conserves raises") {
		t.Errorf("the embedded text template was not kept: %q", text)
	}
	if !strings.Contains(hdr.Get("Reply-To"), "sales-ops@example.com") {
		t.Errorf("Reply-To %q", hdr.Get("Reply-To"))
	}

	cfg.SMTP = config.SMTP{Host: "smtp.example.com", Port: 25, TLS: "none"}
	if _, err := newSender(cfg); err == nil || !strings.Contains(err.Error(), "allow_insecure") {
		t.Errorf("tls none towards a remote host: err %v, want a refusal naming allow_insecure", err)
	}
}
