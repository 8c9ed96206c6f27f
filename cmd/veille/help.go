package main

import (
	"flag"
	"fmt"
	"slices"
	"strings"
)

// subcommands are the commands' actions, with what -h says of them.
var subcommands = map[string]string{
	"outbox list":   "list the messages waiting or failed, with their tries and last error",
	"outbox retry":  "make a message (ID) or every one (--all, failed ones too) due now, then send what is due",
	"outbox drop":   "delete a message from the outbox for good",
	"store backup":  "write a consistent copy of the store, also while the daemon runs",
	"store compact": "rewrite the store to its smallest size (stop the daemon first)",
}

// operands are what a command takes besides its flags, for its usage line.
var operands = map[string]string{
	"outbox":       "[list|retry|drop] ",
	"outbox retry": "[ID] ",
	"outbox drop":  "ID ",
	"store":        "backup|compact ",
	"discover":     "URL ",
}

// summary is the one line -h prints for a command or subcommand.
func summary(name string) string {
	if s, ok := subcommands[name]; ok {
		return s
	}
	return commands()[name].summary
}

// actionsOf lists a command's subcommands, sorted.
func actionsOf(name string) []string {
	var out []string
	for s := range subcommands {
		if strings.HasPrefix(s, name+" ") {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// setUsage makes -h print the command's one-line description, its usage
// line, its subcommands and its flags.
func setUsage(fs *flag.FlagSet, name string) {
	fs.Usage = func() {
		w := fs.Output()
		fmt.Fprintf(w, "veille %s: %s\n\nUsage: veille %s %s[flags]\n", name, summary(name), name, operands[name])
		if subs := actionsOf(name); len(subs) > 0 {
			fmt.Fprintln(w, "\nSubcommands (veille "+name+" SUBCOMMAND -h for its flags):")
			for _, s := range subs {
				fmt.Fprintf(w, "  %-8s %s\n", strings.TrimPrefix(s, name+" "), subcommands[s])
			}
		}
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(w, "\nFlags:")
			fs.PrintDefaults()
		}
	}
}

// isHelp is a request for help where a subcommand is expected.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "-help" || arg == "--help"
}

// unknownCommand names the closest command to a mistyped one.
func unknownCommand(name string) usageError {
	names := make([]string, 0, len(commands()))
	for n := range commands() {
		names = append(names, n)
	}
	if c := closest(name, names); c != "" {
		return usageError{fmt.Sprintf("unknown command %q (did you mean %s?)", name, c)}
	}
	return usageError{fmt.Sprintf("unknown command %q", name)}
}
