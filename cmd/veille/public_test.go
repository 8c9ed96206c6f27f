package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/internal/logbuf"
	"github.com/veille-hq/veille/signals"
)

// TestDaemonServesRepsLinks runs `veille run` with a public listener: the
// digest carries signed links to it, a "wrong company" click lowers the
// lead's score, `veille feedback` exports the click through the admin API,
// and the public listener serves none of the admin API.
func TestDaemonServesRepsLinks(t *testing.T) {
	t.Parallel()
	// Published now: older news would be the source's backlog, which scores nothing.
	body := strings.Replace(oneItemFeed, "Mon, 23 Nov 2026 08:00:00 GMT", time.Now().UTC().Format(http.TimeFormat), 1)
	feed := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		io.WriteString(w, body)
	}))
	defer feed.Close()
	dir := t.TempDir()
	listen, public := freeAddr(t), freeAddr(t)
	storePath := filepath.Join(dir, "state", "veille.db")
	cfg := filepath.Join(dir, "veille.yaml")
	writeConfig(t, cfg, `store: `+storePath+`
listen: `+listen+`
public_url: http://`+public+`/
public_listen: `+public+`
fetch: {per_host_interval: 0s, allow_private: [127.0.0.1]}
smtp: {host: 127.0.0.1, port: 2525, tls: none, from: veille@example.com}
reps: [{id: alice, name: Alice, email: alice@example.com, language: en}]
watchlists: [{id: wl, owner: alice, prospects: [{name: Acme, feeds: ["`+feed.URL+`/feed"]}]}]
`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &logbuf.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- cmdRun(ctx, &env{stdout: io.Discard, stderr: logs, now: time.Now}, []string{"-c", cfg, "--log-format", "json"})
	}()
	eventually(t, 60*time.Second, "the first cycle (/healthz 200)", func() bool {
		select {
		case err := <-done:
			t.Fatalf("run: %v\n%s", err, logs.String())
		default:
		}
		code, _ := get("http://" + listen + "/healthz")
		return code == http.StatusOK
	})

	secret := filepath.Join(dir, "state", "public.secret")
	if st, err := os.Stat(secret); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("public secret file: %v, %v; want it made with mode 0600", err, st)
	}
	score := func() float64 {
		out, stderr, err := runBeside(t, "leads", "-c", cfg, "--format", "json")
		if err != nil {
			t.Fatalf("leads: %v\n%s", err, stderr)
		}
		var leads []struct{ Score float64 }
		if err := json.Unmarshal([]byte(out), &leads); err != nil || len(leads) != 1 {
			t.Fatalf("leads json: %v\n%s", err, out)
		}
		return leads[0].Score
	}
	before := score()
	if before == 0 {
		t.Fatal("Acme's news scored nothing: the test needs a signal to dismiss")
	}

	previews := filepath.Join(dir, "out")
	if _, stderr, err := runBeside(t, "digest", "-c", cfg, "--out", previews); err != nil {
		t.Fatalf("digest: %v\n%s", err, stderr)
	}
	page, err := os.ReadFile(filepath.Join(previews, "alice.html"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`data-link="wrong_company" href="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("the digest has no wrong-company link:\n%s", page)
	}
	link := html.UnescapeString(string(m[1]))
	if !strings.HasPrefix(link, "http://"+public+"/f/") {
		t.Fatalf("link %s is not under public_url", link)
	}
	if code, body := get(link); code != http.StatusOK || !strings.Contains(body, `id="confirm"`) {
		t.Fatalf("GET %s: %d\n%s", link, code, body)
	}
	if got := score(); got != before {
		t.Fatalf("score after opening the link = %v, want %v: a GET must change nothing", got, before)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.PostForm(link, url.Values{"op": {"apply"}})
	if err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("confirm: %v %v", err, resp)
	}
	resp.Body.Close()
	if got := score(); got >= before {
		t.Fatalf("score after wrong company = %v, want less than %v", got, before)
	}

	out, stderr, err := runBeside(t, "feedback", "-c", cfg)
	if err != nil {
		t.Fatalf("feedback: %v\n%s", err, stderr)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("feedback csv: %v\n%s", err, out)
	}
	if got := strings.Join(rows[0], ","); got != "time,rep,action,watchlist,company,title,url,source,labels,evidence" {
		t.Errorf("header %s", got)
	}
	r := rows[1]
	if r[1] != "alice" || r[2] != "wrong_company" || r[3] != "wl" || r[4] != "Acme" || r[5] != "Acme opens a new plant in Rennes" ||
		r[6] != "https://acme.example/news/1" || !strings.HasPrefix(r[7], feed.URL) || r[8] == "" || r[9] == "" {
		t.Errorf("feedback row %q", r)
	}

	if code, body := get("http://" + listen + "/metrics"); code != http.StatusOK || !strings.Contains(body, `veille_feedback_total{action="wrong_company",outcome="recorded"} 1`) {
		t.Errorf("/metrics: %d, lacks the feedback count", code)
	}
	for _, p := range []string{"/healthz", "/metrics", "/api/leads"} {
		if code, _ := get("http://" + public + p); code != http.StatusNotFound {
			t.Errorf("public listener %s: %d, want 404", p, code)
		}
	}
	if strings.Contains(logs.String(), link[strings.LastIndexByte(link, '/')+1:]) {
		t.Errorf("the daemon logged a link's token")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("the daemon did not stop; logs:\n%s", logs.String())
	}
}

func TestFeedbackCSV(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	fbs := []signals.Feedback{
		{Kind: signals.LinkWrongCompany, Rep: "alice", At: at, Watchlist: "agro", Company: "Kerlann", Signal: "s1",
			Title: "=HYPERLINK(\"http://evil\")", URL: "https://news.example/a", Source: "https://news.example/feed",
			Labels:   []signals.Label{signals.FinancialGrowth, signals.Development},
			Evidence: map[signals.Label][]signals.Evidence{signals.FinancialGrowth: {{Term: "lève", Field: "title"}}, signals.Development: {{Term: "doubler sa capacité", Field: "summary"}}}},
		{Kind: signals.LinkSnooze, Rep: "bob", At: at, Watchlist: "agro", Company: "Le Goff", Until: at.Add(signals.SnoozeFor)},
	}
	var b strings.Builder
	if err := writeFeedbackCSV(&b, fbs); err != nil {
		t.Fatal(err)
	}
	want := `time,rep,action,watchlist,company,title,url,source,labels,evidence
2026-11-23T08:00:00Z,alice,wrong_company,agro,Kerlann,"'=HYPERLINK(""http://evil"")",https://news.example/a,https://news.example/feed,"financial_growth,development",development: doubler sa capacité (summary); financial_growth: lève (title)
2026-11-23T08:00:00Z,bob,snooze,agro,Le Goff,,,,,
`
	if b.String() != want {
		t.Fatalf("csv:\n%s\nwant:\n%s", b.String(), want)
	}
}
