package demo

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/mmcdole/gofeed"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/signals"
)

// A fixed clock, and a second one, to show dates follow the clock.
var (
	testNow  = time.Date(2026, 11, 23, 8, 30, 0, 0, time.UTC)
	otherNow = time.Date(2031, 3, 2, 17, 5, 0, 0, time.FixedZone("CET", 3600))
)

func startServer(t *testing.T, now time.Time) *Server {
	t.Helper()
	s, err := Start(now)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
		t.Fatalf("URL = %q, want a loopback base", s.URL)
	}
	return s
}

func get(t *testing.T, u string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read %s: %v", u, err)
	}
	return resp, b
}

func corpusT(t *testing.T) *corpus {
	t.Helper()
	c, err := loadCorpus()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestManifestCoversTheNineSignals(t *testing.T) {
	c := corpusT(t)
	if !slices.Equal(labelIDs, signals.LabelIDs()) {
		t.Fatalf("labelIDs = %v, signals has %v", labelIDs, signals.LabelIDs())
	}
	seen := map[string]int{}
	for _, o := range append([]*outlet{&c.Regional}, c.outlets()...) {
		for _, it := range o.Items {
			for _, l := range it.Labels {
				seen[l]++
			}
		}
	}
	for _, l := range signals.LabelIDs() {
		if seen[l] == 0 {
			t.Errorf("no item carries %s", l)
		}
	}
}

func TestCorpusShape(t *testing.T) {
	c := corpusT(t)
	if n := len(c.Companies); n < 15 || n > 25 {
		t.Errorf("%d companies, want 15-25", n)
	}
	tiers := map[string]int{}
	owners := map[string]int{}
	kinds := map[string]int{}
	var relative, html, pages, jsPages, careers int
	for _, co := range c.Companies {
		if n := len(co.Items); n < 2 || n > 6 {
			t.Errorf("%s: %d items, want 2-6", co.Slug, n)
		}
		tiers[co.Tier]++
		owners[co.Owner]++
		kinds[co.Source.Kind]++
		if co.Source.Relative {
			relative++
		}
		if co.Source.HTML != "" {
			html++
		}
		switch {
		case co.Source.Kind == "page" && co.Source.Render != "":
			jsPages++
		case co.Source.Kind == "page":
			pages++
		}
		if len(co.Careers) > 0 {
			careers++
		}
		if co.Watchlist != "agro-bretagne" && co.Watchlist != "industrie" {
			t.Errorf("%s: unknown watch list %q", co.Slug, co.Watchlist)
		}
	}
	if tiers["hot"] < 2 || tiers["potential"] < 1 || tiers["cold"] < 3 || len(tiers) != 3 {
		t.Errorf("tiers = %v, want >=2 hot, >=1 potential, several cold and nothing else", tiers)
	}
	for _, r := range demoReps {
		if owners[r.ID] == 0 {
			t.Errorf("rep %s owns no lead", r.ID)
		}
	}
	if len(owners) != len(demoReps) {
		t.Errorf("owners = %v, want only the demo reps", owners)
	}
	if kinds["rss"] == 0 || kinds["atom"] == 0 || pages < 2 || pages > 3 || jsPages != 1 || relative == 0 || html == 0 || careers != 1 {
		t.Errorf("sources: kinds %v, %d relative, %d html, %d careers, %d JavaScript-only pages; want rss, atom, 2-3 pages, one JavaScript-only, relative links, html, one careers page",
			kinds, relative, html, careers, jsPages)
	}
	var mentions, none int
	for _, it := range c.Regional.Items {
		if len(it.About) > 0 {
			mentions++
		} else {
			none++
		}
	}
	if mentions < 2 || none < 1 {
		t.Errorf("regional feed: %d items mention companies, %d none; want both", mentions, none)
	}
}

// TestDesignedTiers scores every company from its manifest the way
// the default points say, with the demo's fit rules, and checks it lands in its
// intended tier whether signals are faded from publication or counted as
// fresh (first seen at the demo's only poll), and whether a mention in the
// regional feed counts in full, half or not at all.
func TestDesignedTiers(t *testing.T) {
	c := corpusT(t)
	points := map[string]float64{
		"development": 15, "financial_growth": 15, "new_sites": 15,
		"hr_moves": 10, "innovation": 10, "international": 10,
		"buzz": 5, "financial_pub": 5, "difficulty": -15,
	}
	itemPoints := func(it item) float64 {
		var p float64
		for _, l := range it.Labels {
			p += points[l]
		}
		return min(p, 25)
	}
	lists := map[string]config.Watchlist{}
	for _, wl := range demoWatchlists() {
		lists[wl.ID] = wl
	}
	tierOf := func(score float64) string {
		switch {
		case score >= 70:
			return "hot"
		case score >= 40:
			return "potential"
		}
		return "cold"
	}
	hot := 0
	for _, co := range c.Companies {
		fit := fitScore(t, lists[co.Watchlist].Fit, co.Fields)
		for _, fade := range []bool{false, true} {
			for _, mention := range []float64{0, 0.5, 1} {
				score := float64(fit)
				add := func(it item, weight float64) {
					f := 1.0
					if fade {
						f = math.Pow(0.5, it.age.Hours()/(30*24))
					}
					score += weight * f * itemPoints(it)
				}
				for _, it := range co.Items {
					add(it, 1)
				}
				// A BODACC notice counts as the company's own item, with
				// the labels it states, unless it is history on a first
				// poll.
				for _, n := range co.BODACC {
					if n.age <= 7*24*time.Hour {
						add(item{Labels: n.Labels, age: n.age}, 1)
					}
				}
				for _, it := range c.Regional.Items {
					if slices.Contains(it.About, co.Slug) {
						add(it, mention)
					}
				}
				score = max(0, min(100, score))
				if got := tierOf(score); got != co.Tier {
					t.Errorf("%s (fade %v, mention %v): score %.1f is %s, want %s", co.Name, fade, mention, score, got, co.Tier)
				}
			}
		}
		if co.Tier == "hot" {
			hot++
			// Hot by design means several strong recent items, not one.
			strong := 0
			for _, it := range co.Items {
				if itemPoints(it) >= 10 && it.age <= 10*24*time.Hour {
					strong++
				}
			}
			if strong < 3 {
				t.Errorf("%s: %d strong recent items, want 3-4", co.Name, strong)
			}
		}
	}
	if hot < 2 {
		t.Errorf("%d hot companies, want at least 2", hot)
	}
}

func fitScore(t *testing.T, rules []config.FitRule, fields map[string]string) int {
	t.Helper()
	total := 0
	for _, r := range rules {
		v, ok := fields[r.Field]
		if !ok {
			continue
		}
		switch {
		case r.Min != nil || r.Max != nil:
			n, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("field %s = %q is not a number", r.Field, v)
			}
			if (r.Min == nil || n >= *r.Min) && (r.Max == nil || n <= *r.Max) {
				total += r.Points
			}
		case r.Equals != "":
			if strings.EqualFold(v, r.Equals) {
				total += r.Points
			}
		case len(r.In) > 0:
			if slices.Contains(r.In, v) {
				total += r.Points
			}
		}
	}
	return total
}

