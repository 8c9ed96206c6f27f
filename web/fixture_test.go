package web

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/metrics"
	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
	"github.com/veille-hq/veille/watcher"
)

// feeds serves fixed items per source URL.
type feeds map[string][]signals.Item

func (f feeds) Fetch(_ context.Context, src signals.Source, st signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
	if st.FirstFetched.IsZero() {
		st.FirstFetched = t0
	}
	var out []signals.Item
	for _, it := range f[src.URL] {
		it.SourceID = src.ID
		out = append(out, it)
	}
	return signals.FetchResult{Items: out, Status: 200}, st, nil
}

func testConfig() *config.Config {
	return &config.Config{
		Location: time.UTC, Timezone: "UTC", CRMURL: "https://crm.example.com/accounts/{crm_id}",
		Fetch:   config.Fetch{Concurrency: 2},
		Digest:  config.Digest{Language: "fr"},
		Scoring: config.Scoring{HalfLife: config.Duration(30 * 24 * time.Hour), ItemCap: 25, Hot: 70, Potential: 40},
		Reps: []config.Rep{
			{ID: "alice", Name: "Alice Martin", Email: "alice@example.com", Language: "fr", Timezone: "Europe/Paris"},
			{ID: "bob", Name: "Bob Smith", Email: "bob@example.com", Language: "en", Timezone: "Europe/London"},
		},
		Watchlists: []config.Watchlist{{
			ID: "agro", Owner: "alice",
			Fit: []config.FitRule{{Field: "sector", Equals: "agroalimentaire", Points: 30}},
			Prospects: []config.Prospect{
				{Name: "Kerlann", Owner: "alice", Feeds: []string{"https://kerlann.example/feed"}, Fields: map[string]string{"sector": "agroalimentaire"}, CRMID: "001K", Domain: "kerlann.example"},
				{Name: "Armor Logistique", Owner: "alice", Feeds: []string{"https://armor.example/feed"}},
				{Name: "Le Goff", Owner: "bob", Feeds: []string{"https://legoff.example/feed"}},
			},
		}},
	}
}

func testItems() feeds {
	return feeds{
		"https://kerlann.example/feed": {
			{GUID: "k1", URL: "https://kerlann.example/n/1", Title: "Kerlann lève 12 millions d'euros pour doubler sa capacité de production", Published: t0.Add(-24 * time.Hour)},
			{GUID: "k2", URL: "https://kerlann.example/n/2", Title: "Kerlann inaugure une nouvelle usine à Lorient", Published: t0.Add(-48 * time.Hour)},
		},
		"https://armor.example/feed": {
			{GUID: "a1", URL: "https://armor.example/n/1", Title: "Armor Logistique recrute 40 caristes pour son nouvel entrepôt", Published: t0.Add(-24 * time.Hour)},
		},
		"https://legoff.example/feed": {
			{GUID: "g1", URL: "https://legoff.example/n/1", Title: "Le Goff ouvre une usine à Brest", Published: t0.Add(-24 * time.Hour)},
		},
	}
}

// fixture is a watcher that has run one cycle over testItems, with links
// signed for an httptest server that serves its public pages, and any
// extra page a test adds (a rendered digest).
type fixture struct {
	w       *watcher.Watcher
	srv     *httptest.Server
	signer  *Signer
	links   *Links
	metrics *metrics.Metrics
	now     time.Time
	extra   map[string]string // path → HTML served beside the pages
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	fx := &fixture{now: t0.Add(2 * time.Hour), metrics: metrics.New(), extra: map[string]string{}}
	var pages http.Handler
	fx.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if body, ok := fx.extra[r.URL.Path]; ok {
			rw.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(rw, body)
			return
		}
		pages.ServeHTTP(rw, r)
	}))
	t.Cleanup(fx.srv.Close)
	fx.signer = NewSigner([]byte("0123456789abcdef0123456789abcdef"), 30*24*time.Hour)
	fx.links = NewLinks(fx.srv.URL, fx.signer)

	st, err := store.Open(filepath.Join(t.TempDir(), "veille.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	lex, err := signals.NewLexicon(nil)
	if err != nil {
		t.Fatal(err)
	}
	plan, err := plan.New(testConfig(), lex)
	if err != nil {
		t.Fatal(err)
	}
	fx.w = watcher.New(st, plan, watcher.Options{Fetcher: testItems(), Now: func() time.Time { return fx.now }, Metrics: fx.metrics, Links: fx.links})
	// A week of history before the news: the fit alone.
	for d := 6; d >= 1; d-- {
		at := t0.Add(-time.Duration(d) * 24 * time.Hour)
		if err := fx.w.Rescore(at); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := fx.w.Cycle(context.Background()); err != nil {
		t.Fatal(err)
	}
	if pages, err = Handler(fx.w, Options{Signer: fx.signer, Hosts: []string{"veille.example.com"}, Language: "fr", Metrics: fx.metrics}); err != nil {
		t.Fatal(err)
	}
	return fx
}

// lead reads a lead's record.
func (fx *fixture) lead(t *testing.T, company string) signals.Lead {
	t.Helper()
	leads, err := fx.w.Leads(query.LeadFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range leads {
		if l.Company == company {
			return l
		}
	}
	t.Fatalf("no lead %q in %+v", company, leads)
	return signals.Lead{}
}

// signal reads one of a lead's stored signals by title prefix.
func (fx *fixture) signal(t *testing.T, company, title string) signals.Signal {
	t.Helper()
	sigs, err := fx.w.Signals(query.SignalFilter{Company: company}, fx.now)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sigs {
		if strings.HasPrefix(s.Title, title) {
			return s.Signal
		}
	}
	t.Fatalf("no signal %q of %s", title, company)
	return signals.Signal{}
}

// client follows no redirect, so a test sees each answer.
var client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func get(t *testing.T, u string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
		}
	}
	return do(t, req)
}

func post(t *testing.T, u, op string, hdr ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, u, strings.NewReader(url.Values{"op": {op}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (*http.Response, string) {
	t.Helper()
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, html.UnescapeString(string(b)) // tests read text as a rep does
}

func newTextLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }
