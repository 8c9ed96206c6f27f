package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestEveryCommandHasHelp: -h on every command and subcommand exits 0 and
// starts with the command's name and a one-line description.
func TestEveryCommandHasHelp(t *testing.T) {
	t.Parallel()
	var names []string
	for n := range commands() {
		names = append(names, n)
	}
	for s := range subcommands {
		names = append(names, s)
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			args := append(strings.Fields(name), "-h")
			stdout, stderr, err := runCmd(t, args...)
			if code := exitCode(err, &bytes.Buffer{}); code != exitOK {
				t.Errorf("exit %d (%v), want 0", code, err)
			}
			first, _, _ := strings.Cut(stdout+stderr, "\n")
			if want := "veille " + name + ": " + summary(name); first != want || summary(name) == "" {
				t.Errorf("first line %q, want %q", first, want)
			}
			if strings.Contains(stderr, "Usage of") {
				t.Errorf("flag's default usage, naming another command:\n%s", stderr)
			}
		})
	}
}

func TestUnknownCommandSuggests(t *testing.T) {
	t.Parallel()
	tests := []struct{ arg, want string }{
		{"leds", `unknown command "leds" (did you mean leads?)`},
		{"sigals", `(did you mean signals?)`},
		{"outbx", `(did you mean outbox?)`},
		{"chek", `(did you mean check?)`},
		{"frobnicate", `unknown command "frobnicate"` + "\n"},
	}
	for _, tt := range tests {
		_, _, err := runCmd(t, tt.arg)
		var msg bytes.Buffer
		if code := exitCode(err, &msg); code != exitUsage {
			t.Errorf("%s: exit %d, want %d", tt.arg, code, exitUsage)
		}
		if !strings.Contains(msg.String(), tt.want) {
			t.Errorf("%s: %q lacks %q", tt.arg, msg.String(), tt.want)
		}
	}
}
