// Package web is the daemon's public listener for reps: the signed links
// of messages land here. A feedback link shows a confirmation page whose
// button records the feedback (with an undo), and a rep's link opens a
// read-only view of their leads with each lead's news and score over
// time. Pages are server-rendered html/template, in the rep's language,
// and work without JavaScript. The package signs the links too (Links).
package web

import (
	"embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"math"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/veille-hq/veille/metrics"
	"github.com/veille-hq/veille/plan"
	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Backend is what the pages read and write (a *watcher.Watcher).
type Backend interface {
	Now() time.Time
	Plan() *plan.Plan
	RepLeads(rep string, f query.LeadFilter, now time.Time) ([]query.LeadState, error)
	LeadDetail(leadKey string, now time.Time) (query.LeadDetail, bool, error)
	FeedbackOn(kind signals.LinkKind, leadKey, story string) (signals.Feedback, bool, error)
	RecordFeedback(kind signals.LinkKind, rep, leadKey, story string, now time.Time) (signals.Lead, error)
	UndoFeedback(kind signals.LinkKind, leadKey, story string, now time.Time) (signals.Lead, error)
}

// Options are what Handler needs besides the backend.
type Options struct {
	Signer *Signer
	// Hosts are the Host names the pages answer to besides loopback
	// names: public_url's host and public_listen's. A request naming
	// another host (DNS rebinding, a misrouted proxy) is refused.
	Hosts    []string
	Language string // pages whose link names no known rep: "fr" or "en"
	Metrics  *metrics.Metrics
	Log      *slog.Logger
}

type handler struct {
	b     Backend
	o     Options
	log   *slog.Logger
	pages map[string]*template.Template
}

// Handler serves the public pages: /f/TOKEN (feedback), /v/TOKEN/ (a rep's
// leads), /v/TOKEN/lead?w=&c= (a lead) and /static/.
func Handler(b Backend, o Options) (http.Handler, error) {
	h := &handler{b: b, o: o, log: o.Log, pages: map[string]*template.Template{}}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	for _, name := range []string{"leads", "lead", "feedback", "error"} {
		t, err := template.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web template %s: %w", name, err)
		}
		h.pages[name] = t
	}
	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	mux.HandleFunc("GET /f/{token}", h.feedbackPage)
	mux.HandleFunc("POST /f/{token}", h.feedbackPost)
	mux.HandleFunc("GET /v/{token}/{$}", h.leadsPage)
	mux.HandleFunc("GET /v/{token}/lead", h.leadPage)
	mux.HandleFunc("/", func(rw http.ResponseWriter, r *http.Request) {
		c := catalogFor(h.lang(r, ""))
		h.fail(rw, r, c, http.StatusNotFound, "", c.NotFoundText)
	})
	return secured(h.knownHost(mux)), nil
}

// secured sets the headers every answer carries: a strict CSP (pages load
// only their own stylesheet; forms post only here), no referrer (a page's
// URL holds its link's token, which an article's site must not receive),
// no framing, no caching of private pages.
func secured(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		hd := rw.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			hd.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(rw, r)
	})
}

// knownHost refuses requests whose Host is not a loopback name nor one of
// the configured hosts.
func (h *handler) knownHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		host := r.Host
		if hh, _, err := net.SplitHostPort(host); err == nil {
			host = hh
		}
		host = strings.Trim(host, "[]")
		ip := net.ParseIP(host)
		if strings.EqualFold(host, "localhost") || ip != nil && ip.IsLoopback() ||
			slices.ContainsFunc(h.o.Hosts, func(k string) bool { return strings.EqualFold(k, host) }) {
			next.ServeHTTP(rw, r)
			return
		}
		http.Error(rw, "unknown Host: this server answers to its public_url's host", http.StatusMisdirectedRequest)
	})
}

// page is what every template reads.
type page struct {
	T       catalog
	Title   string
	Root    string // the server's root relative to this page ("../../")
	ViewURL string // the rep's leads, relative
	Rep     signals.Rep
	Message string // error pages

	Leads []leadRow
	Tiers []option
	Lists []option

	Lead     *leadView
	Feedback *feedbackView
}

type option struct {
	Value, Name string
	Selected    bool
}

// rootOf is the path from r's page to the server root, so pages link
// relatively and work under any prefix a reverse proxy serves them at.
func rootOf(r *http.Request) string {
	return strings.Repeat("../", max(0, strings.Count(r.URL.Path, "/")-1))
}

func (h *handler) render(rw http.ResponseWriter, status int, name string, p page) {
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	rw.WriteHeader(status)
	if err := h.pages[name].ExecuteTemplate(rw, "layout", p); err != nil {
		h.log.Error("web page", "page", name, "err", err)
	}
}

