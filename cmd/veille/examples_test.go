package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestREADMEFirstSteps runs README's copy of the example, as written, in an
// empty folder, then `veille check` on the copy: the example's relative
// paths (CSV, password file, store) must all resolve there.
func TestREADMEFirstSteps(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var cp string
	for line := range strings.Lines(string(readme)) {
		if strings.HasPrefix(line, "cp examples/") {
			cp, _, _ = strings.Cut(line, "#")
			break
		}
	}
	if cp == "" {
		t.Fatal("README has no line copying examples/")
	}
	repo, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(repo, "examples"), filepath.Join(dir, "examples")); err != nil {
		t.Fatal(err)
	}
	sh := exec.Command("sh", "-c", cp)
	sh.Dir = dir
	if out, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", cp, err, out)
	}
	os.Remove(filepath.Join(dir, "examples")) // the copy must stand alone
	t.Chdir(dir)
	out, stderr, err := runCmd(t, "check", "-c", "veille.yaml")
	if err != nil {
		t.Fatalf("check on README's copy of the example: %v\n%s%s", err, out, stderr)
	}
	if want := "store:       " + filepath.Join(dir, "veille.db"); !strings.Contains(out, want) {
		t.Errorf("check output lacks %q:\n%s", want, out)
	}
}
