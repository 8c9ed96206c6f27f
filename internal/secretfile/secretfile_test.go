package secretfile

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func read(path string) (string, error) {
	b, err := os.ReadFile(path)
	return strings.TrimSpace(string(b)), err
}

func TestEnsureCreatesOnceWithMode0600(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secrets", "key")
	first, created, err := Ensure(path, "test key", read)
	if err != nil || !created || len(first) != 64 {
		t.Fatalf("first Ensure: %q, created %v, %v; want 64 hex digits, created", first, created, err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v; want 0600", fi.Mode().Perm(), err)
	}
	again, created, err := Ensure(path, "test key", read)
	if err != nil || created || again != first {
		t.Fatalf("second Ensure: %q, created %v, %v; want the first secret, not created", again, created, err)
	}
}

func TestEnsureNeverWritesThroughASymlink(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "elsewhere")
	path := filepath.Join(dir, "key")
	if err := os.Symlink(target, path); err != nil {
		t.Skip(err)
	}
	if _, _, err := Ensure(path, "test key", read); err == nil {
		t.Fatal("Ensure through a dangling symlink: want an error")
	}
	if _, err := os.Stat(target); err == nil {
		t.Fatal("Ensure wrote through the symlink")
	}
}
