package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"runtime/debug"
	"sort"
	"strings"
	"time"
)

// Exit codes. A wrong command line is 64 (sysexits EX_USAGE), not 2: Go's
// runtime exits 2 on a fatal error or an unrecovered panic in another
// goroutine, and the systemd unit must restart after those while never
// retrying a command line that cannot work (RestartPreventExitStatus=64).
const (
	exitOK       = 0
	exitError    = 1  // the command failed: bad config, locked store, send failure...
	exitUsage    = 64 // the command line itself is wrong
	exitSoftware = 70 // a bug: a panic recovered in the main goroutine (EX_SOFTWARE)
)

// usageError marks a wrong command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errSilent is a failure already reported on stdout/stderr (e.g. `check`).
var errSilent = errors.New("failed")

// panicError is a panic of the command, recovered with its stack.
type panicError struct {
	value any
	stack []byte
}

func (e panicError) Error() string { return fmt.Sprintf("panic: %v", e.value) }

// guarded runs f and turns its panic into a panicError, so the process
// exits with exitSoftware and the stack instead of Go's 2.
func guarded(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicError{r, debug.Stack()}
		}
	}()
	return f()
}

func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	var pe panicError
	if errors.As(err, &pe) {
		fmt.Fprintf(stderr, "veille: internal error, please report it: %v\n%s", pe, pe.stack)
		return exitSoftware
	}
	var ue usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "veille: %s\nRun 'veille help' for the commands.\n", ue.msg)
		return exitUsage
	}
	if !errors.Is(err, errSilent) {
		fmt.Fprintf(stderr, "veille: %v\n", err)
	}
	return exitError
}

type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

// env is what every command gets: the standard streams and the clock.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	now            func() time.Time

	// Timings tests shorten; zero means configPollInterval,
	// daemon.DefaultStopTimeout and storeOpenTimeout.
	configPoll, stopTimeout, storeWait time.Duration
}

func commands() map[string]command {
	m := map[string]command{
		"run":      {"the daemon: poll on schedule, send digests, serve /healthz", cmdRun},
		"once":     {"one poll cycle, queue and send alerts, drain the outbox, exit", cmdOnce},
		"check":    {"validate the config and print what it holds", cmdCheck},
		"digest":   {"build digests now: write previews (--out) or queue and send (--send)", cmdDigest},
		"feedback": {"reps' feedback from their links: which sources and phrases mislead", cmdFeedback},
		"leads":    {"leads with score, tier, trend, why", cmdLeads},
		"signals":  {"signals with labels, evidence and sources", cmdSignals},
		"sources":  {"each source's state: last success, backoff, last error, silent since", cmdSources},
		"outbox":   {"messages waiting or failed: list, retry [ID|--all], drop ID", cmdOutbox},
		"store":    {"store backup --out FILE | store compact", cmdStore},
		"classify": {"classify stdin (text: one item a line; jsonl)", cmdClassify},
		"rescan":   {"match and classify stored items again after a config edit; print what changed", cmdRescan},
		"demo":     {"run the built-in demo: no config, no network, no SMTP", cmdDemo},
		"discover": {"find a site's feeds, or propose selectors for its news page", cmdDiscover},
		"version":  {"build information", cmdVersion},
		"health":   {"exit 0 if the daemon's /healthz says ok or degraded, else 1", cmdHealth},
	}
	maps.Copy(m, sourceCommands())
	return m
}

// run is the whole program; main only wires the process to it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, now: time.Now}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return usageError{"no command given"}
		}
		return nil
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		return unknownCommand(args[0])
	}
	return cmd.run(ctx, e, args[1:])
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "veille — sales-intelligence watch: feeds and pages in, scored leads and morning digests out.")
	fmt.Fprintln(w, "\nUsage: veille COMMAND [flags]   (veille COMMAND -h for its flags)")
	fmt.Fprintln(w, "\nCommands:")
	names := make([]string, 0, len(commands()))
	for n := range commands() {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-11s %s\n", n, commands()[n].summary)
	}
}

// newFlags makes a command's flag set; parse errors become usage errors.
func newFlags(e *env, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("veille "+name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	setUsage(fs, name)
	return fs
}

// commandFlags is newFlags with the flags most commands share.
func commandFlags(e *env, name string) (*flag.FlagSet, *common) {
	fs := newFlags(e, name)
	c := &common{}
	c.register(fs)
	return fs, c
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("%s: unexpected argument %q", fs.Name(), strings.Join(fs.Args(), " "))}
	}
	return nil
}
