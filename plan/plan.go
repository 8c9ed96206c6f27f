// Package plan compiles a validated config into what the daemon works
// from: the sources to fetch and whom each belongs to, the prospects (one
// lead each), the company matcher, one classifier and one scoring policy
// per watch list, and the fingerprints that say when a reload changed
// matching or scoring, and judges fetched items against them (Judge).
// It is pure: no store, no network, no clock.
package plan

import (
	"cmp"
	"fmt"
	"slices"
	"sort"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/signals"
)

// Prospect is a watched company as one watch list sees it: one lead.
type Prospect struct {
	LeadKey   string
	Watchlist string
	Name      string
	CRMID     string
	Owner     string
	Fields    map[string]string
	Links     []signals.Link // its CRM record and site, for digests and alerts
}

// Source is a source with who it belongs to. A source configured in
// several places is fetched once.
type Source struct {
	signals.Source
	Owners []string // lead keys of the prospects whose own source it is
	Shared bool     // a watch list's news feed: items are matched by mention
	// Search: a news search expanded for a prospect (news_search). Its
	// items are matched by mention, as a shared feed's: a search engine
	// returns homonyms and near misses, which the matcher sorts out.
	Search bool
}

// Plan is everything a cycle needs from the config, compiled once per
// (re)load: sources, prospects, the matcher, one classifier and one scoring
// policy per watch list. It is immutable once built.
type Plan struct {
	cfg         *config.Config
	sources     []*Source
	prospects   map[string]Prospect // by lead key
	order       []string            // lead keys in config order
	matcher     *signals.Matcher
	classifiers map[string]*signals.Classifier
	policies    map[string]signals.Policy
	alertOn     map[string][]string // by watch list: the labels it mails at once
	reps        []signals.Rep
	fingerprint string // scoringFingerprint
	matching    string // matchingFingerprint
}

// New compiles a validated config.
func New(cfg *config.Config, lex *signals.Lexicon) (*Plan, error) {
	p := &Plan{
		cfg:         cfg,
		prospects:   map[string]Prospect{},
		classifiers: map[string]*signals.Classifier{},
		policies:    map[string]signals.Policy{},
		alertOn:     map[string][]string{},
	}
	for _, r := range cfg.Reps {
		p.reps = append(p.reps, signals.Rep{ID: r.ID, Name: r.Name, Email: r.Email, Language: r.Language, Timezone: r.Timezone})
	}
	byID := map[string]*Source{}
	add := func(kind signals.SourceKind, url string, spec signals.PageSpec) *Source {
		src := signals.NewSource(kind, url, spec)
		ps, ok := byID[src.ID]
		if !ok {
			ps = &Source{Source: src}
			byID[src.ID] = ps
			p.sources = append(p.sources, ps)
		}
		return ps
	}
	var companies []signals.Company
	for _, wl := range cfg.Watchlists {
		cls, err := signals.NewClassifier(lex, ExtraTerms(wl))
		if err != nil {
			return nil, fmt.Errorf("watch list %s: %w", wl.ID, err)
		}
		p.classifiers[wl.ID] = cls
		p.policies[wl.ID] = policy(cfg.Scoring, wl)
		p.alertOn[wl.ID] = wl.AlertOn
		for _, u := range wl.Feeds {
			add(signals.KindFeed, u, signals.PageSpec{}).Shared = true
		}
		for _, pr := range wl.Prospects {
			lk := signals.LeadKey(wl.ID, pr.Name)
			p.prospects[lk] = Prospect{LeadKey: lk, Watchlist: wl.ID, Name: pr.Name, CRMID: pr.CRMID, Owner: pr.Owner, Fields: pr.Fields, Links: prospectLinks(cfg, pr)}
			p.order = append(p.order, lk)
			companies = append(companies, signals.Company{Key: lk, Name: pr.Name, Aliases: pr.Aliases, Domain: pr.Domain, Exclude: pr.Exclude})
			own := func(ps *Source) { ps.Owners = append(ps.Owners, lk) }
			for _, u := range pr.Feeds {
				own(add(signals.KindFeed, u, signals.PageSpec{}))
			}
			for _, u := range wl.SearchURLs(pr) {
				ps := add(signals.KindFeed, u, signals.PageSpec{})
				ps.Shared, ps.Search = true, true
			}
			if u := cfg.BODACCURL(pr.SIRENDigits()); u != "" {
				own(add(signals.KindBODACC, u, signals.PageSpec{}))
			}
			if pr.Site != "" && len(pr.Feeds) == 0 {
				own(add(signals.KindSite, pr.Site, signals.PageSpec{}))
			}
			for _, pg := range pr.Pages {
				kind := signals.KindPage
				if pg.Watch == "changes" {
					kind = signals.KindChanges
				}
				own(add(kind, pg.URL, signals.PageSpec{Item: pg.Item, Title: pg.Title, Link: pg.Link, Date: pg.Date, Summary: pg.Summary, Select: pg.Select, Render: pg.Render}))
			}
		}
	}
	m, err := signals.NewMatcher(companies)
	if err != nil {
		return nil, fmt.Errorf("build company matcher: %w", err)
	}
	p.matcher = m
	sort.Slice(p.sources, func(i, j int) bool { return p.sources[i].ID < p.sources[j].ID })
	p.fingerprint = scoringFingerprint(p)
	p.matching = matchingFingerprint(p, lex)
	return p, nil
}

