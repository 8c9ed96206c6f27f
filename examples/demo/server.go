package demo

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"sort"
	"strings"
	"sync/atomic"
	"text/template"
	"time"
)

// Server serves the demo corpus on loopback.
type Server struct {
	URL string // base URL, e.g. http://127.0.0.1:41234, no trailing slash

	srv    *http.Server
	done   chan error
	routes map[string]route
	offers atomic.Int64 // job offers shown on the careers page
	now    time.Time    // item dates are ages before it
}

type route struct {
	contentType string
	body        func() ([]byte, error)
}

// Content types as real sites send them; the fetcher must accept them.
const (
	ctRSS  = "application/rss+xml; charset=utf-8"
	ctAtom = "application/atom+xml; charset=utf-8"
	ctHTML = "text/html; charset=utf-8"
	ctJSON = "application/json; charset=utf-8"
	ctJS   = "text/javascript; charset=utf-8"
)

// defaultOffers is how many of the careers page's offers are shown until
// SetJobOffers changes it: fewer than the list holds, so a test can make the
// count rise the way change mode watches for.
const defaultOffers = 3

// Start serves the corpus on 127.0.0.1 on a free port, rendering item dates
// relative to now so tiers don't drift with the calendar.
func Start(now time.Time) (*Server, error) { return StartOn("127.0.0.1:0", now) }

// StartOn serves the corpus on addr, which must be a loopback address: the
// corpus is invented news about invented companies, for this machine only.
func StartOn(addr string, now time.Time) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("demo: listen address %q: %w (give host:port, e.g. 127.0.0.1:8089)", addr, err)
	}
	if ip, perr := netip.ParseAddr(host); perr != nil || !ip.IsLoopback() {
		return nil, fmt.Errorf("demo: listen address %q is not a loopback address: give 127.0.0.1:PORT or [::1]:PORT", addr)
	}
	c, err := loadCorpus()
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("demo: listen on %s: %w", addr, err)
	}
	s := &Server{URL: "http://" + ln.Addr().String(), done: make(chan error, 1), now: now}
	s.offers.Store(defaultOffers)
	s.routes = s.buildRoutes(c, now)
	s.srv = &http.Server{
		Handler:           http.HandlerFunc(s.serveHTTP),
		ReadHeaderTimeout: 10 * time.Second,
	}
	go func() {
		err := s.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	return s, nil
}

// Close stops the server at once, closing every connection, and waits for
// its goroutine. Not a graceful Shutdown: its clients are done by then, and
// a spare keep-alive connection a fetcher dialed but never used would hold
// Shutdown for 5 s.
func (s *Server) Close() error {
	err := s.srv.Close()
	if serr := <-s.done; err == nil {
		err = serr
	}
	return err
}

// SetJobOffers sets how many offers the careers page lists (clamped to the
// corpus's list), so a test can make the offer count change between polls.
func (s *Server) SetJobOffers(n int) { s.offers.Store(int64(n)) }

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rt, ok := s.routes[r.URL.Path]
	if !ok && r.URL.RawQuery != "" {
		rt, ok = s.routes[r.URL.Path+"?"+r.URL.RawQuery] // the news search
	}
	if !ok && r.URL.Path == searchRoute {
		rt, ok = s.search(r.URL.Query().Get("q")), true
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	b, err := rt.body()
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", rt.contentType)
	w.Header().Set("Content-Length", fmt.Sprint(len(b)))
	if r.Method == http.MethodGet {
		w.Write(b)
	}
}

