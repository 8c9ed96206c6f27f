package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPlural(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		n    int
		want string
	}{{0, "0 sites"}, {1, "1 site"}, {2, "2 sites"}} {
		if got := plural(tt.n, "site", "sites"); got != tt.want {
			t.Errorf("plural(%d) = %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestClosest(t *testing.T) {
	t.Parallel()
	names := []string{"leads", "signals", "sources", "store", "outbox", "once", "run"}
	for _, tt := range []struct{ in, want string }{
		{"leads", "leads"}, {"lead", "leads"}, {"sotre", "store"}, {"soruces", "sources"},
		{"rn", ""}, // one edit, but half the word: another word
		{"xyzzy", ""},
	} {
		if got := closest(tt.in, names); got != tt.want {
			t.Errorf("closest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestUnknownIDsAreErrors: a --watchlist or --rep the config does not
// define fails naming the known ones, instead of printing an empty table.
func TestUnknownIDsAreErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "veille.yaml")
	os.WriteFile(cfg, []byte(`store: veille.db
listen: ""
smtp: {host: 127.0.0.1, tls: none, from: veille@example.com}
reps: [{id: alice, name: Alice, email: alice@example.com}, {id: bob, name: Bob, email: bob@example.com}]
watchlists:
  - {id: agro, owner: alice, prospects: [{name: Acme Foods}]}
  - {id: industrie, owner: bob, prospects: [{name: Bolt Industries}]}
`), 0o600)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"leads", "--watchlist", "nope"}, `--watchlist "nope": no such watch list in CFG (known: agro, industrie)`},
		{[]string{"signals", "--watchlist", "nope"}, `--watchlist "nope": no such watch list in CFG (known: agro, industrie)`},
		{[]string{"leads", "--rep", "carol"}, `--rep "carol": no such rep in CFG (known: alice, bob)`},
		{[]string{"classify", "--watchlist", "nope"}, `--watchlist "nope": no such watch list in CFG (known: agro, industrie)`},
		{[]string{"leads", "--watchlist", "agro"}, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, stderr, err := runCmd(t, append(tt.args, "-c", cfg)...)
			var msg bytes.Buffer
			code := exitCode(err, &msg)
			if tt.want == "" {
				if code != exitOK {
					t.Errorf("exit %d: %s%s", code, msg.String(), stderr)
				}
				return
			}
			if want := strings.ReplaceAll(tt.want, "CFG", cfg); code != exitError || !strings.Contains(msg.String(), want) {
				t.Errorf("exit %d, %q; want exit 1 and %q", code, msg.String(), want)
			}
		})
	}
}
