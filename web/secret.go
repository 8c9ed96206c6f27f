package web

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// secretBytes is the size of the links' HMAC key.
const secretBytes = 32

// ReadSecret returns the links' key stored in path (hex).
func ReadSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("public link secret: %w (the daemon writes it at its first start; run the command as the daemon's user)", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < secretBytes {
		return nil, fmt.Errorf("public link secret %s is not %d hex-encoded bytes: delete it and restart the daemon to make a new one (links already sent stop working)", path, secretBytes)
	}
	return key, nil
}

// EnsureSecret returns the key in path, first creating the file with a
// new random key (crypto/rand) when there is none: O_EXCL, so a file or
// symlink planted there is never written through, and mode 0600. created
// says whether this call made it.
func EnsureSecret(path string) (key []byte, created bool, err error) {
	key, err = ReadSecret(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, false, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, false, fmt.Errorf("public link secret: %w", err)
	}
	key = make([]byte, secretBytes)
	rand.Read(key)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process made it first
		key, err := ReadSecret(path)
		return key, false, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("public link secret: %w", err)
	}
	_, err = f.WriteString(hex.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return nil, false, fmt.Errorf("public link secret %s: %w", path, err)
	}
	return key, true, nil
}
