package sources

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

// fixedNow is the clock of every test.
var fixedNow = time.Date(2025, 3, 20, 10, 0, 0, 0, time.UTC)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
