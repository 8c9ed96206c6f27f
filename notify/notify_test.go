package notify

import (
	"context"
	stdhtml "html"
	"mime"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/notify/smtptest"
	"github.com/veille-hq/veille/signals"
)

var at = time.Date(2026, 11, 23, 6, 30, 0, 0, time.UTC)

func sampleDigest(lang, title, link string) signals.Digest {
	return signals.Digest{
		Rep: signals.Rep{ID: "alice", Name: "Alice Martin", Email: "alice@example.com", Language: lang, Timezone: "Europe/Paris"},
		At:  at,
		Leads: []signals.DigestLead{{
			Lead: signals.Lead{Watchlist: "agro", Company: "Breizh Conserves", Score: 82, Tier: signals.Hot, Trend7d: 12,
				Why: []signals.Contribution{{What: "financial_growth: levée de fonds", Points: 15}, {What: "sector = agroalimentaire", Points: 10}}},
			New: []signals.Signal{{ID: "s1", Title: title, URL: link, Labels: []signals.Label{signals.FinancialGrowth},
				Sources:   []signals.SourceRef{{Source: "feed:1", URL: "https://www.ouest-eco.example/a"}},
				FirstSeen: at.Add(-time.Hour),
				Evidence:  map[signals.Label][]signals.Evidence{signals.FinancialGrowth: {{Term: "lève 12 M€", Field: "title"}}}}},
		}},
		StillHot: []signals.Lead{{Company: "Armor Logistique", Score: 75, Tier: signals.Hot}},
	}
}

func parts(t *testing.T, eml []byte) (hdr mail.Header, text, html string) {
	t.Helper()
	hdr, text, html, err := smtptest.Parts(eml)
	if err != nil {
		t.Fatal(err)
	}
	return hdr, text, html
}

func TestRenderDigest(t *testing.T) {
	r, err := NewRenderer(Options{From: "Veille <veille@example.com>"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		lang, subject, heading string
	}{
		{"fr", "veille — 2 leads chauds, 1 nouveau signal — lun. 23 nov.", "Votre veille du jour"},
		{"en", "veille — 2 hot leads, 1 new signal — Mon 23 Nov", "Your watch for today"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			m, err := r.Digest(sampleDigest(tc.lang, "Breizh Conserves lève 12 M€", "https://ouest-eco.example/a?x=1"))
			if err != nil {
				t.Fatal(err)
			}
			if m.Subject != tc.subject {
				t.Errorf("subject %q, want %q", m.Subject, tc.subject)
			}
			hdr, text, html := parts(t, m.EML)
			dec, _ := new(mime.WordDecoder).DecodeHeader(hdr.Get("Subject"))
			if dec != tc.subject {
				t.Errorf("Subject header %q, want %q", dec, tc.subject)
			}
			for _, want := range []string{tc.heading, "Breizh Conserves", "Breizh Conserves lève 12 M€", "▲ +12", "Armor Logistique"} {
				if !strings.Contains(text, want) || !strings.Contains(stdhtml.UnescapeString(html), want) {
					t.Errorf("text or html lacks %q", want)
				}
			}
			if !strings.Contains(html, `href="https://ouest-eco.example/a?x=1"`) {
				t.Errorf("html lacks the signal link")
			}
			again, _ := r.Digest(sampleDigest(tc.lang, "Breizh Conserves lève 12 M€", "https://ouest-eco.example/a?x=1"))
			if again.MessageID != m.MessageID || hdr.Get("Message-Id") != m.MessageID {
				t.Errorf("Message-ID not stable: %q, %q, header %q", m.MessageID, again.MessageID, hdr.Get("Message-Id"))
			}
		})
	}
}

func TestRenderHostileText(t *testing.T) {
	r, _ := NewRenderer(Options{From: "veille@example.com"})
	title := "<script>alert(1)</script>\"><img src=x onerror=alert(2)>\r\nBcc: evil@example.com"
	m, err := r.Digest(sampleDigest("en", title, "javascript:alert(3)"))
	if err != nil {
		t.Fatal(err)
	}
	hdr, _, html := parts(t, m.EML)
	for _, bad := range []string{"<script>", "<img", "javascript:", "onerror=alert(2)>"} {
		if strings.Contains(html, bad) {
			t.Errorf("html carries %q unescaped", bad)
		}
	}
	if hdr.Get("Bcc") != "" {
		t.Errorf("a CRLF in a title became a header")
	}
}

func TestSend(t *testing.T) {
	srv := smtptest.Start(t, "veille", "s3cret")
	s, err := NewSender(SMTPOptions{Host: "127.0.0.1", Port: srv.Port, TLS: "none", Username: "veille", Password: "s3cret", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := NewRenderer(Options{From: "veille@example.com"})
	m, _ := r.Digest(sampleDigest("fr", "Breizh Conserves lève 12 M€", "https://ouest-eco.example/a"))
	ctx := context.Background()

	if err := s.Send(ctx, m); err != nil {
		t.Fatalf("plain delivery: %v", err)
	}
	got := srv.Mails()
	if len(got) != 1 || got[0].To[0] != "alice@example.com" {
		t.Fatalf("server got %+v", got)
	}
	parts(t, got[0].Data) // still multipart after the outbox round trip

	srv.Reject(451)
	if err := s.Send(ctx, m); err == nil || !IsTemporary(err) {
		t.Errorf("451: err %v, temporary %v; want a temporary error", err, IsTemporary(err))
	}
	srv.Reject(550)
	if err := s.Send(ctx, m); err == nil || IsTemporary(err) {
		t.Errorf("550: err %v; want a permanent error", err)
	}
	srv.Reject(0)

	down, _ := NewSender(SMTPOptions{Host: "127.0.0.1", Port: 1, TLS: "none", Timeout: 2 * time.Second})
	if err := down.Send(ctx, m); err == nil || !IsTemporary(err) {
		t.Errorf("server down: err %v; want a temporary error", err)
	}
}

func TestNewSenderRefusesPlaintextToRemoteHost(t *testing.T) {
	if _, err := NewSender(SMTPOptions{Host: "smtp.example.com", Port: 25, TLS: "none"}); err == nil {
		t.Fatal("tls none towards a remote host accepted")
	}
	if _, err := NewSender(SMTPOptions{Host: "smtp.example.com", Port: 25, TLS: "none", AllowInsecure: true}); err != nil {
		t.Fatalf("allow_insecure refused: %v", err)
	}
}
