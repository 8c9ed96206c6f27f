// Package smtptest runs a real SMTP server (emersion/go-smtp) on loopback
// for tests: it records what it accepts and can be told to refuse.
package smtptest

import (
	"bytes"
	"errors"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one accepted message.
type Mail struct {
	From string
	To   []string
	Data []byte
}

// Server is a running test SMTP server.
type Server struct {
	Addr string
	Port int

	mu       sync.Mutex
	mails    []Mail
	reject   *smtp.SMTPError // replied to RCPT while set
	username string
	password string
	srv      *smtp.Server
}

// Start serves on 127.0.0.1:0 until the test ends. With a username, AUTH
// PLAIN is required.
func Start(t testing.TB, username, password string) *Server {
	t.Helper()
	s := &Server{username: username, password: password}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = true
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s.Addr = l.Addr().String()
	s.Port = l.Addr().(*net.TCPAddr).Port
	go s.srv.Serve(l)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// Server gives access to the go-smtp server (e.g. to set TLSConfig before use).
func (s *Server) Server() *smtp.Server { return s.srv }

// Reject makes RCPT fail with code (451 is temporary, 550 permanent); 0 accepts again.
func (s *Server) Reject(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code == 0 {
		s.reject = nil
		return
	}
	enh := smtp.EnhancedCode{5, 1, 1}
	if code < 500 {
		enh = smtp.EnhancedCode{4, 3, 0}
	}
	s.reject = &smtp.SMTPError{Code: code, EnhancedCode: enh, Message: "test server refuses"}
}

// Mails returns a copy of the accepted messages.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s      *Server
	authed bool
	cur    Mail
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != ss.s.username || pass != ss.s.password {
			return errors.New("invalid credentials")
		}
		ss.authed = true
		return nil
	}), nil
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.username != "" && !ss.authed {
		return smtp.ErrAuthRequired
	}
	ss.cur = Mail{From: from}
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if ss.s.reject != nil {
		return ss.s.reject
	}
	ss.cur.To = append(ss.cur.To, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	ss.cur.Data = buf.Bytes()
	ss.s.mu.Lock()
	ss.s.mails = append(ss.s.mails, ss.cur)
	ss.s.mu.Unlock()
	return nil
}

func (ss *session) Reset()        { ss.cur = Mail{} }
func (ss *session) Logout() error { return nil }
