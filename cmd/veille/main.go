// Command veille watches prospect companies' news, scores leads and mails
// each sales rep a morning digest. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := guarded(func() error { return run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr) })
	stop()
	os.Exit(exitCode(err, os.Stderr))
}
