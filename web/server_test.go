package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

func TestFeedbackConfirmUndo(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	before := fx.lead(t, "Kerlann")
	sig := fx.signal(t, "Kerlann", "Kerlann lève")
	link := fx.links.FeedbackURL(signals.LinkWrongCompany, "alice", before, sig.ID, fx.now)

	// A GET, as a mail scanner makes, asks and changes nothing.
	resp, body := get(t, link)
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, `id="confirm"`) || !strings.Contains(body, "Cette nouvelle ne parle pas de Kerlann\u00a0?") {
		t.Fatalf("GET feedback link: %d\n%s", resp.StatusCode, body)
	}
	if got := fx.lead(t, "Kerlann").Score; got != before.Score {
		t.Fatalf("score after a GET = %v, want %v unchanged", got, before.Score)
	}

	resp, _ = post(t, link, "apply", "Sec-Fetch-Site", "same-origin")
	token := link[strings.LastIndex(link, "/")+1:]
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != token {
		t.Fatalf("POST apply: %d, Location %q; want 303 to the link's page", resp.StatusCode, resp.Header.Get("Location"))
	}
	after := fx.lead(t, "Kerlann")
	if after.Score >= before.Score {
		t.Fatalf("score after wrong company = %v, want less than %v", after.Score, before.Score)
	}
	_, body = get(t, link)
	if !strings.Contains(body, `id="undo"`) || !strings.Contains(body, "Nouvelle écartée\u00a0: pas la bonne entreprise.") {
		t.Fatalf("page after apply lacks the undo:\n%s", body)
	}
	// A second click changes nothing more.
	post(t, link, "apply")
	if got := fx.lead(t, "Kerlann").Score; got != after.Score {
		t.Fatalf("score after a second click = %v, want %v", got, after.Score)
	}

	resp, _ = post(t, link, "undo")
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != token+"?undone=1" {
		t.Fatalf("POST undo: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if got := fx.lead(t, "Kerlann").Score; got != before.Score {
		t.Fatalf("score after undo = %v, want %v restored", got, before.Score)
	}
	_, body = get(t, link+"?undone=1")
	if !strings.Contains(body, `id="flash"`) || !strings.Contains(body, `id="confirm"`) {
		t.Fatalf("page after undo:\n%s", body)
	}
	if m := scrape(t, fx); !strings.Contains(m, `veille_feedback_total{action="wrong_company",outcome="recorded"} 2`) ||
		!strings.Contains(m, `veille_feedback_total{action="wrong_company",outcome="undone"} 1`) {
		t.Errorf("metrics lack the feedback counts:\n%s", grep(m, "veille_feedback"))
	}
}

func TestLeadFeedbackKinds(t *testing.T) {
	fx := newFixture(t)
	lead := fx.lead(t, "Kerlann")
	tests := []struct {
		kind signals.LinkKind
		done string
	}{
		{signals.LinkCustomer, "Lead marqué déjà client"},
		{signals.LinkSnooze, "Lead en pause jusqu'au 23 déc. 2026."},
		{signals.LinkNotRelevant, "Nouvelle écartée\u00a0: pas pertinente."},
	}
	story := fx.signal(t, "Kerlann", "Kerlann inaugure").ID
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			link := fx.links.FeedbackURL(tt.kind, "alice", lead, story, fx.now)
			if resp, _ := post(t, link, "apply"); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("POST: %d", resp.StatusCode)
			}
			if _, body := get(t, link); !strings.Contains(body, tt.done) {
				t.Fatalf("page lacks %q:\n%s", tt.done, body)
			}
			ds, err := fx.w.BuildDigests(fx.now, "alice")
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				for _, dl := range d.Leads {
					if dl.Lead.Company != "Kerlann" {
						continue
					}
					if tt.kind != signals.LinkNotRelevant {
						t.Errorf("Kerlann in the digest after %s", tt.kind)
					}
					for _, s := range dl.New {
						if s.ID == story {
							t.Errorf("dismissed news %q in the digest", s.Title)
						}
					}
				}
			}
			post(t, link, "undo")
		})
	}
}

