package plan

import (
	"slices"
	"strings"
	"time"

	"github.com/veille-hq/veille/signals"
)

// TrialSignal is what a cycle would make of an item for one prospect.
type TrialSignal struct {
	LeadKey  string                               `json:"lead"`
	Company  string                               `json:"company"`
	Strength signals.Strength                     `json:"strength"`
	Term     string                               `json:"term,omitempty"` // the name or alias found, for a shared source
	Labels   []signals.Label                      `json:"labels"`         // none: about the company, no signal
	Evidence map[signals.Label][]signals.Evidence `json:"evidence,omitempty"`
	// Backlog: published before the source's first fetch; stored, it
	// neither alerts nor counts as new.
	Backlog bool `json:"backlog,omitempty"`
}

// ProspectSources lists the plan's sources that concern the prospect
// named name (in any watch list, case and accents as written): its own
// sources, its news searches, and the feeds of its watch lists. Other
// prospects' searches are left out: they concern this one only by
// chance. It reports false when no prospect has that name.
func (p *Plan) ProspectSources(name string) ([]Source, bool) {
	keys := map[string]bool{}
	lists := map[string]bool{}
	for _, lk := range p.order {
		if pr := p.prospects[lk]; strings.EqualFold(pr.Name, name) {
			keys[lk] = true
			lists[pr.Watchlist] = true
		}
	}
	if len(keys) == 0 {
		return nil, false
	}
	sharedOf := map[string]bool{}
	for _, wl := range p.cfg.Watchlists {
		if !lists[wl.ID] {
			continue
		}
		for _, u := range wl.Feeds {
			sharedOf[u] = true
		}
		for _, pr := range wl.Prospects {
			if keys[signals.LeadKey(wl.ID, pr.Name)] {
				for _, u := range wl.SearchURLs(pr) {
					sharedOf[u] = true
				}
			}
		}
	}
	var out []Source
	for _, ps := range p.sources {
		own := false
		for _, o := range ps.Owners {
			own = own || keys[o]
		}
		if own || (ps.Shared && sharedOf[ps.URL]) {
			out = append(out, *ps)
		}
	}
	return out, true
}

// LeadKeysNamed lists the lead keys of the prospects named name.
func (p *Plan) LeadKeysNamed(name string) []string {
	var out []string
	for _, lk := range p.order {
		if strings.EqualFold(p.prospects[lk].Name, name) {
			out = append(out, lk)
		}
	}
	return out
}

// Trial says what a cycle would store of an item src brought, fetched for
// the first time at firstFetched, without a store: the prospects it is
// about (its owners, or those a shared source's item mentions) and the
// signals their watch lists' classifiers find in it.
func (p *Plan) Trial(src Source, it signals.Item, firstFetched time.Time) []TrialSignal {
	var out []TrialSignal
	backlog := signals.Backlogged(it.Published, firstFetched)
	for _, m := range signals.Matches(p.matcher, src.Owners, src.Shared, it) {
		pr, ok := p.prospects[m.Key]
		if !ok {
			continue
		}
		cls := p.classifiers[pr.Watchlist].Classify(signals.Input{Title: it.Title, Summary: it.Summary, Lang: it.Lang, Company: pr.Name, Hints: it.Hints})
		out = append(out, TrialSignal{
			LeadKey: m.Key, Company: pr.Name, Strength: m.Strength, Term: m.Term,
			Labels: slices.Clone(cls.Labels), Evidence: cls.Evidence.Map(), Backlog: backlog, // the classifier shares its label lists
		})
	}
	return out
}
