package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCheckCatchesWhatWillFail: check reports, with FILE:LINE, what loads
// but fails or never matches later; warnings keep exit 0 unless --strict.
func TestCheckCatchesWhatWillFail(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "data"), nil, 0o600)
	head := "store: STORE\nlisten: \"\"\nsmtp: {host: smtp.example.com, port: PORT, tls: starttls, from: v@example.com}\n" +
		"reps: [{id: a, name: A, email: a@example.com}]\n" +
		"watchlists:\n  - id: wl\n    owner: a\n    fit: [{field: FIELD, min: 50, points: 10}]\n    prospects_csv: p.csv\n"
	os.WriteFile(filepath.Join(dir, "p.csv"), []byte("name,aliases,headcount\nAcme Industries,ACMEI,abc\n"), 0o600)
	tests := []struct {
		name, store, port, field string
		strict                   bool
		code                     int
		stdout, stderr           []string
	}{
		{name: "fine but for warnings", store: "veille.db", port: "587", field: "headcount", code: exitOK,
			stdout: []string{
				`warning: DIR/p.csv:2: headcount: "abc" is not a number`,
				`warning: DIR/p.csv:2: wl/Acme Industries: alias "ACMEI" is one word`,
				"1 feed", // none of the plurals says "1 feeds"
			}},
		{name: "warnings with --strict", store: "veille.db", port: "587", field: "headcount", strict: true, code: exitError,
			stderr: []string{"2 warnings and --strict"}},
		{name: "a field no prospect has", store: "veille.db", port: "587", field: "headcont", code: exitOK,
			stdout: []string{`warning: CFG:8: watchlists[0].fit[0].field: no prospect of watch list "wl" has the field "headcont", so the rule never adds points (did you mean headcount?)`}},
		{name: "port 465 with starttls", store: "veille.db", port: "465", field: "headcount", code: exitError,
			stderr: []string{"CFG:3: smtp.port: port 465 speaks implicit TLS"}},
		{name: "a store folder that cannot be made", store: filepath.Join(dir, "data", "veille", "veille.db"), port: "587", field: "headcount", code: exitError,
			stderr: []string{"CFG:1: store: cannot create " + filepath.Join(dir, "data", "veille") + ": " + filepath.Join(dir, "data") + " is a file, not a folder"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := filepath.Join(dir, "veille.yaml")
			text := strings.NewReplacer("STORE", tt.store, "PORT", tt.port, "FIELD", tt.field).Replace(head)
			if tt.name == "fine but for warnings" {
				text = strings.Replace(text, "    prospects_csv", "    feeds: [https://news.example.org/feed]\n    prospects_csv", 1)
			}
			os.WriteFile(cfg, []byte(text), 0o600)
			args := []string{"check", "-c", cfg}
			if tt.strict {
				args = append(args, "--strict")
			}
			stdout, stderr, err := runCmd(t, args...)
			if code := exitCode(err, &bytes.Buffer{}); code != tt.code {
				t.Errorf("exit %d (%v), want %d\nstdout:\n%s\nstderr:\n%s", code, err, tt.code, stdout, stderr)
			}
			for _, want := range tt.stdout {
				if want = strings.NewReplacer("CFG", cfg, "DIR", dir).Replace(want); !strings.Contains(stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, stdout)
				}
			}
			for _, want := range tt.stderr {
				if want = strings.NewReplacer("CFG", cfg, "DIR", dir).Replace(want); !strings.Contains(stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, stderr)
				}
			}
		})
	}
}
