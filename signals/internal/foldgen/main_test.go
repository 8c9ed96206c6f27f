package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestTableIsGenerated checks that the committed table is what the
// generator writes: regenerating gives the identical file.
func TestTableIsGenerated(t *testing.T) {
	want, err := generate()
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join("..", "..", "fold_table.go"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Error("signals/fold_table.go differs from what foldgen writes: run go generate ./signals")
	}
}
