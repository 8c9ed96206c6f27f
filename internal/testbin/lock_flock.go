//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package testbin

import (
	"os"
	"syscall"
)

// lock takes an exclusive lock on path, waiting for it: test packages
// that `go test` runs in parallel build the binary once, the others wait.
// The kernel drops the lock if the process dies.
func lock(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
