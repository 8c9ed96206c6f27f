package testbin

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestVeilleRunsAndIsShared(t *testing.T) {
	bin := Veille(t)
	out, err := exec.Command(bin, "version").Output()
	if err != nil || !strings.HasPrefix(string(out), "veille "+Version+"\n") {
		t.Fatalf("%s version: %v %q, want it to start with %q", bin, err, out, "veille "+Version)
	}
	if again := Veille(t); again != bin {
		t.Errorf("second call: %s, want the first build %s", again, bin)
	}
}

// TestSourceKey: the key follows what reaches the build and nothing else.
func TestSourceKey(t *testing.T) {
	files := map[string]string{
		"go.mod":            "module example.com/m\n",
		"main.go":           "package main\n",
		"main_test.go":      "package main\n",
		"lex/words.txt":     "a\n",
		"testdata/in.txt":   "x\n",
		".git/HEAD":         "ref\n",
		"sub/go.mod":        "module example.com/sub\n",
		"sub/sub.go":        "package sub\n",
		"_scratch/notes.go": "package scratch\n",
	}
	tree := func(t *testing.T, edit string) string {
		root := t.TempDir()
		for name, text := range files {
			if name == edit {
				text += "// edited\n"
			}
			p := filepath.Join(root, name)
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		key, err := sourceKey(root)
		if err != nil {
			t.Fatal(err)
		}
		return key
	}
	base := tree(t, "")
	if again := tree(t, ""); again != base {
		t.Fatalf("same files in another folder: key %s, want %s", again, base)
	}
	for _, tc := range []struct {
		edit    string
		changes bool
	}{
		{"go.mod", true},
		{"main.go", true},
		{"lex/words.txt", true}, // may be embedded
		{"main_test.go", false},
		{"testdata/in.txt", false},
		{".git/HEAD", false},
		{"sub/sub.go", false}, // another module
		{"_scratch/notes.go", false},
	} {
		if got := tree(t, tc.edit) != base; got != tc.changes {
			t.Errorf("edit %s: key changed %v, want %v", tc.edit, got, tc.changes)
		}
	}
}
