// Package demo is the corpus behind `veille demo`: invented prospect companies
// with their feeds, newsroom pages, a careers page and a regional news feed,
// served on loopback with dates relative to a given clock, plus the config
// that watches them. The corpus is built to produce known tiers (see
// corpus.yaml), so the demo and the end-to-end test show the whole pipeline
// without network, SMTP or a calendar that makes leads go cold.
package demo

import (
	"bytes"
	_ "embed"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"go.yaml.in/yaml/v3"
)

//go:embed corpus.yaml
var corpusYAML []byte

// corpus is corpus.yaml, decoded.
type corpus struct {
	Regional  outlet    `yaml:"regional"`
	Companies []company `yaml:"companies"`
}

// outlet is what publishes items: a company or the regional newspaper.
type outlet struct {
	Slug        string `yaml:"slug"`
	Name        string `yaml:"name"`
	Lang        string `yaml:"lang"`
	Description string `yaml:"description"`
	Source      source `yaml:"source"`
	Items       []item `yaml:"items"`
}

type company struct {
	outlet    `yaml:",inline"`
	Aliases   []string          `yaml:"aliases"`
	Exclude   []string          `yaml:"exclude"`
	Watchlist string            `yaml:"watchlist"`
	Owner     string            `yaml:"owner"`
	Tier      string            `yaml:"tier"`
	CRMID     string            `yaml:"crm_id"`
	Fields    map[string]string `yaml:"fields"`
	Site      bool              `yaml:"site"`
	Careers   []jobOffer        `yaml:"careers"`
	SIREN     string            `yaml:"siren"`  // its BODACC notices are served from bodacc/<siren>.json
	BODACC    []bodaccNotice    `yaml:"bodacc"` // those notices and the labels each states
}

// sirenDigits is the company's SIREN without spaces.
func (co *company) sirenDigits() string { return strings.ReplaceAll(co.SIREN, " ", "") }

type source struct {
	Kind     string `yaml:"kind"` // rss | atom | page
	HTML     string `yaml:"html"` // "" | cdata | escaped
	Relative bool   `yaml:"relative"`
	Path     string `yaml:"path"`
	Render   string `yaml:"render"` // "" | chromium: a page whose script writes the items
}

type jobOffer struct {
	Title string `yaml:"title"`
	Place string `yaml:"place"`
}

type item struct {
	ID      string   `yaml:"id"`
	Age     string   `yaml:"age"`
	Title   string   `yaml:"title"`
	Summary string   `yaml:"summary"`
	Labels  []string `yaml:"labels"`
	About   []string `yaml:"about"`

	age time.Duration // Age, parsed
}

// The nine signal ids. Repeated here rather than imported so the
// corpus stays data about the product, checked against the signals package
// by the tests.
var labelIDs = []string{
	"buzz", "hr_moves", "new_sites", "financial_pub", "development",
	"financial_growth", "difficulty", "innovation", "international",
}

// maxAge keeps items out of the backlog window (7 days before a source's
// first fetch); pages carry dates without a time of day, hence a day less.
const (
	maxFeedAge = 6 * 24 * time.Hour
	maxPageAge = 5 * 24 * time.Hour
)

// loadCorpus decodes and checks the embedded corpus once; the corpus is part
// of the binary, so an error is a build defect the tests catch.
var loadCorpus = sync.OnceValues(func() (*corpus, error) { return parseCorpus(corpusYAML) })

func mustCorpus() *corpus {
	c, err := loadCorpus()
	if err != nil {
		panic("demo: embedded corpus: " + err.Error())
	}
	return c
}

func parseCorpus(b []byte) (*corpus, error) {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var c corpus
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("corpus.yaml: %w", err)
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("corpus.yaml: %w", err)
	}
	return &c, nil
}

// check enforces what the server and the config generator rely on.
func (c *corpus) check() error {
	slugs := map[string]bool{c.Regional.Slug: true}
	for _, co := range c.Companies {
		if slugs[co.Slug] {
			return fmt.Errorf("duplicate slug %q", co.Slug)
		}
		slugs[co.Slug] = true
	}
	for i := range c.Companies {
		if err := c.Companies[i].checkBODACC(); err != nil {
			return err
		}
	}
	outlets := append([]*outlet{&c.Regional}, c.outlets()...)
	for _, o := range outlets {
		switch o.Source.Kind {
		case "rss", "atom", "page":
		default:
			return fmt.Errorf("%s: unknown source kind %q", o.Slug, o.Source.Kind)
		}
		if o.Source.Render != "" && (o.Source.Render != "chromium" || o.Source.Kind != "page") {
			return fmt.Errorf("%s: render %q: only chromium, on a page", o.Slug, o.Source.Render)
		}
		if o.Lang != "fr" && o.Lang != "en" {
			return fmt.Errorf("%s: lang %q (want fr or en)", o.Slug, o.Lang)
		}
		ids := map[string]bool{}
		for i := range o.Items {
			it := &o.Items[i]
			if it.ID == "" || ids[it.ID] {
				return fmt.Errorf("%s: missing or duplicate item id %q", o.Slug, it.ID)
			}
			ids[it.ID] = true
			d, err := parseAge(it.Age)
			if err != nil {
				return fmt.Errorf("%s/%s: %w", o.Slug, it.ID, err)
			}
			limit := maxFeedAge
			if o.Source.Kind == "page" {
				limit = maxPageAge
			}
			if d > limit {
				return fmt.Errorf("%s/%s: age %s is over %s", o.Slug, it.ID, it.Age, limit)
			}
			it.age = d
			for _, l := range it.Labels {
				if !validLabel(l) {
					return fmt.Errorf("%s/%s: unknown label %q", o.Slug, it.ID, l)
				}
			}
			for _, a := range it.About {
				if !slugs[a] || a == c.Regional.Slug {
					return fmt.Errorf("%s/%s: about names unknown company %q", o.Slug, it.ID, a)
				}
			}
		}
	}
	return nil
}

