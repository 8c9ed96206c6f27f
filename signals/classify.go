package signals

import (
	"fmt"
	"slices"
	"sort"

	ahocorasick "github.com/petar-dambovaliev/aho-corasick"
)

// Extra is what a watch list adds to the lexicon.
type Extra struct {
	Keywords map[string]int     // watch-list keywords: term → points; hits go in Evidence[Keyword]
	Terms    map[Label][]string // per-label extra terms
}

// Input is the text of one item to classify.
type Input struct {
	Title, Summary string
	Lang           string  // "fr", "en" or "": both languages' terms always apply
	Company        string  // the company the item is about, when known
	Hints          []Label // labels the source implies; always in the output
}

// Classifier labels items. It is built once and is safe for concurrent use.
type Classifier struct {
	ac    ahocorasick.AhoCorasick
	refs  [][]partRef // per automaton pattern: the rule parts it stands for
	rules []lexRule
}

type partRef struct {
	rule int32
	part int8
}

const (
	fieldTitle = iota
	fieldSummary
)

// titleFactor is how much more a term counts in the title than in the
// summary; a label fires at fireScore, so a default-weight term fires
// alone anywhere and a weight-1 term alone only in the title.
const (
	titleFactor = 2
	fireScore   = 2
	// negationWindow is how close (in folded bytes) a negation cue must
	// precede a term to cancel it: "dément toute fermeture".
	negationWindow = 30
)

