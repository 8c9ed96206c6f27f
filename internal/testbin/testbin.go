// Package testbin builds the veille binary for the tests that run it as a
// subprocess. The binary is built once per source tree and shared: between
// the tests of a package, between test packages that `go test ./...` runs
// in parallel, and between runs, which find it in a cache folder keyed by a
// hash of the module's source.
package testbin

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// Version is what the linker stamps into main.version, as deploy/Dockerfile
// stamps VERSION.
const Version = "v0.0.0-testbin"

// pkg is the command the binary is built from.
const pkg = "github.com/veille-hq/veille/cmd/veille"

// buildFlags link it as deploy/Dockerfile does (stripped, version stamped),
// without a VCS stamp, which would tie the binary to git state the cache key
// leaves out. It compiles in the default configuration, not the
// Dockerfile's CGO_ENABLED=0 -trimpath: it then reuses what `go vet` and
// `go test` compiled and only links, where the Dockerfile's configuration
// compiles the standard library and every dependency again (minutes on a
// cold CI cache) for a difference no test observes.
var buildFlags = []string{"-buildvcs=false", "-ldflags=-s -w -X main.version=" + Version}

// unusedFor is how long a cached binary no run has asked for is kept.
const unusedFor = time.Hour

var built struct {
	once sync.Once
	bin  string
	err  error
}

// Veille returns the path of a veille binary built from the module's
// current source. A build failure fails the test.
func Veille(t testing.TB) string {
	t.Helper()
	built.once.Do(func() { built.bin, built.err = veille() })
	if built.err != nil {
		t.Fatal(built.err)
	}
	// Marks the binary as used, so pruning by another run keeps it.
	now := time.Now()
	os.Chtimes(filepath.Dir(built.bin), now, now)
	return built.bin
}

func veille() (string, error) {
	root, err := moduleRoot()
	if err != nil {
		return "", err
	}
	key, err := sourceKey(root)
	if err != nil {
		return "", err
	}
	cache, err := cacheDir()
	if err != nil {
		return "", err
	}
	unlock, err := lock(filepath.Join(cache, "lock"))
	if err != nil {
		return "", fmt.Errorf("lock the test binary cache %s: %w", cache, err)
	}
	defer unlock()

	dir := filepath.Join(cache, key)
	bin := filepath.Join(dir, "veille")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	prune(cache, key)
	// Built beside, then renamed: a killed build leaves no binary under the
	// key, and a process without the lock never sees a partial file.
	tmp, err := os.MkdirTemp(cache, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.Command("go", append(append([]string{"build"}, buildFlags...), "-o", filepath.Join(tmp, "veille"), pkg)...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build %s: %v\n%s", pkg, err, out)
	}
	if err := os.Rename(tmp, dir); err != nil && !exists(bin) {
		return "", fmt.Errorf("store the test binary: %w", err)
	}
	return bin, nil
}

// moduleRoot is the folder holding go.mod, from the test's working folder
// (its package's folder) up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test's folder")
		}
		dir = parent
	}
}

// sourceKey hashes what the binary is built from: the toolchain and its
// settings, the build flags, and every file of the module that can reach
// the build (test files, testdata and folders go ignores left out).
func sourceKey(root string) (string, error) {
	h := sha256.New()
	goEnv, err := exec.Command("go", "env", "GOVERSION", "GOOS", "GOARCH", "GOFLAGS", "GOEXPERIMENT", "GOAMD64", "GOARM64", "GOWORK", "CGO_ENABLED").Output()
	if err != nil {
		return "", fmt.Errorf("go env: %w", err)
	}
	fmt.Fprintf(h, "%s\n%s\n", goEnv, strings.Join(buildFlags, " "))
	var files []string
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := d.Name()
		if d.IsDir() {
			if path != root && (name == "testdata" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || exists(filepath.Join(path, "go.mod"))) {
				return filepath.SkipDir
			}
			return nil
		}
		if d.Type().IsRegular() && !strings.HasSuffix(name, "_test.go") {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("hash the source under %s: %w", root, err)
	}
	sort.Strings(files)
	for _, p := range files {
		rel, _ := filepath.Rel(root, p)
		f, err := os.Open(p)
		if err != nil {
			return "", fmt.Errorf("hash the source: %w", err)
		}
		fmt.Fprintf(h, "%s\x00", filepath.ToSlash(rel))
		_, err = io.Copy(h, f)
		f.Close()
		if err != nil {
			return "", fmt.Errorf("hash %s: %w", p, err)
		}
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:24], nil
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// cacheDir is the user's cache folder, or the temp folder when there is
// none (no HOME).
func cacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		base = os.TempDir()
	}
	dir := filepath.Join(base, "veille-testbin")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("test binary cache: %w", err)
	}
	return dir, nil
}

// prune removes binaries of other source trees that no run has asked for
// lately, and builds that a killed process left behind.
func prune(cache, keep string) {
	entries, err := os.ReadDir(cache)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == keep {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > unusedFor {
			os.RemoveAll(filepath.Join(cache, e.Name()))
		}
	}
}
