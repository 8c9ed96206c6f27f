package plan

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"slices"

	"github.com/veille-hq/veille/signals"
)

// scoringFingerprint hashes what a lead's score depends on besides its
// signals and the clock: the watch lists' policies, the prospects and the
// zone. It is computed once per plan, streaming into the hash, so no copy
// of the watch list is built.
func scoringFingerprint(p *Plan) string {
	h := sha256.New()
	field := func(s string) { fmt.Fprintf(h, "%d:%s", len(s), s) }
	field(p.cfg.Location.String())
	for _, wl := range slices.Sorted(maps.Keys(p.policies)) {
		field(wl)
		p.policies[wl].Fingerprint(h)
	}
	for _, lk := range p.order {
		pr := p.prospects[lk]
		field(lk)
		field(pr.CRMID)
		field(pr.Owner)
		for _, k := range slices.Sorted(maps.Keys(pr.Fields)) {
			field(k)
			field(pr.Fields[k])
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// matchingFingerprint hashes what matching and classifying stored items
// read besides the items: each prospect's names, domain and excludes, the
// plan's sources with the leads that own them and whether they are matched
// by mention, each watch list's keywords and extra terms, and the lexicon.
// Rescans are keyed on it as full rescores are on the scoring fingerprint.
func matchingFingerprint(p *Plan, lex *signals.Lexicon) string {
	h := sha256.New()
	field := func(s string) { fmt.Fprintf(h, "%d:%s", len(s), s) }
	list := func(ss []string) {
		fmt.Fprintf(h, "[%d", len(ss))
		for _, s := range ss {
			field(s)
		}
	}
	for _, wl := range p.cfg.Watchlists {
		field(wl.ID)
		for _, k := range slices.Sorted(maps.Keys(wl.Keywords)) {
			field(k)
			fmt.Fprintf(h, "=%d", wl.Keywords[k])
		}
		for _, l := range slices.Sorted(maps.Keys(wl.Terms)) {
			field(l)
			list(wl.Terms[l])
		}
		for _, pr := range wl.Prospects {
			field(pr.Name)
			list(pr.Aliases)
			field(pr.Domain)
			list(pr.Exclude)
		}
	}
	for _, ps := range p.sources { // sorted by id
		field(ps.ID)
		list(ps.Owners)
		fmt.Fprintf(h, "%t", ps.Shared)
	}
	lex.Fingerprint(h)
	return hex.EncodeToString(h.Sum(nil))
}
