package main

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestOnceCPUProfile(t *testing.T) {
	dir, cfg := demoSetup(t)
	prof := filepath.Join(dir, "cpu.pprof")
	if _, stderr, err := runCmd(t, "once", "-c", cfg, "--no-send", "--cpuprofile", prof); err != nil {
		t.Fatalf("once --cpuprofile: %v\n%s", err, stderr)
	}
	f, err := os.Open(prof)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// A profile is a gzipped protocol buffer.
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("the profile is not gzipped: %v", err)
	}
	if b, err := io.ReadAll(zr); err != nil || len(b) == 0 {
		t.Fatalf("the profile is empty or cut: %d bytes, %v", len(b), err)
	}

	_, _, err = runCmd(t, "once", "-c", cfg, "--no-send", "--cpuprofile", filepath.Join(dir, "missing", "cpu.pprof"))
	if err == nil {
		t.Fatal("a profile that cannot be created: no error")
	}
}
