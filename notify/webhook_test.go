package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

func webhookDigest(leads int) signals.Digest {
	at := time.Date(2026, 11, 23, 7, 30, 0, 0, time.UTC)
	d := signals.Digest{Rep: signals.Rep{ID: "alice", Name: "Alice Martin", Email: "alice@example.com", Language: "en"}, At: at}
	for i := range leads {
		d.Leads = append(d.Leads, signals.DigestLead{
			Lead: signals.Lead{Watchlist: "agro", Company: fmt.Sprintf("Company %d", i), Score: 82.5, Tier: signals.Hot, Trend7d: 12},
			New: []signals.Signal{{ID: fmt.Sprint(i), Title: "Raises <!channel> & 12 M€ > plan", URL: "https://news.example/a?x=1|2",
				Labels: []signals.Label{signals.FinancialGrowth}, FirstSeen: at}},
		})
	}
	d.StillHot = []signals.DigestLead{{Lead: signals.Lead{Company: "Ker Avel", Score: 75}}}
	return d
}

func TestWebhookSlackFormat(t *testing.T) {
	body, err := WebhookDigest(webhookDigest(12), FormatSlack)
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Text   string `json:"text"`
		Blocks []struct {
			Type     string `json:"type"`
			Text     struct{ Type, Text string }
			Elements []struct{ Type, Text string }
		} `json:"blocks"`
	}
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	if m.Text != "Veille: today's digest for Alice Martin: 12 leads with news" {
		t.Errorf("text %q", m.Text)
	}
	// header, the 10 first leads, "and 2 more", still hot
	if len(m.Blocks) != 13 || m.Blocks[0].Type != "header" || m.Blocks[11].Elements[0].Text != "… and 2 more leads in the email" ||
		m.Blocks[12].Elements[0].Text != "Still hot: Ker Avel (75)" {
		t.Fatalf("blocks %+v", m.Blocks)
	}
	want := "*Company 0*  82.5 · hot · +12 (7 d)\n• <https://news.example/a?x=1%7C2|Raises &lt;!channel&gt; &amp; 12 M€ &gt; plan> _(financial_growth)_"
	if got := m.Blocks[1].Text.Text; got != want || m.Blocks[1].Text.Type != "mrkdwn" {
		t.Errorf("lead section:\n got %q\nwant %q", got, want)
	}
	if strings.Contains(string(body), "<!channel>") {
		t.Error("a news title can mention the whole channel")
	}
}

func TestWebhookJSONFormat(t *testing.T) {
	d := webhookDigest(2)
	body, err := WebhookDigest(d, FormatJSON)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Kind   string         `json:"kind"`
		Digest signals.Digest `json:"digest"`
	}
	if err := json.Unmarshal(body, &got); err != nil || got.Kind != "digest" || !reflect.DeepEqual(got.Digest, d) {
		t.Errorf("json digest: %v\n got %+v\nwant %+v", err, got.Digest, d)
	}
	// A still-hot lead has no news: its entry is {"lead", "links"}, no "new": null.
	if !strings.Contains(string(body), `"still_hot":[{"lead":{`) || strings.Contains(string(body), `"new":null`) {
		t.Errorf("json digest's still_hot: %s", body)
	}
	a := signals.Alerts{Rep: d.Rep, At: d.At, Leads: d.Leads[:1]}
	body, err = WebhookAlerts(a, FormatJSON)
	if err != nil || !strings.HasPrefix(string(body), `{"kind":"alert","alerts":{`) {
		t.Errorf("json alerts: %v %s", err, body)
	}
	if _, err := WebhookDigest(d, "xml"); err == nil {
		t.Error("an unknown format is accepted")
	}
}

