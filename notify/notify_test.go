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
		StillHot: []signals.DigestLead{{Lead: signals.Lead{Company: "Armor Logistique", Score: 75, Tier: signals.Hot}}},
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
		{"fr", "2 leads chauds\u202f: Breizh Conserves, Armor Logistique — lun. 23 nov.", "Votre veille du jour"},
		{"en", "2 hot leads: Breizh Conserves, Armor Logistique — Mon 23 Nov", "Your watch for today"},
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
	const title = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>\r\nBcc: evil@example.com"
	hostile := func(lang, link string) signals.Digest {
		d := sampleDigest(lang, title, link)
		d.Rep.Name = "Alice\r\nBcc: evil@example.com"
		d.Leads[0].Lead.Company = "<b onmouseover=alert(4)>ACME</b>\r\nX-Evil: 1"
		d.Leads[0].Lead.Why = append(d.Leads[0].Lead.Why, signals.Contribution{What: "financial_growth: <script>alert(5)</script>", Points: 3})
		d.Leads[0].New[0].Sources = append(d.Leads[0].New[0].Sources, signals.SourceRef{Source: "<i>x</i>", URL: "javascript:alert(6)"})
		d.Leads[0].New[0].Evidence[signals.Keyword] = []signals.Evidence{{Term: "\"><svg onload=alert(7)>"}}
		return d
	}
	for _, tc := range []struct{ name, link string }{
		{"javascript link", "javascript:alert(3)"},
		{"upper-case javascript link", "JavaScript:alert(3)"},
		{"data link", "data:text/html,<script>alert(3)</script>"},
		{"link without host", "https:alert(3)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, lang := range []string{"fr", "en"} {
				digest, err := r.Digest(hostile(lang, tc.link))
				if err != nil {
					t.Fatal(err)
				}
				d := hostile(lang, tc.link)
				alert, err := r.Alerts(signals.Alerts{Rep: d.Rep, At: d.At, Leads: d.Leads})
				if err != nil {
					t.Fatal(err)
				}
				for _, m := range []signals.Message{digest, alert} {
					hdr, text, html := parts(t, m.EML)
					for _, bad := range []string{"<script", "<img", "<svg", "<b onmouseover", "<i>", "javascript:", "data:text", "onerror=alert(2)>", `href="https:alert`} {
						if strings.Contains(strings.ToLower(html), strings.ToLower(bad)) {
							t.Errorf("%s %s: html carries %q live", m.Kind, lang, bad)
						}
					}
					if hdr.Get("Bcc") != "" || hdr.Get("X-Evil") != "" {
						t.Errorf("%s %s: a CRLF in scraped text became a header", m.Kind, lang)
					}
					if strings.ContainsAny(m.Subject, "\r\n") || strings.ContainsAny(hdr.Get("To"), "\r\n") {
						t.Errorf("%s %s: control characters in a header", m.Kind, lang)
					}
					for _, line := range strings.Split(text, "\n") {
						if strings.HasPrefix(strings.TrimSpace(line), "Bcc:") || strings.HasPrefix(strings.TrimSpace(line), "X-Evil:") {
							t.Errorf("%s %s: a CRLF in a title broke the text layout: %q", m.Kind, lang, line)
						}
					}
					if strings.Contains(text, "javascript:") {
						t.Errorf("%s %s: text part shows the javascript: link", m.Kind, lang)
					}
				}
			}
		})
	}
}

func TestSafeURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://ouest-eco.example/a?x=1", "https://ouest-eco.example/a?x=1"},
		{"http://ouest-eco.example/a", "http://ouest-eco.example/a"},
		{"javascript:alert(1)", ""},
		{"JAVASCRIPT:alert(1)", ""},
		{" javascript:alert(1)", ""},
		{"data:text/html,x", ""},
		{"vbscript:x", ""},
		{"//evil.example/a", ""},
		{"/relative", ""},
		{"https:no-host", ""},
		{"mailto:a@example.com", ""},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := safeURL(tc.in); got != tc.want {
				t.Errorf("safeURL(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSend(t *testing.T) {
	srv := smtptest.Start(t, "veille", "s3cret")
	s, err := NewSender(SMTPOptions{Host: "127.0.0.1", Port: srv.Port, TLS: "none", Username: "veille", Password: "s3cret", Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := NewRenderer(Options{From: "veille@example.com", ReplyTo: "sales-ops@example.com"})
	m, _ := r.Digest(sampleDigest("fr", "Breizh Conserves lève 12 M€", "https://ouest-eco.example/a"))
	ctx := context.Background()

	if err := s.Send(ctx, m); err != nil {
		t.Fatalf("plain delivery: %v", err)
	}
	got := srv.Mails()
	if len(got) != 1 || got[0].To[0] != "alice@example.com" {
		t.Fatalf("server got %+v", got)
	}
	hdr, _, _ := parts(t, got[0].Data) // still multipart after the outbox round trip
	for _, h := range []string{"Reply-To", "Message-Id", "Subject", "Date", "From", "To"} {
		if hdr.Get(h) == "" {
			t.Errorf("header %s lost between rendering and delivery", h)
		}
	}

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

// TestMessageIDIsRFC5322 checks that digest and alert ids are msg-ids a
// strict parser reads whole: dot-atoms on both sides, so no ':' from the
// alert's timestamp nor a space from a rep id.
func TestMessageIDIsRFC5322(t *testing.T) {
	atext := func(r rune) bool {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)
	}
	dotAtom := func(s string) bool {
		for _, part := range strings.Split(s, ".") {
			if part == "" || strings.IndexFunc(part, func(r rune) bool { return !atext(r) }) >= 0 {
				return false
			}
		}
		return true
	}
	for _, tc := range []struct{ name, domain, rep string }{
		{"plain", "", "alice"},
		{"rep id with a colon and a space", "", "sales:alice martin"},
		{"domain with a port", "mail.example.com:25", "alice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewRenderer(Options{From: "Veille <veille@example.com>", Domain: tc.domain})
			if err != nil {
				t.Fatal(err)
			}
			d := sampleDigest("fr", "Breizh Conserves lève 12 M€", "https://ouest-eco.example/a")
			d.Rep.ID = tc.rep
			digest, derr := r.Digest(d)
			alert, aerr := r.Alerts(signals.Alerts{Rep: d.Rep, At: d.At, Leads: d.Leads})
			if derr != nil || aerr != nil {
				t.Fatal(derr, aerr)
			}
			for _, m := range []signals.Message{digest, alert} {
				id, ok := strings.CutPrefix(m.MessageID, "<")
				id, ok2 := strings.CutSuffix(id, ">")
				left, right, ok3 := strings.Cut(id, "@")
				if !ok || !ok2 || !ok3 || !dotAtom(left) || !dotAtom(right) {
					t.Errorf("%s Message-ID %q is not dot-atom@dot-atom", m.Kind, m.MessageID)
				}
				hdr, _, _ := parts(t, m.EML)
				if hdr.Get("Message-Id") != m.MessageID {
					t.Errorf("%s header Message-Id %q, want %q", m.Kind, hdr.Get("Message-Id"), m.MessageID)
				}
			}
		})
	}
}
