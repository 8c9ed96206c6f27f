package notify

import (
	"strings"
	"testing"

	"github.com/veille-hq/veille/notify/internal/sample"
)

func TestHealthAddressedToAdmins(t *testing.T) {
	r, _ := NewRenderer(Options{From: "veille@example.com"})
	h := sample.SourceReport()
	h.Sources[0].LastError = "<img src=x onerror=alert(1)>\r\nBcc: evil@example.com"
	m, err := r.SourceReport(h, "en")
	if err != nil {
		t.Fatal(err)
	}
	if m.Kind != "health" || m.Rep != "" || strings.Join(m.To, ",") != "ops@example.com,it@example.com" {
		t.Errorf("kind %q rep %q to %v; want a health notice to both admins", m.Kind, m.Rep, m.To)
	}
	hdr, _, html := parts(t, m.EML)
	if got := hdr.Get("To"); !strings.Contains(got, "ops@example.com") || !strings.Contains(got, "it@example.com") {
		t.Errorf("To header %q lacks an admin", got)
	}
	if hdr.Get("Bcc") != "" || strings.Contains(html, "<img") {
		t.Errorf("a hostile error text came out live")
	}
	again, _ := r.SourceReport(h, "en")
	if again.MessageID != m.MessageID {
		t.Errorf("Message-ID not stable: %s, %s", m.MessageID, again.MessageID)
	}

	h.Sources, h.Silent = nil, nil
	if m, _ := r.SourceReport(h, "fr"); m.Subject != "veille — santé : 1 message non remis — lun. 23 nov." {
		t.Errorf("subject %q names what is not wrong", m.Subject)
	}
	h.Admins = nil
	if _, err := r.SourceReport(h, "en"); err == nil {
		t.Error("a health notice with no admins rendered")
	}
}
