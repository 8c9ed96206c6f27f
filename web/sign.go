package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/veille-hq/veille/signals"
)

// Claims are what a link lets its holder do: one kind of feedback on a
// lead or one of its signals, or (LinkWeb) read a rep's leads, until
// Expires.
type Claims struct {
	Kind      signals.LinkKind
	Rep       string
	Watchlist string // "" for LinkWeb
	Company   string // "" for LinkWeb
	Signal    string // story id for wrong_company and not_relevant
	Expires   time.Time
}

// LeadKey is the key of the lead the claims are about.
func (c Claims) LeadKey() string { return signals.LeadKey(c.Watchlist, c.Company) }

// Why a link is refused. Both show the rep the same page; the metric and
// the log tell them apart.
var (
	ErrForged  = errors.New("link signature does not match")
	ErrExpired = errors.New("link expired")
)

// Signer makes and checks links: HMAC-SHA256 with the server's secret over
// the claims. A link is base64url(claims) "." base64url(mac): opaque, safe
// in a URL path, and its claims need no lookup to verify.
type Signer struct {
	key []byte
	ttl time.Duration
}

// NewSigner signs with key; links live ttl from their signing.
func NewSigner(key []byte, ttl time.Duration) *Signer {
	return &Signer{key: key, ttl: ttl}
}

// TTL is how long a link works.
func (s *Signer) TTL() time.Duration { return s.ttl }

// macDomain separates these MACs from any other use of the secret.
const macDomain = "veille link v1\x00"

// claimsVersion is the first byte of encoded claims.
const claimsVersion = 1

// Sign returns the token for c, valid until now plus the TTL (c.Expires
// is ignored).
func (s *Signer) Sign(c Claims, now time.Time) string {
	c.Expires = now.Add(s.ttl)
	payload := encodeClaims(c)
	return base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(s.mac(payload))
}

func (s *Signer) mac(payload []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(macDomain))
	m.Write(payload)
	return m.Sum(nil)
}

// Verify checks a token's MAC in constant time, then its expiry at now.
// A token that does not parse is forged.
func (s *Signer) Verify(token string, now time.Time) (Claims, error) {
	p64, m64, ok := strings.Cut(token, ".")
	if !ok {
		return Claims{}, ErrForged
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p64)
	mac, err2 := base64.RawURLEncoding.DecodeString(m64)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.mac(payload)) {
		return Claims{}, ErrForged
	}
	c, err := decodeClaims(payload)
	if err != nil {
		return Claims{}, fmt.Errorf("%w: %v", ErrForged, err) // signed by us, so a bug: still refused
	}
	if !now.Before(c.Expires) {
		return c, ErrExpired
	}
	return c, nil
}

func encodeClaims(c Claims) []byte {
	b := []byte{claimsVersion}
	for _, f := range []string{string(c.Kind), c.Rep, c.Watchlist, c.Company, c.Signal} {
		b = binary.AppendUvarint(b, uint64(len(f)))
		b = append(b, f...)
	}
	return binary.AppendVarint(b, c.Expires.Unix())
}

func decodeClaims(b []byte) (Claims, error) {
	if len(b) == 0 || b[0] != claimsVersion {
		return Claims{}, errors.New("unknown claims version")
	}
	b = b[1:]
	var f [5]string
	for i := range f {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return Claims{}, errors.New("truncated claims")
		}
		f[i], b = string(b[k:k+int(n)]), b[k+int(n):]
	}
	exp, k := binary.Varint(b)
	if k <= 0 || k != len(b) {
		return Claims{}, errors.New("bad expiry")
	}
	return Claims{Kind: signals.LinkKind(f[0]), Rep: f[1], Watchlist: f[2], Company: f[3], Signal: f[4], Expires: time.Unix(exp, 0).UTC()}, nil
}
