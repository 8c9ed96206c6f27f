package demo

import (
	"strings"
	"time"

	"github.com/veille-hq/veille/config"
)

// The demo's config is built from config's own types and written out with
// config.Marshal, so it follows the schema veille reads by construction.

func num(n float64) *float64 { return &n }

// The two reps of the demo: one reads French, one English, so both digest
// languages are previewed.
var demoReps = []config.Rep{
	{ID: "claire", Name: "Claire Le Gall", Email: "claire.legall@example.com", Language: "fr", Timezone: "Europe/Paris"},
	{ID: "james", Name: "James Whitfield", Email: "james.whitfield@example.com", Language: "en", Timezone: "Europe/London"},
}

// demoWatchlists holds what corpus.yaml does not: owners, fit rules and
// extra terms. The fit rules are part of the designed outcome: a hot lead is
// fit 20-25 plus its recent signals.
func demoWatchlists() []config.Watchlist {
	return []config.Watchlist{
		{
			ID:    "agro-bretagne",
			Owner: "claire",
			// Terms that appear nowhere in the corpus, so they show the keys
			// without moving any designed score.
			Terms: map[string][]string{"new_sites": {"entrepôt frigorifique"}},
			Fit: []config.FitRule{
				{Field: "sector", Equals: "agroalimentaire", Points: 10},
				{Field: "headcount", Min: num(100), Points: 10},
				{Field: "headcount", Max: num(10), Points: -10},
			},
		},
		{
			ID:       "industrie",
			Owner:    "james",
			Keywords: map[string]int{"appel à projets": 5},
			Fit: []config.FitRule{
				{Field: "headcount", Min: num(100), Points: 10},
				{Field: "sector", In: []string{"mécanique", "métallurgie", "plasturgie", "robotique"}, Points: 10},
				{Field: "region", Equals: "Auvergne-Rhône-Alpes", Points: 5},
				{Field: "headcount", Max: num(10), Points: -10},
			},
		},
	}
}

// Newsroom pages are read with the selectors their HTML was written for.
func newsroomPage(url string) config.Page {
	return config.Page{URL: url, Item: "article.news", Title: "h2", Link: "a@href", Date: "time@datetime", Summary: "p"}
}

// Config returns a complete veille.yaml pointing every feed and page at
// baseURL (a Server's URL), with the store at storePath, the HTTP listener
// disabled and an SMTP server on 127.0.0.1:2525 that the demo never uses
// unless asked. Fetching is unthrottled and ignores robots.txt because every
// source is the one loopback host.
func Config(baseURL, storePath string) []byte {
	c := mustCorpus()
	base := strings.TrimRight(baseURL, "/")
	robots := false
	cfg := &config.Config{
		Timezone:  "Europe/Paris",
		Store:     storePath,
		Retention: config.Duration(400 * 24 * time.Hour),
		Listen:    "",
		Poll:      "*/30 * * * *",
		Fetch: config.Fetch{
			Timeout: config.Duration(10 * time.Second), MaxBody: 2 << 20, Concurrency: 8, MaxItems: config.DefaultMaxItems,
			PerHostInterval: 0, Robots: &robots, Contact: "demo@example.com",
		},
		SMTP: config.SMTP{
			Host: "127.0.0.1", Port: 2525, TLS: "none", From: "Veille (démo) <veille@example.com>",
			Timeout: config.Duration(config.DefaultSMTPTimeout),
		},
		Digest:     config.Digest{Schedule: "30 7 * * 1-5", Language: "fr", SendEmpty: false},
		Scoring:    config.Scoring{HalfLife: config.Duration(30 * 24 * time.Hour), ItemCap: 25, Hot: 70, Potential: 40},
		Reps:       demoReps,
		Admins:     []string{"ops@example.com"},
		Registries: config.Registries{BODACC: bodaccTemplate(base)},
		CRMURL:     "https://crm.example.com/accounts/{crm_id}",
		Watchlists: demoWatchlists(),
	}
	for i := range cfg.Watchlists {
		wl := &cfg.Watchlists[i]
		if wl.ID == "agro-bretagne" {
			wl.Feeds = []string{base + c.Regional.feedPath()}
		}
		if wl.ID == searchWatchlist {
			wl.NewsSearch = []string{searchTemplate(base)}
		}
		for j := range c.Companies {
			co := &c.Companies[j]
			if co.Watchlist != wl.ID {
				continue
			}
			wl.Prospects = append(wl.Prospects, prospectConfig(co, wl.Owner, base))
		}
	}
	text, err := config.Marshal(cfg)
	if err != nil {
		panic("demo: " + err.Error()) // a config built of config's own types always encodes
	}
	return append([]byte("# veille demo configuration: every source is the demo corpus served on\n"+
		"# "+base+" (see examples/veille.yaml for a commented real-world one).\n"), text...)
}

func prospectConfig(co *company, listOwner, base string) config.Prospect {
	p := config.Prospect{
		Name:    co.Name,
		CRMID:   co.CRMID,
		Aliases: co.Aliases,
		Domain:  co.Slug + ".example",
		Exclude: co.Exclude,
		Fields:  co.Fields,
		SIREN:   co.SIREN,
	}
	if co.Owner != listOwner {
		p.Owner = co.Owner
	}
	switch {
	case co.Site:
		// Exercises feed autodiscovery: the home page advertises the feed.
		p.Site = base + co.homePath()
	case co.Source.Kind == "page":
		pg := newsroomPage(base + co.feedPath())
		pg.Render = co.Source.Render
		p.Pages = append(p.Pages, pg)
	default:
		p.Feeds = []string{base + co.feedPath()}
	}
	if len(co.Careers) > 0 {
		p.Pages = append(p.Pages, config.Page{URL: base + co.careersPath(), Watch: "changes", Select: ".job-offer"})
	}
	return p
}
