package chromium

import (
	"errors"
	"testing"
)

func TestFindHonoursOverride(t *testing.T) {
	t.Setenv("VEILLE_CHROMIUM", "/nonexistent/chromium")
	if _, err := Find(); err == nil {
		t.Fatal("Find with a missing VEILLE_CHROMIUM: want an error")
	}
}

func TestFindNamesThePackageWhenAbsent(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv("VEILLE_CHROMIUM", "")
	_, err := Find()
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("Find with an empty PATH: %v, want ErrNotFound", err)
	}
}
