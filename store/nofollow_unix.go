//go:build linux || darwin || freebsd || openbsd || netbsd || dragonfly

package store

import "syscall"

// oNoFollow refuses to open a symlink as the final path component.
const oNoFollow = syscall.O_NOFOLLOW
