//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly)

package store

// oNoFollow is 0 where the platform has no O_NOFOLLOW; O_EXCL still
// refuses an existing symlink.
const oNoFollow = 0
