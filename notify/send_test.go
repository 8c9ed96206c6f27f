package notify

import (
	"context"
	"errors"
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

// TestSendFaultMatrix checks how each way a send can fail is classified:
// a reply decides (4xx temporary, 5xx permanent), no reply at all is
// temporary, and a message the server answered 250 to is sent, whatever
// happens to the connection afterwards. Delivered counts what the server
// accepted; with the retry the outbox makes of a temporary error, each
// message is delivered exactly once.
func TestSendFaultMatrix(t *testing.T) {
	r, _ := NewRenderer(Options{From: "veille@example.com"})
	m, err := r.Digest(sampleDigest("fr", "Breizh Conserves lève 12 M€", "https://ouest-eco.example/a"))
	if err != nil {
		t.Fatal(err)
	}
	const timeout = 500 * time.Millisecond
	for _, tc := range []struct {
		name      string
		port      func(t *testing.T) (int, *smtptest.Server)
		sent      bool // Send returns nil
		temporary bool // when not sent
		down      bool // when not sent: Unreachable, the next message would fail too
		delivered int  // messages the server accepted
		alone     bool // its free port must not go to another case's server
	}{
		{name: "server down", port: func(t *testing.T) (int, *smtptest.Server) {
			_, port := smtptest.FreeAddr(t)
			return port, nil
		}, temporary: true, down: true, alone: true},
		{name: "no banner", port: func(t *testing.T) (int, *smtptest.Server) { return smtptest.Silent(t), nil }, temporary: true, down: true},
		{name: "4xx to RCPT", port: func(t *testing.T) (int, *smtptest.Server) {
			s := smtptest.Start(t, "", "")
			s.Reject(451)
			return s.Port, s
		}, temporary: true},
		{name: "5xx to RCPT", port: func(t *testing.T) (int, *smtptest.Server) {
			s := smtptest.Start(t, "", "")
			s.Reject(550)
			return s.Port, s
		}, temporary: false},
		{name: "drop after DATA", port: faulty(smtptest.FaultDropAfterData), temporary: true, down: true},
		{name: "no reply after DATA", port: faulty(smtptest.FaultNoReplyAfterData), temporary: true, down: true},
		{name: "250 then drop", port: faulty(smtptest.FaultDropAfterAccept), sent: true, delivered: 1},
		{name: "well-behaved server", port: faulty(smtptest.FaultNone), sent: true, delivered: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// Two cases wait out the timeout: the cases run side by side,
			// but for those that must run alone.
			if !tc.alone {
				t.Parallel()
			}
			port, srv := tc.port(t)
			s, err := NewSender(SMTPOptions{Host: "127.0.0.1", Port: port, TLS: "none", Timeout: timeout})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 10*timeout)
			defer cancel()
			err = s.Send(ctx, m)
			delivered := 0
			if srv != nil {
				delivered = len(srv.Mails())
			}
			if delivered != tc.delivered {
				t.Errorf("server accepted %d messages, want %d", delivered, tc.delivered)
			}
			if tc.sent {
				if err != nil {
					t.Errorf("Send: %v; want nil, the server accepted the message", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Send: nil, want an error")
			}
			if IsTemporary(err) != tc.temporary {
				t.Errorf("temporary %v, want %v (err %v)", IsTemporary(err), tc.temporary, err)
			}
			var se *Error
			if !errors.As(err, &se) || se.Unreachable() != tc.down {
				t.Errorf("unreachable %v, want %v (err %v)", se != nil && se.Unreachable(), tc.down, err)
			}
		})
	}
}

func faulty(f smtptest.Fault) func(t *testing.T) (int, *smtptest.Server) {
	return func(t *testing.T) (int, *smtptest.Server) {
		s := smtptest.Start(t, "", "", smtptest.WithFault(f))
		return s.Port, s
	}
}
