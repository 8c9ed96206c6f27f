package demo

import (
	"bytes"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The demo config mirrors veille.yaml's keys (config.Config) with plain
// types, so durations and sizes are written the way an admin writes them.
// The demo package does not import config: the tests decode this output into
// config.Config with unknown keys rejected, which is what keeps them in step.
type yamlConfig struct {
	Timezone   string          `yaml:"timezone"`
	Store      string          `yaml:"store"`
	Retention  string          `yaml:"retention"`
	Listen     string          `yaml:"listen"`
	Poll       string          `yaml:"poll"`
	Fetch      yamlFetch       `yaml:"fetch"`
	SMTP       yamlSMTP        `yaml:"smtp"`
	Digest     yamlDigest      `yaml:"digest"`
	Scoring    yamlScoring     `yaml:"scoring"`
	Reps       []yamlRep       `yaml:"reps"`
	Admins     []string        `yaml:"admins"`
	Watchlists []yamlWatchlist `yaml:"watchlists"`
}

type yamlFetch struct {
	Timeout         string `yaml:"timeout"`
	MaxBody         string `yaml:"max_body"`
	Concurrency     int    `yaml:"concurrency"`
	PerHostInterval string `yaml:"per_host_interval"`
	Robots          bool   `yaml:"robots"`
	Contact         string `yaml:"contact"`
}

type yamlSMTP struct {
	Host string `yaml:"host"`
	Port int    `yaml:"port"`
	TLS  string `yaml:"tls"`
	From string `yaml:"from"`
}

type yamlDigest struct {
	Schedule  string `yaml:"schedule"`
	Language  string `yaml:"language"`
	SendEmpty bool   `yaml:"send_empty"`
}

type yamlScoring struct {
	HalfLife  string `yaml:"half_life"`
	ItemCap   int    `yaml:"item_cap"`
	Hot       int    `yaml:"hot"`
	Potential int    `yaml:"potential"`
}

type yamlRep struct {
	ID       string `yaml:"id"`
	Name     string `yaml:"name"`
	Email    string `yaml:"email"`
	Language string `yaml:"language"`
	Timezone string `yaml:"timezone"`
}

type yamlWatchlist struct {
	ID        string              `yaml:"id"`
	Owner     string              `yaml:"owner"`
	Feeds     []string            `yaml:"feeds,omitempty"`
	Keywords  map[string]int      `yaml:"keywords,omitempty"`
	Terms     map[string][]string `yaml:"terms,omitempty"`
	Fit       []yamlFit           `yaml:"fit"`
	Prospects []yamlProspect      `yaml:"prospects"`
}

type yamlFit struct {
	Field  string   `yaml:"field"`
	Min    *int     `yaml:"min,omitempty"`
	Max    *int     `yaml:"max,omitempty"`
	Equals string   `yaml:"equals,omitempty"`
	In     []string `yaml:"in,omitempty"`
	Points int      `yaml:"points"`
}

type yamlProspect struct {
	Name    string            `yaml:"name"`
	CRMID   string            `yaml:"crm_id,omitempty"`
	Aliases []string          `yaml:"aliases,omitempty"`
	Domain  string            `yaml:"domain,omitempty"`
	Owner   string            `yaml:"owner,omitempty"`
	Site    string            `yaml:"site,omitempty"`
	Exclude []string          `yaml:"exclude,omitempty"`
	Fields  map[string]string `yaml:"fields,omitempty"`
	Feeds   []string          `yaml:"feeds,omitempty"`
	Pages   []yamlPage        `yaml:"pages,omitempty"`
}

type yamlPage struct {
	URL     string `yaml:"url"`
	Watch   string `yaml:"watch,omitempty"`
	Item    string `yaml:"item,omitempty"`
	Title   string `yaml:"title,omitempty"`
	Link    string `yaml:"link,omitempty"`
	Date    string `yaml:"date,omitempty"`
	Summary string `yaml:"summary,omitempty"`
	Select  string `yaml:"select,omitempty"`
}

func intp(n int) *int { return &n }

// The two reps of the demo: one reads French, one English, so both digest
// languages are previewed.
var demoReps = []yamlRep{
	{ID: "claire", Name: "Claire Le Gall", Email: "claire.legall@example.com", Language: "fr", Timezone: "Europe/Paris"},
	{ID: "james", Name: "James Whitfield", Email: "james.whitfield@example.com", Language: "en", Timezone: "Europe/London"},
}

// demoWatchlists holds what corpus.yaml does not: owners, fit rules and
// extra terms. The fit rules are part of the designed outcome: a hot lead is
// fit 20-25 plus its recent signals.
func demoWatchlists() []yamlWatchlist {
	return []yamlWatchlist{
		{
			ID:    "agro-bretagne",
			Owner: "claire",
			// Terms that appear nowhere in the corpus, so they show the keys
			// without moving any designed score.
			Terms: map[string][]string{"new_sites": {"entrepôt frigorifique"}},
			Fit: []yamlFit{
				{Field: "sector", Equals: "agroalimentaire", Points: 10},
				{Field: "headcount", Min: intp(100), Points: 10},
				{Field: "headcount", Max: intp(10), Points: -10},
			},
		},
		{
			ID:       "industrie",
			Owner:    "james",
			Keywords: map[string]int{"appel à projets": 5},
			Fit: []yamlFit{
				{Field: "headcount", Min: intp(100), Points: 10},
				{Field: "sector", In: []string{"mécanique", "métallurgie", "plasturgie", "robotique"}, Points: 10},
				{Field: "region", Equals: "Auvergne-Rhône-Alpes", Points: 5},
				{Field: "headcount", Max: intp(10), Points: -10},
			},
		},
	}
}

// Newsroom pages are read with the selectors their HTML was written for.
func newsroomPage(url string) yamlPage {
	return yamlPage{URL: url, Item: "article.news", Title: "h2", Link: "a@href", Date: "time@datetime", Summary: "p"}
}

// Config returns a complete veille.yaml pointing every feed and page at
// baseURL (a Server's URL), with the store at storePath, the HTTP listener
// disabled and an SMTP server on 127.0.0.1:2525 that the demo never uses
// unless asked. Fetching is unthrottled and ignores robots.txt because every
// source is the one loopback host.
func Config(baseURL, storePath string) []byte {
	c := mustCorpus()
	base := strings.TrimRight(baseURL, "/")
	cfg := yamlConfig{
		Timezone:  "Europe/Paris",
		Store:     storePath,
		Retention: "400d",
		Listen:    "",
		Poll:      "*/30 * * * *",
		Fetch: yamlFetch{
			Timeout: "10s", MaxBody: "2MiB", Concurrency: 8,
			PerHostInterval: "0s", Robots: false, Contact: "demo@example.com",
		},
		SMTP:       yamlSMTP{Host: "127.0.0.1", Port: 2525, TLS: "none", From: "Veille (démo) <veille@example.com>"},
		Digest:     yamlDigest{Schedule: "30 7 * * 1-5", Language: "fr", SendEmpty: false},
		Scoring:    yamlScoring{HalfLife: "30d", ItemCap: 25, Hot: 70, Potential: 40},
		Reps:       demoReps,
		Admins:     []string{"ops@example.com"},
		Watchlists: demoWatchlists(),
	}
	for i := range cfg.Watchlists {
		wl := &cfg.Watchlists[i]
		if wl.ID == "agro-bretagne" {
			wl.Feeds = []string{base + c.Regional.feedPath()}
		}
		for j := range c.Companies {
			co := &c.Companies[j]
			if co.Watchlist != wl.ID {
				continue
			}
			wl.Prospects = append(wl.Prospects, prospectConfig(co, wl.Owner, base))
		}
	}
	var b bytes.Buffer
	b.WriteString("# veille demo configuration: every source is the demo corpus served on\n" +
		"# " + base + " (see examples/veille.yaml for a commented real-world one).\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(cfg); err != nil {
		panic("demo: encode config: " + err.Error()) // plain structs always encode
	}
	enc.Close()
	return b.Bytes()
}

func prospectConfig(co *company, listOwner, base string) yamlProspect {
	p := yamlProspect{
		Name:    co.Name,
		CRMID:   co.CRMID,
		Aliases: co.Aliases,
		Domain:  co.Slug + ".example",
		Exclude: co.Exclude,
		Fields:  co.Fields,
	}
	if co.Owner != listOwner {
		p.Owner = co.Owner
	}
	switch {
	case co.Site:
		// Exercises feed autodiscovery: the home page advertises the feed.
		p.Site = base + co.homePath()
	case co.Source.Kind == "page":
		p.Pages = append(p.Pages, newsroomPage(base+co.feedPath()))
	default:
		p.Feeds = []string{base + co.feedPath()}
	}
	if len(co.Careers) > 0 {
		p.Pages = append(p.Pages, yamlPage{URL: base + co.careersPath(), Watch: "changes", Select: ".job-offer"})
	}
	return p
}