// NewClassifier compiles lex and a watch list's extras into one automaton.
func NewClassifier(lex *Lexicon, extra Extra) (*Classifier, error) {
	if lex == nil {
		return nil, fmt.Errorf("new classifier: nil lexicon")
	}
	rules := slices.Clone(lex.rules)
	labels := make([]Label, 0, len(extra.Terms))
	for l := range extra.Terms {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	for _, l := range labels {
		if !l.Valid() {
			return nil, fmt.Errorf("extra terms: %w", labelError(l))
		}
		for _, t := range extra.Terms[l] {
			ft, err := foldTerm(t)
			if err != nil {
				return nil, fmt.Errorf("extra term for %s: %w", l, err)
			}
			rules = append(rules, lexRule{kind: kindLabel, label: l, parts: []string{ft}, weight: fireScore, where: "extra " + string(l)})
		}
	}
	kws := make([]string, 0, len(extra.Keywords))
	for k := range extra.Keywords {
		kws = append(kws, k)
	}
	sort.Strings(kws)
	for _, k := range kws {
		ft, err := foldTerm(k)
		if err != nil {
			return nil, fmt.Errorf("keyword: %w", err)
		}
		rules = append(rules, lexRule{kind: kindKeyword, parts: []string{ft}, points: extra.Keywords[k], where: "keyword " + k})
	}
	c := &Classifier{rules: rules}
	index := map[string]int{}
	var patterns []string
	for ri, r := range rules {
		if len(r.parts) > 127 {
			return nil, fmt.Errorf("%s: too many parts", r.where)
		}
		for pi, p := range r.parts {
			id, ok := index[p]
			if !ok {
				id = len(patterns)
				index[p] = id
				patterns = append(patterns, p)
				c.refs = append(c.refs, nil)
			}
			c.refs[id] = append(c.refs[id], partRef{rule: int32(ri), part: int8(pi)})
		}
	}
	b := ahocorasick.NewAhoCorasickBuilder(ahocorasick.Opts{MatchKind: ahocorasick.StandardMatch, DFA: true})
	c.ac = b.Build(patterns)
	return c, nil
}

func labelError(l Label) error {
	_, err := ParseLabel(string(l))
	return err
}

// hit is one rule part found in one field.
type hit struct {
	rule       int32
	part       int8
	field      uint8
	start, end int32 // in the prepared field text
}

// Classify labels one item. Labels come in SIGNALS.md order.
func (c *Classifier) Classify(in Input) Classification {
	var fields [2]field
	fields[fieldTitle].prepare(in.Title)
	fields[fieldSummary].prepare(in.Summary)
	var hits []hit
	for fi := range fields {
		hits = c.scan(hits, &fields[fi], uint8(fi))
	}
	out := Classification{Labels: []Label{}, Evidence: map[Label][]Evidence{}}
	veto := false
	for _, h := range hits {
		if c.rules[h.rule].kind == kindVeto {
			veto = true
		}
	}
	var kept []hit
	if !veto {
		kept = c.resolve(hits, &fields)
	}
	score := map[Label]int{}
	type fieldRule struct {
		rule  int32
		field uint8
	}
	masks := map[fieldRule]uint64{}
	for _, h := range kept {
		r := c.rules[h.rule]
		factor := 1
		if h.field == fieldTitle {
			factor = titleFactor
		}
		if len(r.parts) == 1 {
			score[r.label] += r.weight * factor
			continue
		}
		k := fieldRule{h.rule, h.field}
		before := masks[k]
		masks[k] |= 1 << uint(h.part)
		if before != masks[k] && masks[k] == 1<<uint(len(r.parts))-1 {
			score[r.label] += r.weight * factor
		}
	}
	fired := map[Label]bool{}
	for _, l := range in.Hints {
		fired[l] = true
	}
	for l, s := range score {
		if s >= fireScore {
			fired[l] = true
		}
	}
	for _, h := range kept {
		r := c.rules[h.rule]
		if fired[r.label] && r.weight > 0 && (len(r.parts) == 1 || masks[fieldRule{h.rule, h.field}] == 1<<uint(len(r.parts))-1) {
			out.Evidence[r.label] = append(out.Evidence[r.label], evidence(&fields[h.field], h))
		}
	}
	for _, h := range hits {
		if r := c.rules[h.rule]; r.kind == kindKeyword {
			e := evidence(&fields[h.field], h)
			e.Points = r.points
			out.Evidence[Keyword] = append(out.Evidence[Keyword], e)
		}
	}
	for _, l := range Labels() {
		if fired[l] {
			out.Labels = append(out.Labels, l)
		}
	}
	return out
}

// scan appends the whole-word hits of f to hits.
func (c *Classifier) scan(hits []hit, f *field, fi uint8) []hit {
	it := c.ac.IterOverlappingByte(f.text)
	for m := it.Next(); m != nil; m = it.Next() {
		if !wholeWord(f.text, m.Start(), m.End()) {
			continue
		}
		for _, ref := range c.refs[m.Pattern()] {
			hits = append(hits, hit{rule: ref.rule, part: ref.part, field: fi, start: int32(m.Start()), end: int32(m.End())})
		}
	}
	return hits
}

// resolve keeps the label hits that count: a hit preceded closely by a
// negation cue is dropped, and among overlapping hits of one label the
// leftmost-longest wins, so a longer phrase (even of weight 0) shields the
// shorter terms inside it: "lance un plan de" hides "lance".
func (c *Classifier) resolve(hits []hit, fields *[2]field) []hit {
	var cues, label []hit
	for _, h := range hits {
		switch c.rules[h.rule].kind {
		case kindNegation:
			cues = append(cues, h)
		case kindLabel:
			label = append(label, h)
		}
	}
	label = slices.DeleteFunc(label, func(h hit) bool {
		for _, q := range cues {
			if q.field == h.field && q.end <= h.start && h.start-q.end <= negationWindow && !clauseBreak(fields[h.field].text[q.end:h.start]) {
				return true
			}
		}
		return false
	})
	sort.Slice(label, func(i, j int) bool {
		a, b := label[i], label[j]
		la, lb := c.rules[a.rule].label, c.rules[b.rule].label
		if la != lb {
			return la < lb
		}
		if a.field != b.field {
			return a.field < b.field
		}
		if a.start != b.start {
			return a.start < b.start
		}
		return a.end > b.end
	})
	kept := label[:0]
	var last hit
	for i, h := range label {
		if i > 0 && c.rules[last.rule].label == c.rules[h.rule].label && last.field == h.field && h.start < last.end {
			if h.start == last.start && h.end == last.end {
				kept = append(kept, h) // same phrase, another rule of the label
			}
			continue
		}
		kept = append(kept, h)
		last = h
	}
	return kept
}

func clauseBreak(b []byte) bool {
	for _, c := range b {
		switch c {
		case '.', ';', '!', '?', ':', '|':
			return true
		}
	}
	return false
}

func evidence(f *field, h hit) Evidence {
	start, end := f.offs[h.start], f.offs[h.end]
	name := "title"
	if h.field == fieldSummary {
		name = "summary"
	}
	return Evidence{Term: f.orig[start:end], Field: name, Offset: int(start)}
}