func TestRefusedLinks(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	kerlann, legoff := fx.lead(t, "Kerlann"), fx.lead(t, "Le Goff")
	story := fx.signal(t, "Kerlann", "Kerlann lève").ID
	good := fx.links.FeedbackURL(signals.LinkNotRelevant, "alice", kerlann, story, fx.now)
	old := fx.links.FeedbackURL(signals.LinkNotRelevant, "alice", kerlann, story, fx.now.Add(-31*24*time.Hour))
	oldBob := fx.links.FeedbackURL(signals.LinkCustomer, "bob", legoff, "", fx.now.Add(-31*24*time.Hour))
	i := strings.LastIndexByte(good, '.')
	tests := []struct {
		name, url, want string
	}{
		{"forged mac", good[:i+1] + "AAAA" + good[i+5:], "Ce lien n'est pas valide."},
		{"expired, in the rep's language", old, "Ce lien a expiré."},
		{"expired, English rep", oldBob, "This link has expired."},
		{"another rep's lead", fx.links.FeedbackURL(signals.LinkCustomer, "alice", legoff, "", fx.now), "Ce lead ne vous est plus attribué."},
		{"unknown rep", fx.links.FeedbackURL(signals.LinkCustomer, "mallory", kerlann, "", fx.now), "Ce lien n'est pas valide."},
		{"a view link as feedback", fx.srv.URL + "/f/" + strings.TrimSuffix(strings.TrimPrefix(fx.links.ViewURL("alice", fx.now), fx.srv.URL+"/v/"), "/"), "Ce lien n'est pas valide."},
		{"a feedback link as view", fx.srv.URL + "/v/" + good[strings.LastIndexByte(good, '/')+1:] + "/", "Ce lien n'est pas valide."},
		{"expired view", fx.links.ViewURL("alice", fx.now.Add(-31*24*time.Hour)), "Ce lien a expiré."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, tt.url)
			if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, tt.want) {
				t.Fatalf("GET: %d, want 403 with %q:\n%s", resp.StatusCode, tt.want, body)
			}
			if resp, _ := post(t, tt.url, "apply"); resp.StatusCode < 400 {
				t.Fatalf("POST: %d, want a refusal", resp.StatusCode)
			}
		})
	}
	if got := fx.lead(t, "Kerlann").Score; got != kerlann.Score {
		t.Errorf("a refused link changed the score: %v, want %v", got, kerlann.Score)
	}
	m := scrape(t, fx)
	for _, want := range []string{`reason="expired"`, `reason="forged"`, `reason="not_owner"`} {
		if !strings.Contains(m, "veille_public_links_refused_total{"+want) {
			t.Errorf("metrics lack refused links %s:\n%s", want, grep(m, "refused"))
		}
	}
}

