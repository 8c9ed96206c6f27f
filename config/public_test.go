package config

import (
	"path/filepath"
	"testing"
	"time"
)

func TestPublicKeys(t *testing.T) {
	tests := []struct {
		name string
		head string
		want []string
	}{
		{name: "none: no links, no server", head: ""},
		{name: "both", head: "public_url: https://veille.example.com/reps\npublic_listen: 127.0.0.1:9472\n"},
		{
			name: "url without listener",
			head: "public_url: https://veille.example.com\n",
			want: []string{`veille.yaml:1: public_url: needs public_listen: the links point to the daemon's public listener`},
		},
		{
			name: "listener without url",
			head: "public_listen: :9472\n",
			want: []string{`veille.yaml:1: public_listen: needs public_url: the address reps' links are built from`},
		},
		{
			name: "not http",
			head: "public_url: ftp://veille.example.com\npublic_listen: :9472\n",
			want: []string{`veille.yaml:1: public_url: expected an absolute http(s) URL such as https://veille.example.com, got "ftp://veille.example.com"`},
		},
		{
			name: "query",
			head: "public_url: https://veille.example.com/?a=b\npublic_listen: :9472\n",
			want: []string{`veille.yaml:1: public_url: must hold no user, query or fragment: links add their own path to it`},
		},
		{
			name: "the admin API's port",
			head: "listen: 127.0.0.1:9471\npublic_url: https://veille.example.com\npublic_listen: 0.0.0.0:9471\n",
			want: []string{`veille.yaml:3: public_listen: must differ from listen "127.0.0.1:9471": the admin API stays private`},
		},
		{
			name: "lifetime",
			head: "public_link_ttl: 0s\n",
			want: []string{`veille.yaml:1: public_link_ttl: must be more than 0`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeFiles(t, map[string]string{"veille.yaml": tt.head + minimal})
			_, err := Load("veille.yaml", Options{Getenv: env(nil)})
			sameLines(t, problemLines(t, err), tt.want)
		})
	}
}

func TestPublicDefaults(t *testing.T) {
	writeFiles(t, map[string]string{"veille.yaml": "store: data/v.db\npublic_url: http://veille.lan\npublic_listen: :9472\n" + minimal})
	c, err := Load("veille.yaml", Options{Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := c.PublicSecretFile, filepath.Join(filepath.Dir(c.Store), DefaultPublicSecretFile); got != want {
		t.Errorf("public_secret_file = %q, want %q", got, want)
	}
	if c.PublicLinkTTL.D() != 30*24*time.Hour {
		t.Errorf("public_link_ttl = %v, want 30d", c.PublicLinkTTL.D())
	}
	if !c.Public() || !c.PublicInClear() {
		t.Errorf("Public() = %v, PublicInClear() = %v; want both true for http on a LAN name", c.Public(), c.PublicInClear())
	}
}
