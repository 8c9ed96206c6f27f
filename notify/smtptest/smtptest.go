// Package smtptest runs a real SMTP server (emersion/go-smtp) on loopback
// for tests: it records what it accepts, can be told to refuse, and can
// speak STARTTLS or implicit TLS with a certificate made in the test.
package smtptest

import (
	"bytes"
	"crypto/tls"
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
	TLS  bool // the message travelled over TLS
}

// Server is a running test SMTP server.
type Server struct {
	Addr string
	Port int

	mu       sync.Mutex
	mails    []Mail
	reject   *smtp.SMTPError // replied to RCPT while set
	rejectN  int             // > 0: reject only this many more RCPTs
	username string
	password string
	srv      *smtp.Server

	addr     string
	tls      *tls.Config
	implicit bool
	fault    Fault
	hang     chan struct{} // closed by Close: releases a FaultNoReplyAfterData
	hangOnce sync.Once
}

// Fault is a way the server misbehaves around the message's DATA.
type Fault int

const (
	// FaultNone: a well-behaved server.
	FaultNone Fault = iota
	// FaultDropAfterData closes the connection after its 354 reply to
	// DATA, before reading the message: no reply ever comes.
	FaultDropAfterData
	// FaultNoReplyAfterData reads the whole message and never replies;
	// the client must give up on its own timeout.
	FaultNoReplyAfterData
	// FaultDropAfterAccept accepts the message (250), records it, then
	// closes the connection: the RSET or QUIT that follows fails.
	FaultDropAfterAccept
)

// WithFault makes the server misbehave as f says.
func WithFault(f Fault) Option { return func(s *Server) { s.fault = f } }

// Option changes how Start serves.
type Option func(*Server)

// WithSTARTTLS offers STARTTLS with c and refuses AUTH before it, so a test
// proves the password never travels in clear.
func WithSTARTTLS(c *tls.Config) Option { return func(s *Server) { s.tls = c } }

// WithImplicitTLS speaks TLS from the first byte (port 465 style).
func WithImplicitTLS(c *tls.Config) Option {
	return func(s *Server) { s.tls, s.implicit = c, true }
}

// WithAddr listens on addr instead of 127.0.0.1:0: a server "coming back"
// on the port a client was already configured with.
func WithAddr(addr string) Option { return func(s *Server) { s.addr = addr } }

// Start serves on 127.0.0.1:0 until the test ends. With a username, AUTH
// PLAIN is required.
func Start(t testing.TB, username, password string, opts ...Option) *Server {
	t.Helper()
	s := &Server{username: username, password: password, addr: "127.0.0.1:0", hang: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	s.srv = smtp.NewServer(backend{s})
	s.srv.Domain = "localhost"
	s.srv.AllowInsecureAuth = s.tls == nil
	var l net.Listener
	var err error
	if s.implicit {
		l, err = tls.Listen("tcp", s.addr, s.tls)
	} else {
		s.srv.TLSConfig = s.tls
		l, err = net.Listen("tcp", s.addr)
	}
	if err != nil {
		t.Fatalf("smtptest: listen on %s: %v", s.addr, err)
	}
	s.Addr = l.Addr().String()
	s.Port = l.Addr().(*net.TCPAddr).Port
	go s.srv.Serve(l)
	t.Cleanup(s.Close)
	return s
}

// Close stops the server: clients then fail to connect, as during an outage.
func (s *Server) Close() {
	s.hangOnce.Do(func() { close(s.hang) })
	s.srv.Close()
}

// FreeAddr returns a loopback address nothing listens on, for a server that
// is down now and started later with WithAddr.
func FreeAddr(t testing.TB) (addr string, port int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: reserve a port: %v", err)
	}
	defer l.Close()
	return l.Addr().String(), l.Addr().(*net.TCPAddr).Port
}

// Silent listens on loopback and accepts connections without ever
// greeting, as a hung server or a tarpit does, until the test ends.
func Silent(t testing.TB) (port int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return l.Addr().(*net.TCPAddr).Port
}

// Server gives access to the go-smtp server.
func (s *Server) Server() *smtp.Server { return s.srv }

// Reject makes RCPT fail with code (451 is temporary, 550 permanent); 0 accepts again.
func (s *Server) Reject(code int) { s.RejectNext(code, 0) }

// RejectNext makes the next n RCPTs fail with code, then accepts again
// (n 0: until told otherwise).
func (s *Server) RejectNext(code, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectN = n
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

func (b backend) NewSession(c *smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s, conn: c}, nil
}

type session struct {
	s        *Server
	conn     *smtp.Conn
	authed   bool
	cur      Mail
	accepted bool // a message was just accepted (FaultDropAfterAccept)
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
			// 535 as real servers send, not go-smtp's default 454.
			return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8}, Message: "invalid credentials"}
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
		err := ss.s.reject
		if ss.s.rejectN > 0 {
			ss.s.rejectN--
			if ss.s.rejectN == 0 {
				ss.s.reject = nil
			}
		}
		return err
	}
	ss.cur.To = append(ss.cur.To, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	if ss.s.fault == FaultDropAfterData {
		ss.conn.Conn().Close()
		return io.ErrUnexpectedEOF
	}
	var buf bytes.Buffer
	if _, err := io.Copy(&buf, r); err != nil {
		return err
	}
	if ss.s.fault == FaultNoReplyAfterData {
		<-ss.s.hang
		ss.conn.Conn().Close()
		return io.ErrUnexpectedEOF
	}
	ss.cur.Data = buf.Bytes()
	_, ss.cur.TLS = ss.conn.TLSConnectionState()
	ss.s.mu.Lock()
	ss.s.mails = append(ss.s.mails, ss.cur)
	ss.s.mu.Unlock()
	ss.accepted = true
	return nil
}

// Reset runs after the reply to DATA has been written, and on RSET.
func (ss *session) Reset() {
	ss.cur = Mail{}
	if ss.accepted && ss.s.fault == FaultDropAfterAccept {
		ss.conn.Conn().Close()
	}
	ss.accepted = false
}
func (ss *session) Logout() error { return nil }