// buildRoutes renders the static documents once (dates depend only on now)
// and leaves the careers page dynamic.
func (s *Server) buildRoutes(c *corpus, now time.Time) map[string]route {
	routes := map[string]route{}
	static := func(path, ct string, render func() ([]byte, error)) {
		b, err := render()
		routes[path] = route{ct, func() ([]byte, error) { return b, err }}
	}
	static("/", ctHTML, func() ([]byte, error) { return renderIndex(c) })
	for _, o := range append([]*outlet{&c.Regional}, c.outlets()...) {
		switch o.Source.Kind {
		case "rss":
			static(o.feedPath(), ctRSS, func() ([]byte, error) { return renderRSS(o, s.URL, now) })
		case "atom":
			static(o.feedPath(), ctAtom, func() ([]byte, error) { return renderAtom(o, s.URL, now) })
		case "page":
			static(o.feedPath(), ctHTML, func() ([]byte, error) { return renderNewsroom(o, now) })
			if o.Source.Render != "" {
				static(o.scriptPath(), ctJS, func() ([]byte, error) { return renderNewsroomScript(o, now) })
			}
		}
		co := c.company(o.Slug)
		careers := co != nil && len(co.Careers) > 0
		static(o.homePath(), ctHTML, func() ([]byte, error) { return renderHome(o, careers) })
		for i := range o.Items {
			it := &o.Items[i]
			static(o.articlePath(it), ctHTML, func() ([]byte, error) { return renderArticle(o, it, now) })
		}
	}
	// Every company's search is answered, not only the searched watch
	// list's: an admin trying news_search on a whole CRM export gets an
	// empty result for a company no article names, as from a real engine.
	for i := range c.Companies {
		co := &c.Companies[i]
		static(searchPath(co), ctRSS, func() ([]byte, error) { return renderRSS(searchResults(c, co), s.URL, now) })
	}
	for i := range c.Companies {
		if co := &c.Companies[i]; co.SIREN != "" {
			siren := co.sirenDigits()
			static(bodaccPath(siren), ctJSON, func() ([]byte, error) { return renderBODACC(siren, now) })
		}
	}
	for i := range c.Companies {
		co := &c.Companies[i]
		if len(co.Careers) == 0 {
			continue
		}
		routes[co.careersPath()] = route{ctHTML, func() ([]byte, error) {
			n := min(max(int(s.offers.Load()), 0), len(co.Careers))
			return renderCareers(co, co.Careers[:n])
		}}
	}
	return routes
}

