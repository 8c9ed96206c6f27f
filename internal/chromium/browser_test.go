package chromium

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

var errRefused = errors.New("refused by the test")

// TestBrowserAsksAboutEveryRequest renders, in one browser started by
// NewAllocator, a page whose script writes the text read back and fetches
// a URL the guard refuses, then a page the guard refuses. It is the
// package's one browser launch. CI installs Chromium; elsewhere the test
// skips.
func TestBrowserAsksAboutEveryRequest(t *testing.T) {
	t.Parallel()
	if _, err := Find(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	var secretHits, imageHits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/secret":
			secretHits.Add(1)
			w.Write([]byte("leaked"))
		case "/logo.png":
			imageHits.Add(1)
		default:
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte(`<!doctype html><body><img src="/logo.png"><p id=out>waiting</p><script>
fetch("/secret").then(r => r.text()).then(t => { out.textContent = "got " + t }, () => { out.textContent = "refused" })
</script>`))
		}
	}))
	defer srv.Close()
	b := NewBrowser(Options{HeapMB: 128})
	defer b.Close()
	var mu sync.Mutex
	var asked []string
	allow := func(_ context.Context, u string) error {
		mu.Lock()
		defer mu.Unlock()
		asked = append(asked, strings.TrimPrefix(u, srv.URL))
		if strings.HasSuffix(u, "/secret") || strings.HasSuffix(u, "/private") {
			return errRefused
		}
		return nil
	}
	p, err := b.Render(context.Background(), Request{URL: srv.URL + "/", UserAgent: "veillebot/test", Timeout: 30 * time.Second, Allow: allow})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(p.HTML), `<p id="out">refused</p>`) || secretHits.Load() != 0 {
		t.Errorf("the refused request went out (%d hits) or the page did not see it fail:\n%s", secretHits.Load(), p.HTML)
	}
	if imageHits.Load() != 0 {
		t.Errorf("the image was fetched: the selectors never read it")
	}
	if p.Status != 200 || p.URL != srv.URL+"/" {
		t.Errorf("status %d url %q", p.Status, p.URL)
	}
	mu.Lock()
	if len(asked) < 2 || asked[0] != "/" {
		t.Errorf("allow was asked about %v, want the page then its requests", asked)
	}
	mu.Unlock()

	_, err = b.Render(context.Background(), Request{URL: srv.URL + "/private", Timeout: 30 * time.Second, Allow: allow})
	if !errors.Is(err, errRefused) {
		t.Errorf("render of a refused page: %v, want the guard's error", err)
	}
}
