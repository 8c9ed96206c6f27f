package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/textproto"
	"os"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/veille-hq/veille/signals"
)

// SMTPOptions configures a Sender.
type SMTPOptions struct {
	Host          string
	Port          int
	TLS           string // "starttls" (mandatory), "tls" (implicit) or "none"
	AllowInsecure bool   // "none" towards a host that is not loopback
	Username      string
	Password      string
	Timeout       time.Duration
	CAFile        string // PEM bundle of a private CA
	HELO          string
}

// Sender sends one message at a time over SMTP.
type Sender struct {
	opts []mail.Option
	host string
}

// NewSender checks the options and prepares the client settings; it does
// not connect.
func NewSender(o SMTPOptions) (*Sender, error) {
	if o.Host == "" {
		return nil, errors.New("smtp.host is empty: set it in the config to send mail")
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Port == 0 {
		o.Port = map[string]int{"tls": 465, "none": 25}[o.TLS]
		if o.Port == 0 {
			o.Port = 587 // submission with STARTTLS
		}
	}
	opts := []mail.Option{mail.WithPort(o.Port), mail.WithTimeout(o.Timeout)}
	tlsConf := &tls.Config{ServerName: o.Host, MinVersion: tls.VersionTLS12}
	if o.CAFile != "" {
		pem, err := os.ReadFile(o.CAFile)
		if err != nil {
			return nil, fmt.Errorf("smtp.ca_file: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("smtp.ca_file %s: no PEM certificate found", o.CAFile)
		}
		tlsConf.RootCAs = pool
	}
	switch o.TLS {
	case "", "starttls":
		// Never opportunistic: a server that drops STARTTLS must not get the password in clear.
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory), mail.WithTLSConfig(tlsConf))
	case "tls":
		opts = append(opts, mail.WithSSL(), mail.WithTLSConfig(tlsConf))
	case "none":
		if !o.AllowInsecure && !isLoopback(o.Host) {
			return nil, fmt.Errorf("smtp.tls none towards %s: plaintext is only allowed to a loopback relay (set smtp.allow_insecure: true to override)", o.Host)
		}
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	default:
		return nil, fmt.Errorf("smtp.tls %q: use starttls, tls or none", o.TLS)
	}
	if o.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(o.Username), mail.WithPassword(o.Password))
	}
	if o.HELO != "" {
		opts = append(opts, mail.WithHELO(o.HELO))
	}
	return &Sender{opts: opts, host: o.Host}, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Error is a failed send; Temporary says whether trying again later may work.
type Error struct {
	Temp bool
	Code int // the server's SMTP reply code; 0 when it gave none
	Err  error
}

func (e *Error) Error() string   { return e.Err.Error() }
func (e *Error) Temporary() bool { return e.Temp }
func (e *Error) Unwrap() error   { return e.Err }

// Unreachable reports a failure of the server rather than of the message:
// no reply at all (refused, timeout, TLS, a dropped connection) or 421,
// the server closing the channel. The next message would fail the same way.
func (e *Error) Unreachable() bool { return e.Temp && (e.Code == 0 || e.Code == 421) }

// IsTemporary reports whether err is worth retrying: 4xx replies and
// failures without a reply (connection refused or dropped, timeout, TLS)
// are; 5xx replies are not.
func IsTemporary(err error) bool {
	var e *Error
	if errors.As(err, &e) {
		return e.Temp
	}
	return true
}

// Send delivers one stored message. Its error is an *Error.
func (s *Sender) Send(ctx context.Context, m signals.Message) error {
	msg, err := mail.EMLToMsgFromReader(bytes.NewReader(m.EML))
	if err != nil {
		return &Error{Temp: false, Err: fmt.Errorf("message %s is not a valid email: %w", m.MessageID, err)}
	}
	if err := keepReplyTo(m.EML, msg); err != nil {
		return &Error{Temp: false, Err: fmt.Errorf("message %s: %w", m.MessageID, err)}
	}
	c, err := mail.NewClient(s.host, s.opts...)
	if err != nil {
		return &Error{Temp: false, Err: fmt.Errorf("smtp client for %s: %w", s.host, err)}
	}
	if err := c.DialAndSendWithContext(ctx, msg); err != nil && !msg.IsDelivered() {
		return &Error{Temp: temporary(err), Code: replyCode(err), Err: fmt.Errorf("send %s to %v via %s: %w", m.MessageID, m.To, s.host, err)}
	}
	// Delivered: the server answered 250 to the message's data, so it has
	// taken responsibility for it. A failing RSET or QUIT afterwards changes
	// nothing, and reporting it would have the message sent a second time.
	return nil
}

// keepReplyTo restores the Reply-To header, which go-mail's EML parser
// drops (v0.8.1): replies must reach smtp.reply_to, not the sending address.
func keepReplyTo(eml []byte, msg *mail.Msg) error {
	parsed, err := netmail.ReadMessage(bytes.NewReader(eml))
	if err != nil {
		return fmt.Errorf("read headers: %w", err)
	}
	if rt := parsed.Header.Get("Reply-To"); rt != "" {
		if err := msg.ReplyTo(rt); err != nil {
			return fmt.Errorf("reply-to %q: %w", rt, err)
		}
	}
	return nil
}

// temporary classifies a go-mail failure by the server's reply: 5xx is
// permanent, 4xx temporary. A failure without a reply (refused, timeout,
// EOF, a connection dropped after DATA) is temporary: go-mail's own IsTemp
// only looks for a leading '4' and calls those permanent. A message go-mail
// cannot even put in an envelope is permanent.
func temporary(err error) bool {
	var se *mail.SendError
	if errors.As(err, &se) {
		switch se.Reason {
		case mail.ErrGetSender, mail.ErrGetRcpts, mail.ErrNoUnencoded:
			return false
		}
		return se.ErrorCode() < 500
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code < 500
	}
	return true
}

// replyCode is the server's reply code in a go-mail failure, 0 without one.
func replyCode(err error) int {
	var se *mail.SendError
	if errors.As(err, &se) {
		return se.ErrorCode()
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}