func TestExpect(t *testing.T) {
	c := corpusT(t)
	name, title := Expect()
	for _, co := range c.Companies {
		if co.Name != name {
			continue
		}
		if co.Tier != "hot" {
			t.Errorf("Expect() names %s, whose tier is %s", name, co.Tier)
		}
		for _, it := range co.Items {
			if it.Title == title {
				return
			}
		}
		t.Fatalf("Expect() title %q is not an item of %s", title, name)
	}
	t.Fatalf("Expect() names unknown company %q", name)
}

// TestFeeds parses every feed with gofeed and checks items, dates and links
// against the manifest, for two clocks.
func TestFeeds(t *testing.T) {
	c := corpusT(t)
	for _, now := range []time.Time{testNow, otherNow} {
		s := startServer(t, now)
		for _, o := range append([]*outlet{&c.Regional}, c.outlets()...) {
			if o.Source.Kind == "page" {
				continue
			}
			t.Run(o.Slug+"@"+now.Format("2006"), func(t *testing.T) {
				feedURL := s.URL + o.feedPath()
				resp, body := get(t, feedURL)
				want := map[string]string{"rss": "application/rss+xml; charset=utf-8", "atom": "application/atom+xml; charset=utf-8"}[o.Source.Kind]
				if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != want {
					t.Fatalf("%s: %s %q", feedURL, resp.Status, resp.Header.Get("Content-Type"))
				}
				f, err := gofeed.NewParser().Parse(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("parse %s: %v", feedURL, err)
				}
				if f.FeedType != o.Source.Kind {
					t.Errorf("feed type %s, want %s", f.FeedType, o.Source.Kind)
				}
				if len(f.Items) != len(o.Items) {
					t.Fatalf("%d items, want %d", len(f.Items), len(o.Items))
				}
				byTitle := map[string]*gofeed.Item{}
				for _, fi := range f.Items {
					byTitle[fi.Title] = fi
				}
				base, _ := url.Parse(feedURL)
				for _, it := range o.Items {
					fi := byTitle[it.Title]
					if fi == nil {
						t.Errorf("item %q missing from the feed", it.Title)
						continue
					}
					if fi.PublishedParsed == nil || !fi.PublishedParsed.Equal(now.Add(-it.age).Truncate(time.Second)) {
						t.Errorf("%s: published %v, want %v", it.ID, fi.PublishedParsed, now.Add(-it.age))
					}
					if fi.GUID == "" || fi.Description == "" {
						t.Errorf("%s: empty guid or description", it.ID)
					}
					if o.Source.HTML != "" && !strings.Contains(fi.Description, "<p>") {
						t.Errorf("%s: description %q lost its markup", it.ID, fi.Description)
					}
					link, err := base.Parse(fi.Link)
					if err != nil {
						t.Fatalf("%s: link %q: %v", it.ID, fi.Link, err)
					}
					if abs := strings.HasPrefix(fi.Link, s.URL+"/"); abs == o.Source.Relative {
						t.Errorf("%s: link %q, want relative links %v", it.ID, fi.Link, o.Source.Relative)
					}
					checkArticle(t, link.String(), it.Title)
				}
			})
		}
	}
}

func checkArticle(t *testing.T, u, title string) {
	t.Helper()
	resp, body := get(t, u)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
		t.Errorf("article %s: %s %q", u, resp.Status, resp.Header.Get("Content-Type"))
		return
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("article %s: %v", u, err)
	}
	if got := doc.Find("h1").First().Text(); got != title {
		t.Errorf("article %s: h1 %q, want %q", u, got, title)
	}
}

// TestNewsroomPages reads each newsroom page with the selectors the config
// gives it.
func TestNewsroomPages(t *testing.T) {
	c := corpusT(t)
	for _, now := range []time.Time{testNow, otherNow} {
		s := startServer(t, now)
		for _, o := range c.outlets() {
			if o.Source.Kind != "page" {
				continue
			}
			page := newsroomPage(s.URL + o.feedPath())
			resp, body := get(t, page.URL)
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Fatalf("%s: %s %q", page.URL, resp.Status, resp.Header.Get("Content-Type"))
			}
			if o.Source.Render != "" {
				checkScriptNewsroom(t, s, o, body, now)
				continue
			}
			doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			base, _ := url.Parse(page.URL)
			got := map[string]bool{}
			doc.Find(page.Item).Each(func(_ int, sel *goquery.Selection) {
				title := strings.TrimSpace(sel.Find(page.Title).Text())
				href, _ := sel.Find("a").Attr("href")
				date, _ := sel.Find("time").Attr("datetime")
				summary := strings.TrimSpace(sel.Find(page.Summary).Text())
				it := findItem(o, title)
				if it == nil {
					t.Errorf("%s: unexpected item %q", page.URL, title)
					return
				}
				got[it.ID] = true
				if want := now.Add(-it.age).UTC().Format(time.DateOnly); date != want {
					t.Errorf("%s: date %q, want %q", it.ID, date, want)
				}
				if summary != it.Summary {
					t.Errorf("%s: summary %q", it.ID, summary)
				}
				link, err := base.Parse(href)
				if err != nil {
					t.Fatal(err)
				}
				checkArticle(t, link.String(), it.Title)
			})
			if len(got) != len(o.Items) {
				t.Errorf("%s: %d items read, want %d", page.URL, len(got), len(o.Items))
			}
		}
	}
}

