package web

import (
	"encoding/hex"
	"fmt"
	"os"
	"strings"

	"github.com/veille-hq/veille/internal/secretfile"
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
	return secretfile.Ensure(path, "public link secret", ReadSecret)
}