// fail shows an error page; reason, when set, is counted as a refused link.
func (h *handler) fail(rw http.ResponseWriter, r *http.Request, c catalog, status int, reason, msg string) {
	title := c.Denied
	if status == http.StatusNotFound {
		title = c.NotFound
	}
	if reason != "" {
		h.o.Metrics.RefusedLink(reason)
	}
	h.render(rw, status, "error", page{T: c, Title: title, Root: rootOf(r), Message: msg})
}

// lang is the pages' language for rep ("" or unknown: the browser's
// preference between fr and en, else Options.Language).
func (h *handler) lang(r *http.Request, rep string) string {
	if rp, ok := h.b.Plan().Rep(rep); ok && rp.Language != "" {
		return rp.Language
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "fr"):
			return "fr"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	if h.o.Language != "" {
		return h.o.Language
	}
	return "en"
}

// claimedRep reads the rep a token names without trusting it: only to
// word the refusal of a forged link in that rep's language.
func claimedRep(token string) string {
	p64, _, _ := strings.Cut(token, ".")
	b, err := base64.RawURLEncoding.DecodeString(p64)
	if err != nil {
		return ""
	}
	c, err := decodeClaims(b)
	if err != nil {
		return ""
	}
	return c.Rep
}

// access verifies r's token for one of kinds and the rep it names, and
// for a lead's link that the lead is still the rep's. On failure it has
// answered with a 403 page in the rep's language.
func (h *handler) access(rw http.ResponseWriter, r *http.Request, kinds func(signals.LinkKind) bool) (Claims, signals.Rep, bool) {
	token := r.PathValue("token")
	now := h.b.Now()
	c, err := h.o.Signer.Verify(token, now)
	p := h.b.Plan()
	rep, known := p.Rep(c.Rep)
	reason := ""
	switch {
	case errors.Is(err, ErrExpired):
		reason = "expired"
	case err != nil, !kinds(c.Kind), !known:
		reason = "forged"
	}
	if reason == "" && c.Company != "" {
		if pr, ok := p.Prospect(c.LeadKey()); !ok || pr.Owner != c.Rep {
			reason = "not_owner"
		}
	}
	if reason == "" {
		return c, rep, true
	}
	// The token is a credential: it is never logged, nor the path holding it.
	h.log.Info("public link refused", "reason", reason, "rep", c.Rep, "remote", r.RemoteAddr)
	who := c.Rep
	if who == "" {
		who = claimedRep(token)
	}
	cat := catalogFor(h.lang(r, who))
	msg := map[string]string{"expired": cat.DeniedExpired, "forged": cat.DeniedForged, "not_owner": cat.DeniedNotYours}[reason]
	h.fail(rw, r, cat, http.StatusForbidden, reason, msg)
	return c, rep, false
}

// serverError answers a failure of the store or a bug: logged once here.
func (h *handler) serverError(rw http.ResponseWriter, r *http.Request, c catalog, err error) {
	if errors.Is(err, store.ErrNotFound) {
		h.fail(rw, r, c, http.StatusNotFound, "", c.NotFoundText)
		return
	}
	h.log.Error("public page", "err", err)
	http.Error(rw, "internal error: see the daemon's log", http.StatusInternalServerError)
}

// viewURL is a fresh link to the rep's leads, relative to r's page.
func (h *handler) viewURL(r *http.Request, rep string) string {
	return rootOf(r) + "v/" + h.o.Signer.Sign(Claims{Kind: signals.LinkWeb, Rep: rep}, h.b.Now()) + "/"
}

// feedbackURL is a fresh feedback link, relative to r's page.
func (h *handler) feedbackURL(r *http.Request, kind signals.LinkKind, rep string, l signals.Lead, story string) string {
	c := Claims{Kind: kind, Rep: rep, Watchlist: l.Watchlist, Company: l.Company}
	if kind.OnSignal() {
		c.Signal = story
	}
	return rootOf(r) + "f/" + h.o.Signer.Sign(c, h.b.Now())
}

func location(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.UTC
}

func trend(d float64) (string, string) {
	switch r := int(math.Round(d)); {
	case r > 0:
		return fmt.Sprintf("▲ +%d", r), "up"
	case r < 0:
		return fmt.Sprintf("▼ %d", r), "down"
	}
	return "=", "flat"
}

// safeURL keeps only absolute http and https links: a javascript: link
// from a hostile feed must not become clickable.
func safeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func hostOf(raw, fallback string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return strings.TrimPrefix(u.Hostname(), "www.")
	}
	return fallback
}

func score(s float64) int { return int(math.Round(s)) }