// checkScriptNewsroom checks a JavaScript-only newsroom: a shell with no
// item, whose script carries every item with its date and link (the
// browser that runs it is tested with the rendering, in cmd/veille).
func checkScriptNewsroom(t *testing.T, s *Server, o *outlet, shell []byte, now time.Time) {
	t.Helper()
	if bytes.Contains(shell, []byte(`class="news"`)) || !bytes.Contains(shell, []byte(`<script src="`+o.scriptPath()+`">`)) {
		t.Errorf("%s: not an empty shell loading %s:\n%s", o.feedPath(), o.scriptPath(), shell)
	}
	resp, js := get(t, s.URL+o.scriptPath())
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/javascript; charset=utf-8" {
		t.Fatalf("%s: %s %q", o.scriptPath(), resp.Status, resp.Header.Get("Content-Type"))
	}
	for i := range o.Items {
		it := &o.Items[i]
		title, _ := json.Marshal(it.Title)
		date := now.Add(-it.age).UTC().Format(time.DateOnly)
		if !bytes.Contains(js, title) || !bytes.Contains(js, []byte(`"iso":"`+date+`"`)) || !bytes.Contains(js, []byte(`"href":"`+o.articlePath(it)+`"`)) {
			t.Errorf("%s: the script lacks %s with its date %s and link", o.scriptPath(), title, date)
		}
		checkArticle(t, s.URL+o.articlePath(it), it.Title)
	}
}

func findItem(o *outlet, title string) *item {
	for i := range o.Items {
		if o.Items[i].Title == title {
			return &o.Items[i]
		}
	}
	return nil
}

func TestCareersPageCountChanges(t *testing.T) {
	s := startServer(t, testNow)
	co := corpusT(t).company("sancy-precision")
	count := func() int {
		_, body := get(t, s.URL+co.careersPath())
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		return doc.Find(".job-offer").Length()
	}
	if n := count(); n != defaultOffers {
		t.Errorf("%d offers, want %d", n, defaultOffers)
	}
	s.SetJobOffers(5)
	if n := count(); n != 5 {
		t.Errorf("after SetJobOffers(5): %d offers", n)
	}
	s.SetJobOffers(100)
	if n := count(); n != len(co.Careers) {
		t.Errorf("after SetJobOffers(100): %d offers, want all %d", n, len(co.Careers))
	}
}

func TestUnknownPathsAndMethods(t *testing.T) {
	s := startServer(t, testNow)
	for _, p := range []string{"/nope", "/ker-avel/feed", "/ker-avel/actualites/nope.html", "/ker-avel/rss.xml"} {
		if resp, _ := get(t, s.URL+p); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s: %s, want 404", p, resp.Status)
		}
	}
	resp, err := http.Post(s.URL+"/", "text/plain", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /: %s", resp.Status)
	}
	// Every route answers 200, including home pages and the index.
	for _, p := range s.paths() {
		if resp, _ := get(t, s.URL+p); resp.StatusCode != 200 {
			t.Errorf("GET %s: %s", p, resp.Status)
		}
	}
}

