package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestSMTPPortFollowsTLSMode(t *testing.T) {
	for _, tc := range []struct {
		smtp string
		port int
	}{
		{"{host: smtp.example.com, from: v@example.com}", 587},
		{"{host: smtp.example.com, tls: starttls, from: v@example.com}", 587},
		{"{host: smtp.example.com, tls: tls, from: v@example.com}", 465},
		{"{host: 127.0.0.1, tls: none, from: v@example.com}", 25},
		{"{host: smtp.example.com, tls: tls, port: 2465, from: v@example.com}", 2465},
	} {
		p := filepath.Join(t.TempDir(), "veille.yaml")
		os.WriteFile(p, []byte("smtp: "+tc.smtp+"\nreps: [{id: a, name: A, email: a@example.com}]\n"), 0o600)
		cfg, err := Load(p, Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.smtp, err)
		}
		if cfg.SMTP.Port != tc.port {
			t.Errorf("%s: port %d, want %d", tc.smtp, cfg.SMTP.Port, tc.port)
		}
	}
}