// paths lists every served path, sorted, so tests can visit them all.
func (s *Server) paths() []string {
	out := make([]string, 0, len(s.routes))
	for p := range s.routes {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// ---- feeds ----

// published is when an item went out, to the second: feed dates carry no
// fraction, so what the server means and what a parser reads are equal.
func published(now time.Time, it *item) time.Time {
	return now.Add(-it.age).Truncate(time.Second)
}

func xmlEscape(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// cdata wraps s in a CDATA section, splitting any "]]>" it holds.
func cdata(s string) string {
	return "<![CDATA[" + strings.ReplaceAll(s, "]]>", "]]]]><![CDATA[>") + "]]>"
}

type feedItem struct {
	Title, Link, GUID, Date, Summary string
	HTML                             bool // Summary is markup already wrapped or escaped
}

type feedView struct {
	Title, Description, Lang, SiteURL, FeedURL, Updated string
	Slug                                                string
	Items                                               []feedItem
}

// Feed links are absolute except in outlets written with relative links,
// which carry no xml:base either, as many real feeds don't: the fetcher must
// resolve them against the feed URL.
var rssTmpl = template.Must(template.New("rss").Funcs(template.FuncMap{"x": xmlEscape}).Parse(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel>
    <title>{{x .Title}}</title>
    <link>{{x .SiteURL}}</link>
    <description>{{x .Description}}</description>
    <language>{{.Lang}}</language>
    <lastBuildDate>{{.Updated}}</lastBuildDate>
    <generator>veille demo</generator>
{{- range .Items}}
    <item>
      <title>{{x .Title}}</title>
      <link>{{x .Link}}</link>
      <guid isPermaLink="false">{{x .GUID}}</guid>
      <pubDate>{{.Date}}</pubDate>
      <dc:creator>Service communication</dc:creator>
      <description>{{if .HTML}}{{.Summary}}{{else}}{{x .Summary}}{{end}}</description>
    </item>
{{- end}}
  </channel>
</rss>
`))

var atomTmpl = template.Must(template.New("atom").Funcs(template.FuncMap{"x": xmlEscape}).Parse(`<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{{.Lang}}">
  <title>{{x .Title}}</title>
  <subtitle>{{x .Description}}</subtitle>
  <id>tag:demo.veille.example,2024:{{.Slug}}</id>
  <updated>{{.Updated}}</updated>
  <link rel="alternate" type="text/html" href="{{x .SiteURL}}"/>
  <link rel="self" type="application/atom+xml" href="{{x .FeedURL}}"/>
  <author><name>{{x .Title}}</name></author>
{{- range .Items}}
  <entry>
    <title>{{x .Title}}</title>
    <id>{{x .GUID}}</id>
    <link rel="alternate" type="text/html" href="{{x .Link}}"/>
    <published>{{.Date}}</published>
    <updated>{{.Date}}</updated>
    {{if .HTML}}<summary type="html">{{.Summary}}</summary>{{else}}<summary>{{x .Summary}}</summary>{{end}}
  </entry>
{{- end}}
</feed>
`))

// feedItems lists an outlet's items newest first, as feeds do, with links
// absolute on base unless the outlet is written with relative links.
func feedItems(o *outlet, base string, now time.Time, layout string, guid func(*item) string) []feedItem {
	var items []feedItem
	for _, it := range sortedByAge(o) {
		link := base + o.articlePath(it)
		if o.Source.Relative {
			// Relative to the feed's folder, as some CMS write them.
			link = o.newsDir() + "/" + it.ID + ".html"
		}
		fi := feedItem{Title: it.Title, Link: link, GUID: guid(it), Date: published(now, it).Format(layout), Summary: it.Summary}
		switch o.Source.HTML {
		case "cdata":
			fi.Summary, fi.HTML = cdata(it.Summary), true
		case "escaped":
			fi.Summary, fi.HTML = xmlEscape(it.Summary), true
		}
		items = append(items, fi)
	}
	return items
}

// sortedByAge returns the outlet's items newest first.
func sortedByAge(o *outlet) []*item {
	out := make([]*item, len(o.Items))
	for i := range o.Items {
		out[i] = &o.Items[i]
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].age < out[j].age })
	return out
}

func newestAge(o *outlet) time.Duration {
	var d time.Duration = -1
	for _, it := range o.Items {
		if d < 0 || it.age < d {
			d = it.age
		}
	}
	return max(d, 0)
}

func renderRSS(o *outlet, base string, now time.Time) ([]byte, error) {
	v := feedView{
		Title: o.Name, Description: o.Description, Lang: o.Lang, Slug: o.Slug,
		SiteURL: base + o.homePath(), FeedURL: base + o.feedPath(),
		Updated: now.Add(-newestAge(o)).Format(time.RFC1123Z),
		Items:   feedItems(o, base, now, time.RFC1123Z, func(it *item) string { return o.Slug + "-" + it.ID }),
	}
	var b bytes.Buffer
	if err := rssTmpl.Execute(&b, v); err != nil {
		return nil, fmt.Errorf("render %s: %w", o.feedPath(), err)
	}
	return b.Bytes(), nil
}

func renderAtom(o *outlet, base string, now time.Time) ([]byte, error) {
	v := feedView{
		Title: o.Name, Description: o.Description, Lang: o.Lang, Slug: o.Slug,
		SiteURL: base + o.homePath(), FeedURL: base + o.feedPath(),
		Updated: now.Add(-newestAge(o)).UTC().Format(time.RFC3339),
		Items: feedItems(o, base, now.UTC(), time.RFC3339, func(it *item) string {
			return "tag:demo.veille.example,2024:" + o.Slug + "/" + it.ID
		}),
	}
	var b bytes.Buffer
	if err := atomTmpl.Execute(&b, v); err != nil {
		return nil, fmt.Errorf("render %s: %w", o.feedPath(), err)
	}
	return b.Bytes(), nil
}
