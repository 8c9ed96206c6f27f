package sources

import (
	"context"
	"net/http"
	"testing"

	"github.com/veille-hq/veille/signals"
)

// TestFetchThroughProxy checks that HTTP_PROXY is honoured and that the
// proxy, on a loopback address, is not refused by the private-address
// guard of a public source.
func TestFetchThroughProxy(t *testing.T) {
	var asked string
	proxy := serve(t, func(w http.ResponseWriter, r *http.Request) {
		asked = r.URL.String()
		w.Write(readFixture(t, "atom.xml"))
	})
	t.Setenv("HTTP_PROXY", proxy.URL)
	t.Setenv("NO_PROXY", "")
	f := testFetcher(t, Options{})
	res, _, err := f.Fetch(context.Background(), feedSource("http://feeds.example.invalid/news.atom"), signals.SourceState{})
	if err != nil || len(res.Items) != 2 {
		t.Fatalf("%d items, %v", len(res.Items), err)
	}
	if asked != "http://feeds.example.invalid/news.atom" {
		t.Errorf("proxy asked for %q", asked)
	}
}