func TestWebhookPostOutcomes(t *testing.T) {
	var gotBody, gotSecret string
	srv := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		gotBody, gotSecret = string(b), r.Header.Get("Authorization")
		switch r.URL.Path {
		case "/ok":
			rw.WriteHeader(http.StatusOK)
		case "/moved":
			http.Redirect(rw, r, "/ok", http.StatusTemporaryRedirect)
		case "/found":
			http.Redirect(rw, r, "/ok", http.StatusFound)
		default:
			code := map[string]int{"/500": 500, "/429": 429, "/404": 404, "/400": 400}[r.URL.Path]
			rw.WriteHeader(code)
			io.WriteString(rw, "no_service")
		}
	}))
	defer srv.Close()
	h := NewWebhooks(WebhookOptions{Timeout: 5 * time.Second})
	tests := []struct {
		path string
		ok   bool
		temp bool
		msg  string
	}{
		{"/ok", true, false, ""},
		{"/moved", true, false, ""}, // 307 keeps the method and body
		{"/found", false, false, "302 Found"},
		{"/500", false, true, "500 Internal Server Error: no_service"},
		{"/429", false, true, "429"},
		{"/404", false, false, "404 Not Found: no_service"},
		{"/400", false, false, "400"},
	}
	for _, tt := range tests {
		gotBody, gotSecret = "", ""
		err := h.Post(context.Background(), srv.URL+tt.path, []byte(`{"text":"hi"}`), http.Header{"Authorization": {"Bearer s3cret"}})
		if tt.ok {
			if err != nil || gotBody != `{"text":"hi"}` || gotSecret != "Bearer s3cret" {
				t.Errorf("%s: %v, body %q, secret %q", tt.path, err, gotBody, gotSecret)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) || e.Temporary() != tt.temp || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: %v, want temporary=%v and %q", tt.path, err, tt.temp, tt.msg)
		}
		if e != nil && e.Unreachable() {
			t.Errorf("%s: a webhook's reply said the mail server is down", tt.path)
		}
		if strings.Contains(err.Error(), tt.path) {
			t.Errorf("%s: the error shows the URL's path, which may be its secret: %v", tt.path, err)
		}
	}
	err := h.Post(context.Background(), "http://127.0.0.1:1/hook/secret", nil, nil)
	var e *Error
	if !errors.As(err, &e) || !e.Temporary() || strings.Contains(err.Error(), "secret") {
		t.Errorf("connection refused: %v, want temporary, without the path", err)
	}
}

// TestWebhookRedirectsStayPublic: a webhook on a public address may not be
// redirected to a private one unless allowed; one on a private address
// (configured so) may.
func TestWebhookRedirectsStayPublic(t *testing.T) {
	resolve := func(_ context.Context, host string) ([]netip.Addr, error) {
		ips := map[string]string{"hooks.example.com": "203.0.113.7", "intranet.example.com": "10.1.2.3", "evil.example.com": "127.0.0.1"}
		if ip, ok := ips[host]; ok {
			return []netip.Addr{netip.MustParseAddr(ip)}, nil
		}
		return nil, errors.New("no such host")
	}
	tests := []struct {
		from, to, method string
		allow            []netip.Prefix
		refused          bool
	}{
		{"https://hooks.example.com/a", "https://hooks.example.com/b", http.MethodPost, nil, false},
		{"https://hooks.example.com/a", "http://10.0.0.5/x", http.MethodPost, nil, true},
		{"https://hooks.example.com/a", "http://intranet.example.com/x", http.MethodPost, nil, true},
		{"https://hooks.example.com/a", "http://evil.example.com/x", http.MethodPost, nil, true},
		{"https://hooks.example.com/a", "http://[::1]/x", http.MethodPost, nil, true},
		{"https://hooks.example.com/a", "http://169.254.169.254/latest", http.MethodPost, nil, true},
		{"https://hooks.example.com/a", "http://intranet.example.com/x", http.MethodPost, []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, false},
		{"http://intranet.example.com/a", "http://10.9.9.9/b", http.MethodPost, nil, false},
	}
	for _, tt := range tests {
		h := NewWebhooks(WebhookOptions{AllowPrivate: tt.allow, Resolve: resolve})
		from, _ := url.Parse(tt.from)
		to, _ := url.Parse(tt.to)
		req := (&http.Request{Method: tt.method, URL: to}).WithContext(context.Background())
		err := h.checkRedirect(req, []*http.Request{{Method: http.MethodPost, URL: from}})
		var re *redirectError
		if refused := errors.As(err, &re); refused != tt.refused {
			t.Errorf("%s → %s (allow %v): %v, want refused=%v", tt.from, tt.to, tt.allow, err, tt.refused)
		}
	}
	h := NewWebhooks(WebhookOptions{Resolve: resolve})
	to, _ := url.Parse("https://hooks.example.com/b")
	req := (&http.Request{Method: http.MethodGet, URL: to}).WithContext(context.Background())
	if err := h.checkRedirect(req, []*http.Request{{Method: http.MethodPost}}); !errors.Is(err, http.ErrUseLastResponse) {
		t.Errorf("a redirect turning the post into a GET: %v, want it not followed", err)
	}
}
