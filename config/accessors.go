package config

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"strings"
)

// SMTPPassword returns smtp.password, or the content of smtp.password_file
// without its trailing newline. The file is read here rather than at Load so
// that `veille check` works on a machine without the secret.
func (c *Config) SMTPPassword() (string, error) {
	if c.SMTP.PasswordFile == "" {
		return c.SMTP.Password, nil
	}
	b, err := os.ReadFile(c.SMTP.PasswordFile)
	if err != nil {
		return "", fmt.Errorf("reading smtp.password_file %s: %w", c.SMTP.PasswordFile, err)
	}
	s := strings.TrimSuffix(string(b), "\n")
	return strings.TrimSuffix(s, "\r"), nil
}

// RepByID returns the rep with that id.
func (c *Config) RepByID(id string) (Rep, bool) {
	for _, r := range c.Reps {
		if r.ID == id {
			return r, true
		}
	}
	return Rep{}, false
}

// Where says where the prospect was defined, "veille.yaml:42" or
// "agro.csv:5", for messages and `veille check`.
func (p Prospect) Where() string {
	return p.origin.String()
}

// AllowPrivatePrefixes returns fetch.allow_private as ranges; a single
// address is a range of one. Load has refused the entries that do not parse.
func (f Fetch) AllowPrivatePrefixes() []netip.Prefix {
	var out []netip.Prefix
	for _, r := range f.AllowPrivate {
		if p, err := parsePrefix(r); err == nil {
			out = append(out, p)
		}
	}
	return out
}

func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	return p.Masked(), err
}

// ListenLoopback reports whether listen serves on a loopback address only
// (127.0.0.0/8, ::1, localhost); an empty host (":9471") is every interface.
// It is false when listen is empty (no server).
func (c *Config) ListenLoopback() bool {
	host, _, err := net.SplitHostPort(c.Listen)
	return err == nil && isLoopback(host)
}
