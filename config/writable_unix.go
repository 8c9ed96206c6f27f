//go:build unix

package config

import "golang.org/x/sys/unix"

// writable asks the kernel whether this user may write p (and enter it,
// for a folder), without writing anything.
func writable(p string, dir bool) error {
	mode := uint32(unix.W_OK)
	if dir {
		mode |= unix.X_OK
	}
	return unix.Access(p, mode)
}