// ExtraTerms is a watch list's own classifier terms: keywords and per-label terms.
func ExtraTerms(wl config.Watchlist) signals.Extra {
	e := signals.Extra{Keywords: wl.Keywords, Terms: map[signals.Label][]string{}}
	for l, terms := range wl.Terms {
		e.Terms[signals.Label(l)] = terms
	}
	return e
}

// policy resolves a watch list's scoring: its own points, else the
// config's, else the default points and thresholds (signals.DefaultPolicy).
func policy(sc config.Scoring, wl config.Watchlist) signals.Policy {
	p := signals.DefaultPolicy()
	p.Points = signals.PointsTable(sc.Points, wl.Points)
	p.HalfLife, p.ItemCap = cmp.Or(sc.HalfLife.D(), p.HalfLife), cmp.Or(float64(sc.ItemCap), p.ItemCap)
	p.Hot, p.Potential = cmp.Or(float64(sc.Hot), p.Hot), cmp.Or(float64(sc.Potential), p.Potential)
	for _, f := range wl.Fit {
		p.Fit = append(p.Fit, signals.FitRule{Field: f.Field, Min: f.Min, Max: f.Max, Equals: f.Equals, In: f.In, Points: float64(f.Points)})
	}
	return p
}

// Config is the config the plan was built from.
func (p *Plan) Config() *config.Config { return p.cfg }

// Reps lists the reps in config order.
func (p *Plan) Reps() []signals.Rep { return p.reps }

// SourceCounts counts the plan's sources by kind, and the shared ones.
func (p *Plan) SourceCounts() (byKind map[signals.SourceKind]int, shared int) {
	byKind = map[signals.SourceKind]int{}
	for _, s := range p.sources {
		byKind[s.Kind]++
		if s.Shared {
			shared++
		}
	}
	return byKind, shared
}

// SearchSources counts the news searches among the plan's feeds.
func (p *Plan) SearchSources() int {
	n := 0
	for _, s := range p.sources {
		if s.Search {
			n++
		}
	}
	return n
}

// Prospects counts the plan's leads.
func (p *Plan) Prospects() int { return len(p.order) }

// Sources lists the plan's sources, sorted by id.
func (p *Plan) Sources() []*Source { return p.sources }

// LeadKeys lists the plan's lead keys in config order.
func (p *Plan) LeadKeys() []string { return p.order }

// Prospect is the plan's prospect of the lead key.
func (p *Plan) Prospect(leadKey string) (Prospect, bool) {
	pr, ok := p.prospects[leadKey]
	return pr, ok
}

// Rep is the plan's rep with id.
func (p *Plan) Rep(id string) (signals.Rep, bool) {
	i := slices.IndexFunc(p.reps, func(r signals.Rep) bool { return r.ID == id })
	if i < 0 {
		return signals.Rep{}, false
	}
	return p.reps[i], true
}

// Matcher finds the prospects an item is about.
func (p *Plan) Matcher() *signals.Matcher { return p.matcher }

// Classifier is a watch list's classifier (its keywords and terms included).
func (p *Plan) Classifier(watchlist string) *signals.Classifier { return p.classifiers[watchlist] }

// Policy is a watch list's scoring.
func (p *Plan) Policy(watchlist string) signals.Policy { return p.policies[watchlist] }

// Alerts reports whether the watch list of a lead asked to hear at once
// of a new signal with one of labels (alert_on).
func (p *Plan) Alerts(leadKey string, labels []signals.Label) bool {
	on := p.alertOn[p.prospects[leadKey].Watchlist]
	return slices.ContainsFunc(labels, func(l signals.Label) bool { return slices.Contains(on, string(l)) })
}

// Watchlists lists the watch lists that hold leads of rep, in config order.
func (p *Plan) Watchlists(rep string) []string {
	var out []string
	for _, lk := range p.order {
		pr := p.prospects[lk]
		if pr.Owner == rep && !slices.Contains(out, pr.Watchlist) {
			out = append(out, pr.Watchlist)
		}
	}
	return out
}

// ScoringFingerprint changes when what a lead's score depends on besides
// its signals and the clock changes: a full rescore is keyed on it.
func (p *Plan) ScoringFingerprint() string { return p.fingerprint }

// MatchingFingerprint changes when what matching and classifying stored
// items read besides the items changes: a rescan is keyed on it.
func (p *Plan) MatchingFingerprint() string { return p.matching }

// prospectLinks is what a lead links to in a message: its CRM record when
// crm_url and its crm_id are set, and its site (the configured one, else
// its domain's home page).
func prospectLinks(cfg *config.Config, pr config.Prospect) []signals.Link {
	var out []signals.Link
	if u := cfg.CRMLink(pr.CRMID); u != "" {
		out = append(out, signals.Link{Kind: signals.LinkCRM, URL: u})
	}
	switch {
	case pr.Site != "":
		out = append(out, signals.Link{Kind: signals.LinkSite, URL: pr.Site})
	case pr.Domain != "":
		out = append(out, signals.Link{Kind: signals.LinkSite, URL: "https://" + pr.Domain})
	}
	return out
}
