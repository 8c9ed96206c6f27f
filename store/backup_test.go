package store

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

// TestBackupFileRefusesTheStore: a backup written over the live store would
// replace the file under the daemon, whatever name reaches it.
func TestBackupFileRefusesTheStore(t *testing.T) {
	s := openTemp(t)
	if err := s.Update(func(tx *Tx) error {
		return tx.PutItem(signals.Item{SourceID: "src", GUID: "g1", Title: "news"}, t0)
	}); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(s.Path())
	before, err := os.ReadFile(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(t.TempDir(), "link.db")
	if err := os.Symlink(s.Path(), link); err != nil {
		t.Fatal(err)
	}
	linkDir := filepath.Join(t.TempDir(), "state")
	if err := os.Symlink(dir, linkDir); err != nil {
		t.Fatal(err)
	}
	hard := filepath.Join(dir, "hard.db")
	if err := os.Link(s.Path(), hard); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, out string }{
		{"same path", s.Path()},
		{"uncleaned path", dir + "/./sub/../veille.db"},
		{"symlink to the store", link},
		{"through a symlinked folder", filepath.Join(linkDir, "veille.db")},
		{"hard link", hard},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.BackupFile(tc.out)
			if !errors.Is(err, ErrBackupOntoStore) {
				t.Fatalf("BackupFile(%s) = %v, want ErrBackupOntoStore", tc.out, err)
			}
			after, _ := os.ReadFile(s.Path())
			if !bytes.Equal(before, after) {
				t.Error("the store file changed")
			}
		})
	}
	if err := s.View(func(tx *Tx) error {
		if !tx.HasItem("src", "g:g1") {
			t.Error("the store lost its item")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
}

// TestBackupFileIgnoresPlantedTemp: a symlink planted at OUT.tmp (or any
// guessable temp name) must not redirect the copy into another file.
func TestBackupFileIgnoresPlantedTemp(t *testing.T) {
	s := openTemp(t)
	dir := t.TempDir()
	victim := filepath.Join(t.TempDir(), "victim")
	if err := os.WriteFile(victim, []byte("precious"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "copy.db")
	if err := os.Symlink(victim, out+".tmp"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BackupFile(out); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(victim); string(b) != "precious" {
		t.Errorf("the planted symlink was followed: victim holds %d bytes", len(b))
	}
	st, err := os.Lstat(out)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Mode().IsRegular() || st.Mode().Perm() != 0o600 {
		t.Errorf("backup is %v, want a regular file with mode 0600", st.Mode())
	}
	c, err := Open(out, time.Second)
	if err != nil {
		t.Fatalf("the backup does not open: %v", err)
	}
	c.Close()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".copy.db.") {
			t.Errorf("temp file %s left behind", e.Name())
		}
	}
}