// checkBODACC holds the notices the corpus lists to the recorded answer:
// each is in it, and their labels are signal ids.
func (co *company) checkBODACC() error {
	if co.SIREN == "" {
		if len(co.BODACC) > 0 {
			return fmt.Errorf("%s: bodacc notices without a siren", co.Slug)
		}
		return nil
	}
	ages, err := readBODACC(co.sirenDigits())
	if err != nil {
		return fmt.Errorf("%s: %w", co.Slug, err)
	}
	for i := range co.BODACC {
		n := &co.BODACC[i]
		age, ok := ages[n.ID]
		if !ok {
			return fmt.Errorf("%s: bodacc notice %q is not in bodacc/%s.json", co.Slug, n.ID, co.sirenDigits())
		}
		n.age = age
		for _, l := range n.Labels {
			if !validLabel(l) {
				return fmt.Errorf("%s: bodacc notice %s: unknown label %q", co.Slug, n.ID, l)
			}
		}
	}
	return nil
}

func (c *corpus) outlets() []*outlet {
	out := make([]*outlet, len(c.Companies))
	for i := range c.Companies {
		out[i] = &c.Companies[i].outlet
	}
	return out
}

func (c *corpus) company(slug string) *company {
	for i := range c.Companies {
		if c.Companies[i].Slug == slug {
			return &c.Companies[i]
		}
	}
	return nil
}

func validLabel(l string) bool {
	for _, id := range labelIDs {
		if l == id {
			return true
		}
	}
	return false
}

// parseAge reads "2d", "6h", "1d3h", "45m".
func parseAge(s string) (time.Duration, error) {
	var days time.Duration
	rest := s
	if d, r, ok := strings.Cut(s, "d"); ok {
		n, err := strconv.Atoi(d)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("invalid age %q", s)
		}
		days, rest = time.Duration(n)*24*time.Hour, r
	}
	if rest == "" {
		if s == "" {
			return 0, fmt.Errorf("missing age")
		}
		return days, nil
	}
	d, err := time.ParseDuration(rest)
	if err != nil || d < 0 {
		return 0, fmt.Errorf("invalid age %q", s)
	}
	return days + d, nil
}

// scriptPath is where the script of a JavaScript-only newsroom is served.
func (o *outlet) scriptPath() string { return o.feedPath() + ".js" }

// feedPath is where an outlet's feed or newsroom page is served.
func (o *outlet) feedPath() string {
	p := o.Source.Path
	if p == "" {
		switch o.Source.Kind {
		case "rss":
			p = "rss.xml"
		case "atom":
			p = "atom.xml"
		default:
			p = "actualites"
		}
	}
	return "/" + o.Slug + "/" + p
}

// newsDir is the folder of the outlet's article pages, named as a site in
// its language would name it.
func (o *outlet) newsDir() string {
	if o.Lang == "en" {
		return "news"
	}
	return "actualites"
}

// articlePath is the absolute path of an item's article page.
func (o *outlet) articlePath(it *item) string {
	return "/" + o.Slug + "/" + o.newsDir() + "/" + it.ID + ".html"
}

func (o *outlet) homePath() string    { return "/" + o.Slug + "/" }
func (o *outlet) careersPath() string { return "/" + o.Slug + "/carrieres" }

// Expect describes what the corpus is built to produce, for the end-to-end
// test: the company that must come out hot and the title of one of its items
// (plain ASCII, so it reads the same in HTML, text and encoded mail).
func Expect() (hotCompany, hotTitle string) {
	c := mustCorpus().company("ker-avel")
	for _, it := range c.Items {
		if it.ID == "nouvelle-usine" {
			return c.Name, it.Title
		}
	}
	panic("demo: corpus lost the ker-avel/nouvelle-usine item")
}

// Company is a prospect of the corpus with the outcome it is built for.
type Company struct {
	Name      string
	Watchlist string
	Owner     string // rep id
	Tier      string // hot | potential | cold, with the default points
	Items     []Item // its own items, then the regional items that name it
}

// Item is one published news item and the signals it is written to carry.
type Item struct {
	Title    string
	Path     string        // article path on the server, e.g. /ker-avel/actualites/nouvelle-usine.html
	Age      time.Duration // published this long before Start's now
	Labels   []string      // signal ids; empty for an item that carries none
	Regional bool          // from the shared regional feed, which names the company
}

// Manifest lists every company of the corpus with its intended tier and
// owner and the labels of its items, for tests that check more than Expect.
func Manifest() []Company {
	c := mustCorpus()
	out := make([]Company, 0, len(c.Companies))
	for _, co := range c.Companies {
		mc := Company{Name: co.Name, Watchlist: co.Watchlist, Owner: co.Owner, Tier: co.Tier}
		for _, it := range sortedByAge(&co.outlet) {
			mc.Items = append(mc.Items, Item{Title: it.Title, Path: co.articlePath(it), Age: it.age, Labels: slices.Clone(it.Labels)})
		}
		for _, it := range sortedByAge(&c.Regional) {
			if slices.Contains(it.About, co.Slug) {
				mc.Items = append(mc.Items, Item{Title: it.Title, Path: c.Regional.articlePath(it), Age: it.age, Labels: slices.Clone(it.Labels), Regional: true})
			}
		}
		out = append(out, mc)
	}
	return out
}
