package config

import (
	"os"
	"path/filepath"
	"testing"
)

// TestAdminSecurityKeys: the admin token lives beside the store unless
// admin_token_file says otherwise, and /metrics needs the token by default
// once the server listens beyond loopback.
func TestAdminSecurityKeys(t *testing.T) {
	for _, tc := range []struct {
		name, extra       string
		tokenFile, metric string
		loopback          bool
	}{
		{"defaults", "", "data/admin.token", MetricsOpen, true},
		{"localhost", "listen: localhost:9471\n", "data/admin.token", MetricsOpen, true},
		{"ipv6 loopback", "listen: \"[::1]:9471\"\n", "data/admin.token", MetricsOpen, true},
		{"every interface", "listen: 0.0.0.0:9471\n", "data/admin.token", MetricsToken, false},
		{"empty host", "listen: \":9471\"\n", "data/admin.token", MetricsToken, false},
		{"explicit", "listen: 0.0.0.0:9471\nadmin_token_file: secrets/api.token\nmetrics_auth: open\n", "secrets/api.token", MetricsOpen, false},
		{"off", "metrics_auth: \"off\"\n", "data/admin.token", MetricsOff, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writeFiles(t, map[string]string{"veille.yaml": "store: data/veille.db\n" + tc.extra + minimal})
			c, err := Load("veille.yaml", Options{Getenv: env(nil)})
			if err != nil {
				t.Fatal(err)
			}
			dir, _ := os.Getwd()
			if want := filepath.Join(dir, tc.tokenFile); c.AdminTokenFile != want {
				t.Errorf("AdminTokenFile = %s, want %s", c.AdminTokenFile, want)
			}
			if c.MetricsAuth != tc.metric {
				t.Errorf("MetricsAuth = %q, want %q", c.MetricsAuth, tc.metric)
			}
			if c.ListenLoopback() != tc.loopback {
				t.Errorf("ListenLoopback() = %v, want %v", c.ListenLoopback(), tc.loopback)
			}
		})
	}
	writeFiles(t, map[string]string{"veille.yaml": "metrics_auth: public\n" + minimal})
	_, err := Load("veille.yaml", Options{Getenv: env(nil)})
	sameLines(t, problemLines(t, err), []string{`veille.yaml:1: metrics_auth: expected open, token or off, got "public"`})
}
