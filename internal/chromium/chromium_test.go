package chromium

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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

// TestRendersScript runs the real browser on a page whose text only
// JavaScript writes. CI installs Chromium; elsewhere the test skips.
func TestRendersScript(t *testing.T) {
	t.Parallel()
	path, err := Find()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<!doctype html><body><p id=out></p><script>document.getElementById("out").textContent="rendered"</script>`))
	}))
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	actx, stop := NewAllocator(ctx, path, Options{HeapMB: 128})
	defer stop()
	bctx, closeTab := chromedp.NewContext(actx)
	defer closeTab()
	if err := chromedp.Do(bctx, chromedp.Navigate(srv.URL)); err != nil {
		t.Fatal(err)
	}
	text, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#out")))
	if err != nil {
		t.Fatal(err)
	}
	if text != "rendered" {
		t.Fatalf("text = %q, want %q", text, "rendered")
	}
}
