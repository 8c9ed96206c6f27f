// Package secretfile makes the daemon's secrets at first start: the admin
// API token and the key of the reps' signed links are both 32 random
// bytes, hex-encoded, in a file only the daemon's user reads.
package secretfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Ensure returns what read finds in path, first creating the file with 32
// new random bytes (crypto/rand, hex) when there is none: O_EXCL, so a
// file or symlink planted there is never written through, and mode 0600.
// what names the secret in errors; created says whether this call made it.
func Ensure[T any](path, what string, read func(string) (T, error)) (v T, created bool, err error) {
	v, err = read(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return v, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return v, false, fmt.Errorf("%s: %w", what, err)
	}
	var r [32]byte
	rand.Read(r[:])
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process made it first
		v, err := read(path)
		return v, false, err
	}
	if err != nil {
		return v, false, fmt.Errorf("%s: %w", what, err)
	}
	_, err = f.WriteString(hex.EncodeToString(r[:]) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return v, false, fmt.Errorf("%s %s: %w", what, path, err)
	}
	v, err = read(path)
	return v, err == nil, err
}
