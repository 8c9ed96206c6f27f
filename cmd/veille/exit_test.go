package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// crashEnv makes the test binary play a veille process that crashes the
// way its value says, so the exit status is the real one of a process.
const crashEnv = "VEILLE_TEST_CRASH"

func TestMain(m *testing.M) {
	switch os.Getenv(crashEnv) {
	case "":
		os.Exit(m.Run())
	case "panic":
		// What main does, with a command that panics.
		os.Exit(exitCode(guarded(func() error { panic("boom") }), os.Stderr))
	case "goroutine panic":
		// A panic no recover can catch: the runtime ends the process itself.
		done := make(chan struct{})
		go func() { panic("boom in a goroutine") }()
		<-done
	case "usage":
		os.Exit(exitCode(guarded(func() error {
			return run(context.Background(), []string{"no-such-command"}, nil, &bytes.Buffer{}, os.Stderr)
		}), os.Stderr))
	}
}

// TestExitCodes checks the codes a supervisor tells apart: a wrong command
// line (64, never retried) differs from a crash, whether main recovers it
// (70) or the runtime ends the process (2); both must be restarted.
func TestExitCodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		crash  string
		code   int
		stderr string
	}{
		{"usage", exitUsage, `unknown command "no-such-command"`},
		{"panic", exitSoftware, "internal error, please report it: panic: boom"},
		{"goroutine panic", 2, "panic: boom in a goroutine"},
	} {
		t.Run(tc.crash, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), crashEnv+"="+tc.crash)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != tc.code {
				t.Fatalf("exit %v, want code %d\n%s", err, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, stderr.String())
			}
		})
	}
	if exitUsage == 2 || exitSoftware == 2 {
		t.Errorf("exit codes usage %d, software %d: 2 is the Go runtime's own crash code", exitUsage, exitSoftware)
	}
}

// TestPanicIsReported checks that a recovered panic prints its stack.
func TestPanicIsReported(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	code := exitCode(guarded(func() error { var m map[string]int; m["x"] = 1; return nil }), &stderr)
	if code != exitSoftware || !strings.Contains(stderr.String(), "assignment to entry in nil map") || !strings.Contains(stderr.String(), "exit_test.go") {
		t.Errorf("exit %d, stderr:\n%s\nwant %d with the panic and its stack", code, stderr.String(), exitSoftware)
	}
}