// TestConfig loads Config's output the way veille does, which checks every
// key and reference in it, and checks every URL in it answers 200 from the
// server.
func TestConfig(t *testing.T) {
	s := startServer(t, testNow)
	path := filepath.Join(t.TempDir(), "veille.yaml")
	if err := os.WriteFile(path, Config(s.URL+"/", "/tmp/veille-demo/veille.db"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, config.Options{Labels: signals.LabelIDs()})
	if err != nil {
		t.Fatalf("veille check would refuse the demo config:\n%v", err)
	}
	if cfg.Store != "/tmp/veille-demo/veille.db" || cfg.Listen != "" {
		t.Errorf("store %q listen %q", cfg.Store, cfg.Listen)
	}
	if cfg.SMTP.Host != "127.0.0.1" || cfg.SMTP.Port != 2525 || cfg.SMTP.TLS != "none" {
		t.Errorf("smtp = %+v", cfg.SMTP)
	}
	if cfg.Fetch.PerHostInterval != 0 || cfg.Fetch.Robots == nil || *cfg.Fetch.Robots {
		t.Errorf("fetch = %+v, want no per-host interval and robots false", cfg.Fetch)
	}
	langs := map[string]bool{}
	for _, r := range cfg.Reps {
		langs[r.Language] = true
	}
	if len(cfg.Reps) != 2 || !langs["fr"] || !langs["en"] {
		t.Errorf("reps = %+v, want one fr and one en", cfg.Reps)
	}

	c := corpusT(t)
	var urls []string
	prospects := 0
	for _, wl := range cfg.Watchlists {
		urls = append(urls, wl.Feeds...)
		for _, p := range wl.Prospects {
			prospects++
			if len(p.Fields) == 0 {
				t.Errorf("%s: no fields", p.Name)
			}
			urls = append(urls, p.Feeds...)
			if p.Site != "" {
				urls = append(urls, p.Site)
			}
			for _, pg := range p.Pages {
				urls = append(urls, pg.URL)
			}
			if u := cfg.BODACCURL(p.SIRENDigits()); u != "" {
				urls = append(urls, u)
			}
			urls = append(urls, wl.SearchURLs(p)...)
		}
	}
	if prospects != len(c.Companies) {
		t.Errorf("%d prospects, want %d", prospects, len(c.Companies))
	}
	for _, u := range urls {
		if !strings.HasPrefix(u, s.URL+"/") {
			t.Errorf("%s is not on the demo server", u)
			continue
		}
		if resp, _ := get(t, u); resp.StatusCode != 200 {
			t.Errorf("GET %s: %s", u, resp.Status)
		}
	}
}

// The autodiscovery home page must advertise a feed that exists.
func TestHomePageAdvertisesFeed(t *testing.T) {
	s := startServer(t, testNow)
	for _, co := range corpusT(t).Companies {
		if !co.Site {
			continue
		}
		_, body := get(t, s.URL+co.homePath())
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		href, ok := doc.Find(`link[rel=alternate][type="application/rss+xml"], link[rel=alternate][type="application/atom+xml"]`).Attr("href")
		if !ok {
			t.Fatalf("%s: no feed link", co.Slug)
		}
		base, _ := url.Parse(s.URL + co.homePath())
		u, _ := base.Parse(href)
		if resp, _ := get(t, u.String()); resp.StatusCode != 200 {
			t.Errorf("%s: advertised feed %s: %s", co.Slug, u, resp.Status)
		}
	}
}

// The regional feed must name the companies it is about, the way the matcher
// will find them (name or alias), and name no company in the others unless
// an exclude phrase marks a homonym.
func TestRegionalMentions(t *testing.T) {
	c := corpusT(t)
	for _, it := range c.Regional.Items {
		text := strings.ToLower(it.Title + " " + it.Summary)
		for _, co := range c.Companies {
			named := false
			for _, n := range append([]string{co.Name}, co.Aliases...) {
				if strings.Contains(text, strings.ToLower(n)) {
					named = true
				}
			}
			excluded := false
			for _, e := range co.Exclude {
				if strings.Contains(text, strings.ToLower(e)) {
					excluded = true
				}
			}
			about := slices.Contains(it.About, co.Slug)
			switch {
			case about && !named:
				t.Errorf("%s: about %s but does not name it", it.ID, co.Name)
			case about && excluded:
				t.Errorf("%s: about %s but matches its exclude", it.ID, co.Name)
			case !about && named && !excluded:
				t.Errorf("%s: names %s but is not about it", it.ID, co.Name)
			}
		}
	}
}

func TestManifest(t *testing.T) {
	s := startServer(t, testNow)
	m := Manifest()
	if len(m) != len(corpusT(t).Companies) {
		t.Fatalf("%d companies", len(m))
	}
	hot, _ := Expect()
	for _, co := range m {
		if co.Name == hot && co.Tier != "hot" {
			t.Errorf("%s: tier %s", co.Name, co.Tier)
		}
		regional := 0
		for _, it := range co.Items {
			if it.Regional {
				regional++
			}
			if resp, _ := get(t, s.URL+it.Path); resp.StatusCode != 200 {
				t.Errorf("%s: %s", it.Path, resp.Status)
			}
		}
		if co.Name == hot && regional == 0 {
			t.Errorf("%s: no regional item", co.Name)
		}
	}
}

// TestCloseDoesNotWaitForClients: a connection a client opened but never
// used, as a fetcher's spare keep-alive dial, does not hold Close (a
// graceful Shutdown waits 5 s for it).
func TestCloseDoesNotWaitForClients(t *testing.T) {
	s, err := Start(testNow)
	if err != nil {
		t.Fatal(err)
	}
	addr := strings.TrimPrefix(s.URL, "http://")
	unused, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer unused.Close()
	// A request on a later connection: the server accepts in order, so it
	// now holds the unused one too.
	resp, err := http.Get(s.URL + "/robots.txt")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()

	start := time.Now()
	if err := s.Close(); err != nil {
		t.Fatalf("close with an unused connection open: %v", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("close took %s: it waited for the unused connection", d.Round(time.Millisecond))
	}
	unused.SetReadDeadline(time.Now().Add(10 * time.Second))
	if n, err := unused.Read(make([]byte, 1)); err != io.EOF {
		t.Errorf("the unused connection after Close: read %d bytes, %v; want EOF", n, err)
	}
}

// TestBODACCAnswer: the server answers a company's BODACC query as the
// API does, every notice the corpus lists dated its age before now.
func TestBODACCAnswer(t *testing.T) {
	s := startServer(t, testNow)
	c := corpusT(t)
	paris, _ := time.LoadLocation("Europe/Paris")
	companies := 0
	for _, co := range c.Companies {
		if co.SIREN == "" {
			continue
		}
		companies++
		u := strings.Replace(bodaccTemplate(s.URL), "{siren}", co.sirenDigits(), 1)
		resp, body := get(t, u)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("GET %s: %s %s", u, resp.Status, resp.Header.Get("Content-Type"))
		}
		var ans struct {
			Results []struct {
				ID   string `json:"id"`
				Date string `json:"dateparution"`
			} `json:"results"`
		}
		if err := json.Unmarshal(body, &ans); err != nil {
			t.Fatal(err)
		}
		dates := map[string]string{}
		for _, r := range ans.Results {
			dates[r.ID] = r.Date
		}
		for _, n := range co.BODACC {
			if want := testNow.Add(-n.age).In(paris).Format(time.DateOnly); dates[n.ID] != want {
				t.Errorf("%s: notice %s dated %q, want %s", co.Name, n.ID, dates[n.ID], want)
			}
		}
	}
	if companies == 0 {
		t.Error("no company of the corpus has a SIREN: the demo shows no BODACC signal")
	}
}

// TestNewsSearch: the demo's search engine answers each prospect's query
// with the regional articles that hold one of its names, homonyms too.
func TestNewsSearch(t *testing.T) {
	s := startServer(t, testNow)
	c := corpusT(t)
	co := c.company("ker-avel")
	resp, body := get(t, s.URL+searchPath(co))
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", searchPath(co), resp.Status)
	}
	feed, err := gofeed.NewParser().ParseString(string(body))
	if err != nil {
		t.Fatal(err)
	}
	var titles []string
	for _, it := range feed.Items {
		titles = append(titles, it.Title)
		if !strings.HasPrefix(it.Link, s.URL+"/"+c.Regional.Slug+"/") {
			t.Errorf("%s: link %s is not the regional article's", it.Title, it.Link)
		}
	}
	for _, id := range []string{"ker-avel-seconde-tranche", "festival-ker-avel"} {
		var want string
		for _, it := range c.Regional.Items {
			if it.ID == id {
				want = it.Title
			}
		}
		if !slices.Contains(titles, want) {
			t.Errorf("search for %s lacks %q: %q", co.Name, want, titles)
		}
	}
	if !strings.Contains(searchPath(co), "%22Conserverie+Ker+Avel%22+OR+%22Ker+Avel%22") {
		t.Errorf("search path %s does not carry the {query} of the name and alias", searchPath(co))
	}
}
