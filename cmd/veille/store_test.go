package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/internal/testbin"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// TestDamagedStoreCommand runs `veille leads` on damaged store files: the
// process exits 1 with the one line that names the file and how to
// restore it, no panic, no stack, and the file is left as it was.
func TestDamagedStoreCommand(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := testbin.Veille(t)
	good := filepath.Join(t.TempDir(), "veille.db")
	st, err := store.Open(good, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(func(tx *store.Tx) error {
		for i := range 2000 {
			src := signals.Source{ID: fmt.Sprintf("src%04d", i), URL: fmt.Sprintf("https://example.com/%d.xml", i)}
			if err := tx.PutSourceState(src, signals.SourceState{ETag: fmt.Sprint(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	orig, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	const page = 4096
	for _, tc := range []struct {
		name, want string
		damage     func([]byte) []byte
	}{
		{"page headers overwritten", "is damaged (", func(b []byte) []byte {
			for p := 2; p < len(b)/page; p++ {
				copy(b[p*page:p*page+16], bytes.Repeat([]byte{0xff}, 16))
			}
			return b
		}},
		{"truncated to half", "is damaged (", func(b []byte) []byte { return b[:len(b)/2] }},
		{"empty", "is empty or truncated (0 bytes)", func([]byte) []byte { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			db := filepath.Join(dir, "veille.db")
			data := tc.damage(bytes.Clone(orig))
			if err := os.WriteFile(db, data, 0o600); err != nil {
				t.Fatal(err)
			}
			cfg := filepath.Join(dir, "veille.yaml")
			if err := os.WriteFile(cfg, fmt.Appendf(nil, "store: %s\nlisten: \"\"\n", db), 0o600); err != nil {
				t.Fatal(err)
			}
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(bin, "leads", "-c", cfg)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != exitError {
				t.Fatalf("exit %v, want code %d\nstderr:\n%s", err, exitError, stderr.String())
			}
			msg := stderr.String()
			want := fmt.Sprintf("veille: store %s %s", db, tc.want)
			if !strings.HasPrefix(msg, want) || !strings.Contains(msg, "restore the last backup with `cp BACKUP "+db+"`") ||
				strings.Count(msg, "\n") != 1 || strings.Contains(msg, "goroutine") {
				t.Errorf("stderr:\n%s\nwant one line starting %q with how to restore", msg, want)
			}
			if after, err := os.ReadFile(db); err != nil || !bytes.Equal(after, data) {
				t.Errorf("store file changed by the command (%v)", err)
			}
		})
	}
}
