package notify

import (
	"context"
	"testing"
	"time"

	"github.com/veille-hq/veille/notify/smtptest"
)

func TestSendTLS(t *testing.T) {
	serverTLS, caFile := smtptest.Cert(t)
	r, _ := NewRenderer(Options{From: "veille@example.com"})
	m, err := r.Digest(sampleDigest("fr", "Breizh Conserves lève 12 M€", "https://ouest-eco.example/a"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		server    []smtptest.Option
		tls, ca   string
		password  string
		delivered bool
		temporary bool // when not delivered
	}{
		{name: "starttls with private CA and AUTH", server: []smtptest.Option{smtptest.WithSTARTTLS(serverTLS)}, tls: "starttls", ca: caFile, password: "s3cret", delivered: true},
		{name: "implicit tls with private CA", server: []smtptest.Option{smtptest.WithImplicitTLS(serverTLS)}, tls: "tls", ca: caFile, password: "s3cret", delivered: true},
		{name: "certificate not trusted without ca_file", server: []smtptest.Option{smtptest.WithSTARTTLS(serverTLS)}, tls: "starttls", password: "s3cret", temporary: true},
		{name: "server without STARTTLS: never falls back to plaintext", tls: "starttls", ca: caFile, password: "s3cret", temporary: true},
		{name: "wrong password", server: []smtptest.Option{smtptest.WithSTARTTLS(serverTLS)}, tls: "starttls", ca: caFile, password: "wrong", temporary: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := smtptest.Start(t, "veille", "s3cret", tc.server...)
			s, err := NewSender(SMTPOptions{Host: "127.0.0.1", Port: srv.Port, TLS: tc.tls, CAFile: tc.ca, Username: "veille", Password: tc.password, Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			err = s.Send(context.Background(), m)
			got := srv.Mails()
			if tc.delivered {
				if err != nil {
					t.Fatalf("send: %v", err)
				}
				if len(got) != 1 || !got[0].TLS {
					t.Fatalf("server got %d mails (TLS %v), want 1 over TLS", len(got), len(got) == 1 && got[0].TLS)
				}
				return
			}
			if err == nil || len(got) != 0 {
				t.Fatalf("err %v, %d mails delivered; want a failure and nothing delivered", err, len(got))
			}
			if IsTemporary(err) != tc.temporary {
				t.Errorf("temporary %v, want %v (err %v)", IsTemporary(err), tc.temporary, err)
			}
		})
	}
}
