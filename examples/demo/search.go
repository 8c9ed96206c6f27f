package demo

import (
	"slices"
	"strings"

	"github.com/veille-hq/veille/config"
)

// The demo's news search engine answers an RSS search of the regional
// paper's articles the way an aggregator does: every article whose text
// holds one of the names asked, homonyms included (the Ker Avel festival
// for Conserverie Ker Avel), which veille's matcher must sort out.

// searchWatchlist is the watch list whose prospects the demo searches for.
const searchWatchlist = "agro-bretagne"

// searchTemplate is the demo's news_search: Google News's shape on the
// demo server.
func searchTemplate(base string) string { return base + "/recherche?q={query}&hl=fr" }

// searchPath is the path and query a company's search is asked on, as
// veille expands the template.
func searchPath(co *company) string {
	wl := config.Watchlist{NewsSearch: []string{searchTemplate("")}}
	urls := wl.SearchURLs(config.Prospect{Name: co.Name, Aliases: co.Aliases})
	if len(urls) != 1 {
		panic("demo: the search template expands to " + strings.Join(urls, ", "))
	}
	return urls[0]
}

// searchResults is the regional outlet cut down to the articles that hold
// one of the company's names, whoever they are about.
func searchResults(c *corpus, co *company) *outlet {
	o := c.Regional
	o.Name = "Recherche : " + co.Name
	o.Items = nil
	names := []string{strings.ToLower(co.Name)}
	for _, a := range co.Aliases {
		names = append(names, strings.ToLower(a))
	}
	for _, it := range c.Regional.Items {
		text := strings.ToLower(it.Title + " " + it.Summary)
		if slices.ContainsFunc(names, func(n string) bool { return strings.Contains(text, n) }) {
			o.Items = append(o.Items, it)
		}
	}
	return &o
}

// searchRoute is the path of the demo's search engine.
const searchRoute = "/recherche"

// search answers a query the prepared routes do not hold (a prospect list
// without the corpus's aliases): the results of the first company whose
// name the query quotes, else an empty result, as a real engine gives.
func (s *Server) search(q string) route {
	c := mustCorpus()
	lq := strings.ToLower(q)
	o := c.Regional
	o.Name, o.Items = "Recherche : "+q, nil
	res := &o
	for i := range c.Companies {
		if co := &c.Companies[i]; strings.Contains(lq, `"`+strings.ToLower(co.Name)+`"`) {
			res = searchResults(c, co)
			break
		}
	}
	return route{ctRSS, func() ([]byte, error) { return renderRSS(res, s.URL, s.now) }}
}
