package sources

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/veille-hq/veille/signals"
)

// TestFetchErrorsRedactCredentials checks that a source URL's credentials
// (user:password@, a token parameter) appear in no error text nor in the
// stored LastError, wherever the URL is quoted: the FetchError itself, the
// HTTP client's error it wraps, a redirect refused.
func TestFetchErrorsRedactCredentials(t *testing.T) {
	const secrets = "s3cretpw|tok123|sig456"
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/gone":
			http.Error(w, "gone", http.StatusGone)
		case "/loop":
			http.Redirect(w, r, r.URL.String(), http.StatusFound)
		case "/ftp":
			http.Redirect(w, r, "ftp://bob:s3cretpw@files.example/?token=tok123", http.StatusFound)
		}
	})
	host := strings.TrimPrefix(srv.URL, "http://")
	closed := serve(t, func(http.ResponseWriter, *http.Request) {})
	closedHost := strings.TrimPrefix(closed.URL, "http://")
	closed.Close()
	for _, tc := range []struct{ name, url string }{
		{"http status", "http://bob:s3cretpw@" + host + "/gone?token=tok123&lang=fr"},
		{"redirect loop", "http://bob:s3cretpw@" + host + "/loop?access_token=tok123&sig=sig456"},
		{"redirect to another scheme", "http://" + host + "/ftp"},
		{"connection refused", "http://bob:s3cretpw@" + closedHost + "/feed?api_key=tok123"},
		{"not a url", "http://bob:s3cretpw@" + host + "/%zz?token=tok123"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, st, err := testFetcher(t, Options{}).Fetch(context.Background(), feedSource(tc.url), signals.SourceState{})
			if err == nil {
				t.Fatal("fetch succeeded, want an error")
			}
			for _, s := range strings.Split(secrets, "|") {
				if strings.Contains(err.Error(), s) || strings.Contains(st.LastError, s) {
					t.Errorf("%q leaks in the error:\n%s\nlast error: %s", s, err, st.LastError)
				}
			}
		})
	}
}
