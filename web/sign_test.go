package web

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

var t0 = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

func TestSignVerify(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	s := NewSigner(key, 30*24*time.Hour)
	claims := Claims{Kind: signals.LinkWrongCompany, Rep: "alice", Watchlist: "agro", Company: "Kerlann", Signal: "abc123"}
	good := s.Sign(claims, t0)
	p64, m64, _ := strings.Cut(good, ".")
	other := NewSigner([]byte("another key of thirty-two bytes!"), 30*24*time.Hour).Sign(claims, t0)
	// Alice's MAC over the same claims naming bob: a rep cannot act as another.
	bob := claims
	bob.Rep, bob.Expires = "bob", t0.Add(30*24*time.Hour)
	bobPayload := base64.RawURLEncoding.EncodeToString(encodeClaims(bob))
	flipped := []byte(m64)
	flipped[3] ^= 1

	tests := []struct {
		name  string
		token string
		at    time.Time
		want  error
	}{
		{"fresh", good, t0, nil},
		{"just before expiry", good, t0.Add(30*24*time.Hour - time.Second), nil},
		{"at expiry", good, t0.Add(30 * 24 * time.Hour), ErrExpired},
		{"long expired", good, t0.Add(90 * 24 * time.Hour), ErrExpired},
		{"another server's key", other, t0, ErrForged},
		{"wrong rep", bobPayload + "." + m64, t0, ErrForged},
		{"mac altered", p64 + "." + string(flipped), t0, ErrForged},
		{"mac missing", p64, t0, ErrForged},
		{"mac truncated", p64 + "." + m64[:10], t0, ErrForged},
		{"not base64", "%%%.%%%", t0, ErrForged},
		{"empty", "", t0, ErrForged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Verify(tt.token, tt.at)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Verify: %v, want %v", err, tt.want)
			}
			if err == nil && (got.Rep != "alice" || got.Kind != claims.Kind || got.LeadKey() != signals.LeadKey("agro", "Kerlann") || got.Signal != "abc123") {
				t.Errorf("claims = %+v", got)
			}
		})
	}
}

func TestClaimsRoundTrip(t *testing.T) {
	c := Claims{Kind: signals.LinkWeb, Rep: "élodie", Watchlist: "agro\x00x", Company: "Légumerie de l'Elorn", Expires: t0}
	got, err := decodeClaims(encodeClaims(c))
	if err != nil || got != c {
		t.Fatalf("decode(encode(%+v)) = %+v, %v", c, got, err)
	}
	for _, bad := range [][]byte{nil, {2}, {1, 200}, encodeClaims(c)[:9], append(encodeClaims(c), 0)} {
		if _, err := decodeClaims(bad); err == nil {
			t.Errorf("decodeClaims(%x): no error", bad)
		}
	}
}

func TestEnsureSecret(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "public.secret")
	k1, created, err := EnsureSecret(path)
	if err != nil || !created || len(k1) != secretBytes {
		t.Fatalf("first EnsureSecret: %d bytes, created %v, %v", len(k1), created, err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret file mode %v (%v), want 0600", st.Mode().Perm(), err)
	}
	k2, created, err := EnsureSecret(path)
	if err != nil || created || string(k2) != string(k1) {
		t.Fatalf("second EnsureSecret: created %v, same key %v, %v", created, string(k2) == string(k1), err)
	}
	os.WriteFile(path, []byte("short\n"), 0o600)
	if _, _, err := EnsureSecret(path); err == nil || !strings.Contains(err.Error(), "delete it and restart") {
		t.Fatalf("damaged secret: %v, want an error saying what to do", err)
	}
}
