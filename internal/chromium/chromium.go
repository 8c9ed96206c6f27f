// Package chromium finds the distribution's headless Chromium and starts it
// through chromedp with bounds on time and memory. Both page rendering
// (render: chromium) and the browser tests of the web view use it, so the
// lookup, the error an admin sees when Chromium is missing and the flags
// live in one place.
package chromium

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"

	"github.com/chromedp/chromedp"
)

// Names are the executables tried on PATH, in order; VEILLE_CHROMIUM, when
// set, names the binary to use instead.
var Names = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"}

// ErrNotFound says no Chromium is installed; its text names the package.
var ErrNotFound = errors.New("chromium not found on PATH (install the distribution's package: apt-get install chromium, or set VEILLE_CHROMIUM to its path)")

// Find returns the path of the Chromium binary to run.
func Find() (string, error) {
	if p := os.Getenv("VEILLE_CHROMIUM"); p != "" {
		path, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("VEILLE_CHROMIUM=%q: %w", p, err)
		}
		return path, nil
	}
	for _, n := range Names {
		if path, err := exec.LookPath(n); err == nil {
			return path, nil
		}
	}
	return "", ErrNotFound
}

// Options bound one browser process.
type Options struct {
	// HeapMB caps the V8 heap of each renderer (0: Chromium's default).
	HeapMB int
	// ExtraFlags are added after the defaults (name → value; true for a bare switch).
	ExtraFlags map[string]any
}

// NewAllocator returns a chromedp allocator context for a headless Chromium
// at path, without sandbox when running as root (containers, CI), with no
// GPU, extensions or first-run noise. Cancel the returned func to stop the
// browser.
func NewAllocator(ctx context.Context, path string, o Options) (context.Context, context.CancelFunc) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:0:0], chromedp.DefaultExecAllocatorOptions[:]...)
	opts = append(opts,
		chromedp.ExecPath(path),
		chromedp.Flag("headless", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-extensions", true),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	if o.HeapMB > 0 {
		opts = append(opts, chromedp.Flag("js-flags", fmt.Sprintf("--max-old-space-size=%d", o.HeapMB)))
	}
	for k, v := range o.ExtraFlags {
		opts = append(opts, chromedp.Flag(k, v))
	}
	return chromedp.NewExecAllocator(ctx, opts...)
}