func TestLeadsPage(t *testing.T) {
	fx := newFixture(t)
	view := fx.links.ViewURL("alice", fx.now)
	tests := []struct {
		query    string
		want     []string
		wantNone []string
	}{
		{"", []string{`data-company="Kerlann"`, `data-company="Armor Logistique"`}, []string{"Le Goff"}},
		{"?tier=hot", nil, []string{`data-company="Armor Logistique"`}},
		{"?tier=bogus&watchlist=nope", []string{`data-company="Kerlann"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp, body := get(t, view+tt.query)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%d\n%s", resp.StatusCode, body)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %s", w)
				}
			}
			for _, w := range tt.wantNone {
				if strings.Contains(body, w) {
					t.Errorf("page has %s", w)
				}
			}
		})
	}
	_, body := get(t, view)
	for _, w := range []string{`<html lang="fr">`, "Mes leads", "Alice Martin", `href="lead?c=Kerlann&w=agro"`, `href="../../static/style.css"`} {
		if !strings.Contains(body, w) {
			t.Errorf("leads page lacks %s:\n%s", w, body)
		}
	}
}

func TestLeadPage(t *testing.T) {
	fx := newFixture(t)
	view := fx.links.ViewURL("alice", fx.now)
	resp, body := get(t, view+"lead?w=agro&c=Kerlann")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d\n%s", resp.StatusCode, body)
	}
	for _, w := range []string{`<svg class="chart"`, `<polyline class="line" points="`, "Kerlann lève 12 millions", `data-kind="wrong_company"`, `data-kind="customer"`, `rel="noreferrer noopener"`,
		`<a href="https://crm.example.com/accounts/001K" data-link="crm" rel="noreferrer noopener" target="_blank">fiche CRM</a> · <a href="https://kerlann.example" data-link="site"`} {
		if !strings.Contains(body, w) {
			t.Errorf("lead page lacks %s", w)
		}
	}
	if resp, _ := get(t, view+"lead?w=agro&c=Le+Goff"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another rep's lead: %d, want 404", resp.StatusCode)
	}
}

func TestSecurity(t *testing.T) {
	fx := newFixture(t)
	lead := fx.lead(t, "Kerlann")
	link := fx.links.FeedbackURL(signals.LinkCustomer, "alice", lead, "", fx.now)
	resp, _ := get(t, link)
	for k, want := range map[string]string{
		"Content-Security-Policy": "default-src 'none'; style-src 'self'",
		"Referrer-Policy":         "no-referrer",
		"X-Frame-Options":         "DENY",
		"Cache-Control":           "no-store",
	} {
		if got := resp.Header.Get(k); !strings.HasPrefix(got, want) {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if resp, _ := post(t, link, "apply", "Sec-Fetch-Site", "cross-site"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d, want 403", resp.StatusCode)
	}
	if resp, _ := get(t, link, "Host", "evil.example"); resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("unknown Host: %d, want 421", resp.StatusCode)
	}
	if resp, _ := get(t, link, "Host", "veille.example.com"); resp.StatusCode != http.StatusOK {
		t.Errorf("public_url's Host: %d, want 200", resp.StatusCode)
	}
	if resp, _ := post(t, link, "delete-everything"); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("unknown op: %d, want 400", resp.StatusCode)
	}
	if resp, _ := get(t, fx.srv.URL+"/static/style.css"); resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") == "no-store" {
		t.Errorf("stylesheet: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	if resp, body := get(t, fx.srv.URL+"/admin", "Accept-Language", "en-GB,en;q=0.8"); resp.StatusCode != http.StatusNotFound || !strings.Contains(body, "Page not found") {
		t.Errorf("unknown path: %d\n%s", resp.StatusCode, body)
	}
}

// TestTokensStayOutOfLogs: the token is a credential.
func TestTokensStayOutOfLogs(t *testing.T) {
	var logs strings.Builder
	fx := newFixture(t)
	h, _ := Handler(fx.w, Options{Signer: fx.signer, Log: newTextLogger(&logs)})
	srv := httptest.NewServer(h)
	defer srv.Close()
	links := NewLinks(srv.URL, fx.signer)
	lead := fx.lead(t, "Kerlann")
	for _, u := range []string{
		links.FeedbackURL(signals.LinkCustomer, "alice", lead, "", fx.now),
		links.FeedbackURL(signals.LinkCustomer, "alice", lead, "", fx.now.Add(-60*24*time.Hour)),
	} {
		get(t, u)
		post(t, u, "apply")
		tok := u[strings.LastIndexByte(u, '/')+1:]
		if strings.Contains(logs.String(), tok[:20]) {
			t.Fatalf("the log holds a token:\n%s", logs.String())
		}
	}
	if !strings.Contains(logs.String(), "public link refused") {
		t.Errorf("the refusal is not logged:\n%s", logs.String())
	}
}

func scrape(t *testing.T, fx *fixture) string {
	t.Helper()
	rec := httptest.NewRecorder()
	fx.metrics.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

func grep(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
