package signals

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"unicode/utf8"
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
	terms *terms
	// partsOf[p] are the rule parts term pattern p stands for, as hits
	// that lack their field and place, slices of one array: a found
	// pattern's are read with one bounds check, not sliced from offsets.
	partsOf [][]hit
	rules   []lexRule
	info    []ruleInfo // per rule
	labels  []Label    // taxonomy order; rule.label indexes it
	model   *model     // nil: the lexicon alone decides
	// lexOnly are the labels the lexicon alone decides (bits of their
	// index): those whose embedded file lexicon_dir replaces.
	lexOnly uint16
	// keywords tells whether a watch list gave keywords, whose hits
	// Classify looks for among all the others.
	keywords bool
	// names keeps the forms of the companies' names items were given:
	// a source's items name the same few companies again and again.
	names *nameCache
}

// ruleInfo is what Classify reads of a rule for every hit, apart from the
// rules (large, with their strings and slices) so that it stays in cache.
type ruleInfo struct {
	kind   ruleKind
	role   role
	parts  uint8  // the bits of its parts' indices, all set: 1 for a rule of one part
	user   bool   // from lexicon_dir or a watch list: fires its label whatever the model says
	feat   uint32 // the model's feature bucket for the rule's term
	with   uint16 // the labels (as bits of their index) the rule needs one of to count, or 0
	weight int
}

const (
	fieldTitle = iota
	fieldSummary
)

const (
	// titleFactor is how much more a term counts in the title than in the
	// summary; a label fires at fireScore, so a default-weight term fires
	// alone anywhere and a weight-1 term alone only in the title.
	titleFactor = 2
	fireScore   = 2
	// negationWindow is how close (in folded bytes) a negation cue must
	// precede a term to cancel it: "dément toute fermeture".
	negationWindow = 30
	// maxParts bounds the "a & b & ..." parts of one rule (a bit mask).
	maxParts = 8
)

// NewClassifier compiles lex and a watch list's extras into one term matcher
// and joins it to the embedded model.
func NewClassifier(lex *Lexicon, extra Extra) (*Classifier, error) {
	m, err := loadDefaultModel()
	if err != nil {
		return nil, err
	}
	c, err := newLexClassifier(lex, extra)
	if err != nil {
		return nil, err
	}
	c.model = m
	return c, nil
}

// newLexClassifier is NewClassifier without a model: the lexicon alone
// decides, as training needs it to read features.
func newLexClassifier(lex *Lexicon, extra Extra) (*Classifier, error) {
	if lex == nil {
		return nil, fmt.Errorf("new classifier: nil lexicon")
	}
	// The slices and the index are made at their bound, or about: as
	// they grow they would be copied a dozen times, most of a build that
	// finds its matcher made.
	n := len(lex.rules) + len(extra.Keywords)
	for _, ts := range extra.Terms {
		n += len(ts)
	}
	rules := append(make([]lexRule, 0, n), lex.rules...)
	labels := make([]Label, 0, len(extra.Terms))
	for l := range extra.Terms {
		labels = append(labels, l)
	}
	slices.Sort(labels)
	for _, l := range labels {
		if _, err := ParseLabel(string(l)); err != nil {
			return nil, fmt.Errorf("extra terms: %w", err)
		}
		for _, t := range extra.Terms[l] {
			r, err := parseRule(t)
			if err != nil {
				return nil, fmt.Errorf("extra term %q for %s: %w", t, l, err)
			}
			r.kind, r.label, r.where, r.user = kindLabel, l, "extra "+string(l), true
			rules = append(rules, r)
		}
	}
	kws := make([]string, 0, len(extra.Keywords))
	for k := range extra.Keywords {
		kws = append(kws, k)
	}
	sort.Strings(kws)
	for _, k := range kws {
		ft, err := foldTerm(k, true)
		if err != nil {
			return nil, fmt.Errorf("keyword %q: %w", k, err)
		}
		if p := extra.Keywords[k]; p != int(int32(p)) { // a quote keeps them in 32 bits
			return nil, fmt.Errorf("keyword %q: %d points is out of range", k, p)
		}
		rules = append(rules, lexRule{kind: kindKeyword, parts: []string{ft}, points: extra.Keywords[k], where: "keyword " + k})
	}
	c := &Classifier{rules: rules, labels: Labels(), keywords: len(kws) > 0, names: new(nameCache)}
	for _, l := range lex.replaced {
		c.lexOnly |= 1 << slices.Index(c.labels, l)
	}
	c.info = make([]ruleInfo, 0, len(rules))
	nparts := 0
	index := make(map[string]int, len(rules))
	patterns := make([]string, 0, len(rules))
	refs := make([][]hit, 0, len(rules)) // per pattern
	for ri, r := range rules {
		if len(r.parts) > maxParts {
			return nil, fmt.Errorf("%s: more than %d parts", r.where, maxParts)
		}
		label := 0
		if r.kind == kindLabel {
			label = slices.Index(c.labels, r.label)
		}
		meta := ruleInfo{kind: r.kind, role: r.role, parts: uint8(1<<len(r.parts) - 1), weight: r.weight, user: r.user}
		if r.kind == kindLabel {
			meta.feat = lexTermKey(label, r.parts[0])
		}
		for _, l := range r.with {
			meta.with |= 1 << slices.Index(c.labels, l)
		}
		c.info = append(c.info, meta)
		for pi, p := range r.parts {
			id, ok := index[p]
			if !ok {
				id = len(patterns)
				index[p] = id
				patterns = append(patterns, p)
				refs = append(refs, nil)
			}
			refs[id] = append(refs[id], hit{rule: int32(ri), part: int8(pi), kind: r.kind, label: uint8(label)})
			nparts++
		}
	}
	parts := make([]hit, 0, nparts)
	c.partsOf = make([][]hit, len(refs))
	for p, rs := range refs {
		n := len(parts)
		parts = append(parts, rs...)
		c.partsOf[p] = parts[n:len(parts):len(parts)]
	}
	c.terms = newTerms(patterns)
	return c, nil
}

// withModel returns a copy of c that decides with m (nil: the lexicon alone).
func (c *Classifier) withModel(m *model) *Classifier {
	cc := *c
	cc.model = m
	return &cc
}

// hit is one rule part found in one field.
type hit struct {
	rule       int32
	part       int8
	field      uint8
	kind       ruleKind
	label      uint8 // the rule's label index
	start, end int32 // in the prepared field text
}

// scratch holds one Classify call's buffers. Pooled so that a warm
// classifier allocates only what it returns, while the Classifier itself
// stays immutable and safe for concurrent use.
type scratch struct {
	fields     [2]field
	name       field // the company name, prepared
	walks      []walk
	hits, kept []hit
	raw        []termHit
	complete   []bool
	parts      []uint8   // per rule and field, zero but while lexPass reads the kept hits
	words      [2][]word // per field, its words; setModelWords names the company in them
	modelWords [2][]word // per field, what the model reads: its words, with the company's name made one
	// modelWordsSet tells whether modelWords is of the item: naming
	// rewrites words, so it is done once per item.
	modelWordsSet bool
	named         [2]bool // per field: whether it may name the company
	seen          []int32 // where a field's words of the hash of the company's first word start
	evidence      []int32 // the kept hits that are evidence, as indices
	learned       []quote // the model's evidence, by label
	company       []byte  // the company's name, prepared, or nil
	// at lists, per field and company form, where the form starts in the
	// field's text, overlaps included, left to right: the name is looked
	// for once per item, and the tests of hits and words read the lists.
	at [2][2][]int32
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// labelLists holds the list of each set of labels, a bit per label in
// taxonomy order, capped: a classification's Labels is one of them, so
// that classifying allocates nothing for it.
var labelLists = func() (lists [1 << nLabels][]Label) {
	all := make([]Label, 0, nLabels<<(nLabels-1))
	for set := range lists {
		from := len(all)
		for m := uint16(set); m != 0; m &= m - 1 {
			all = append(all, evidenceSlots[bits.TrailingZeros16(m)])
		}
		lists[set] = all[from:len(all):len(all)]
	}
	return lists
}()

// Classify labels one item. Labels come in taxonomy order.
func (c *Classifier) Classify(in Input) (out Classification) {
	// The scratch goes back to the pool at the one return, not by a
	// deferred call, which costs more; a panic leaves it to the collector.
	sc := scratchPool.Get().(*scratch)
	lx := c.lexPass(sc, in)
	fields := &sc.fields
	kept, complete := sc.kept, sc.complete
	final := lx.fired | lx.hints
	if c.model != nil {
		acc := c.sums(sc, &lx, in)
		// model is the labels whose score passes their threshold: each
		// label's against the threshold of a label the lexicon did not
		// fire, then the few the lexicon fired against their own. A bit
		// that moves with the label spares the loop a shift by l.
		var model uint16
		fire := &c.model.fire
		for l, bit := 0, uint16(1); l < nLabels; l, bit = l+1, bit<<1 {
			if int64(acc[l]) >= fire[0][l] {
				model |= bit
			}
		}
		for m := lx.fired; m != 0; m &= m - 1 {
			l := bits.TrailingZeros16(m)
			model &^= 1 << l
			if int64(acc[l]) >= fire[1][l] {
				model |= 1 << l
			}
		}
		final = lx.hints | lx.user | lx.fired&c.lexOnly | model&^c.lexOnly
	}
	// Evidence is listed first (as indices into kept, then the model's
	// quotes) and counted, so that the quotes fill the classification's
	// own room when they fit it, or one allocation. kept comes by label:
	// its evidence, merged with the model's by label, fills the quotes in
	// taxonomy order, then the keywords'.
	hits := sc.hits
	// Each hit is written to ev and kept or not by the count, without a
	// branch: whether a hit is evidence is more than the predictor learns.
	var present uint16 // the labels with a lexicon term as evidence
	ev := slices.Grow(sc.evidence[:0], len(kept))[:len(kept)]
	n, counted := 0, lx.fired|lx.hints
	for i := range kept {
		h := &kept[i]
		r := &c.info[h.rule]
		is := b2u(complete[i]) & b2u(final&(1<<h.label) != 0) & b2u(r.weight > 0) & (b2u(r.with == 0) | b2u(counted&r.with != 0))
		present |= uint16(is) << h.label
		ev[n] = int32(i)
		n += int(is)
	}
	ev = ev[:n]
	sc.evidence = ev
	learned := sc.learned[:0]
	if c.model != nil {
		// A label the model fired without a lexicon term to show for it
		// is explained by the n-grams that raised its score the most,
		// found among the features of the item's words, which scoring has
		// just read.
		for m := final &^ present; m != 0; m &= m - 1 {
			learned = c.model.learnedEvidence(learned, fields, &sc.modelWords, bits.TrailingZeros16(m))
		}
		sc.learned = learned
	}
	keywords := 0
	if c.keywords {
		for _, h := range hits {
			if h.kind == kindKeyword {
				keywords++
			}
		}
	}
	// out, named, is built where the caller reads it, not in a local
	// copied at the return.
	out.Labels = labelLists[final]
	e := &out.Evidence
	e.n = len(ev) + len(learned) + keywords
	if e.n > 0 { // a classification without quotes keeps no text alive
		e.title, e.summary = in.Title, in.Summary
	}
	qs := e.inline[:]
	if e.n > len(qs) {
		e.more = make([]quote, e.n)
		qs = e.more
	}
	k := 0
	for _, i := range ev {
		h := &kept[i]
		for len(learned) > 0 && learned[0].slot < h.label {
			qs[k], learned = learned[0], learned[1:]
			k++
		}
		quoteHit(&qs[k], &fields[h.field], h)
		k++
	}
	if len(learned) > 0 {
		k += copy(qs[k:], learned)
	}
	if keywords > 0 {
		for _, h := range hits {
			if h.kind == kindKeyword {
				quoteHit(&qs[k], &fields[h.field], &h)
				qs[k].points, qs[k].slot = int32(c.rules[h.rule].points), nLabels
				k++
			}
		}
	}
	scratchPool.Put(sc)
	return
}

// lexResult is what the lexicon's pass says of an item.
type lexResult struct {
	score  [nLabels]int
	scored uint16 // labels some counted term added to: the others score 0
	fired  uint16 // labels whose terms reached fireScore
	user   uint16 // labels fired by terms of lexicon_dir or the watch list
	hints  uint16 // labels the source implies
	veto   bool
}

// lexPass runs the lexicon over an item: it prepares the fields, finds the
// terms and leaves in sc.kept (with sc.complete) the label hits that count.
func (c *Classifier) lexPass(sc *scratch, in Input) lexResult {
	var lx lexResult
	fields := &sc.fields
	fields[fieldTitle].prepare(in.Title, true)
	fields[fieldSummary].prepare(in.Summary, true)
	// The company's mentions are found first, so that each field's hits
	// are told apart from them as they are made, in the field that names
	// it only.
	sc.company, sc.named = nil, [2]bool{}
	var cn *companyName
	var forms [][]byte
	var watch uint32 // the hash of the words scan lists, where the name may start
	if in.Company != "" {
		cn = c.names.get(sc, in.Company)
		if forms = cn.forms[:cn.n]; len(forms[0]) > 0 {
			sc.company, watch = forms[0], cn.first
		} else {
			cn = nil
		}
	}
	raw, hits := sc.raw[:0], sc.hits[:0]
	for fi := range fields {
		text := fields[fi].text
		from := len(raw)
		sc.words[fi], raw, sc.walks, sc.seen = c.terms.scan(text, watch, sc.words[fi], raw, sc.walks, sc.seen[:0])
		// The company's mentions in the field are found before its hits
		// are made, so that each hit is told apart from them as it is
		// made, in a field that names it only. Every form holds the
		// shortest one, the last: a field that does not hold it names the
		// company nowhere, and its hits need no test.
		var lo, hi int32 // from the first mention's start to the last one's end
		if cn != nil {
			at := &sc.at[fi]
			formsAt(at, &fields[fi], sc.seen, cn)
			sc.named[fi] = len(at[len(forms)-1]) > 0
			if a := at[0]; len(a) > 0 {
				lo, hi = a[0], a[len(a)-1]+int32(len(forms[0]))
			}
		}
		// A hit is copied whole from its rule's parts into hits, then its
		// place written there: written in a copy first, its narrow stores
		// would be read back by the wide loads of the copy into hits
		// before they reach the cache, which stalls.
		if !sc.named[fi] {
			for _, m := range raw[from:] {
				for _, part := range c.partsOf[m.pattern] {
					hits = append(hits, part)
					h := &hits[len(hits)-1]
					h.field, h.start, h.end = uint8(fi), m.start, m.end
					if h.kind == kindVeto {
						lx.veto = true
					}
				}
			}
			continue
		}
		// In a field that names the company, a hit is tested as it is
		// made, not in a loop of its own after, which would copy each hit
		// again; the other fields' loop above keeps this test out of
		// theirs. Most hits are told apart by their rule's role without a
		// call, and a hit can lie inside a mention of the name only
		// between where the first starts and the last ends.
		f, at := &fields[fi], &sc.at[fi]
		for _, m := range raw[from:] {
			for _, part := range c.partsOf[m.pattern] {
				hits = append(hits, part)
				h := &hits[len(hits)-1]
				h.field, h.start, h.end = uint8(fi), m.start, m.end
				if h.kind == kindVeto {
					lx.veto = true
				}
				if c.info[h.rule].role != roleAny && c.misplaced(h, f, forms, at) ||
					lo <= h.start && h.end <= hi && inName(h, f, len(forms[0]), at[0]) {
					hits = hits[:len(hits)-1]
				}
			}
		}
	}
	sc.raw = raw
	sc.hits = hits
	sc.modelWordsSet = false
	kept := sc.kept[:0]
	if !lx.veto {
		kept = c.resolve(kept, hits, fields)
	}
	sc.kept = kept
	// complete[i] tells whether kept hit i counts: a rule counts once per
	// occurrence of its first part, once all its parts are in the field.
	// Rules of a "[with ...]" section count in a second round, when one of
	// their labels fired in the first.
	// The parts found are gathered per rule and field in sc.parts, then
	// read and cleared, a loop each over all the kept hits: a loop per
	// label and field would end at a branch the predictor misses, as most
	// hold one hit.
	complete := slices.Grow(sc.complete[:0], len(kept))[:len(kept)]
	if len(sc.parts) < 2*len(c.info) {
		sc.parts = make([]uint8, 2*len(c.info))
	}
	parts := sc.parts
	for i := range kept {
		h := &kept[i]
		parts[2*int(h.rule)+int(h.field)] |= 1 << (uint(h.part) % maxParts)
	}
	for i := range kept {
		h := &kept[i]
		complete[i] = parts[2*int(h.rule)+int(h.field)] == c.info[h.rule].parts && !firstOfPart(kept[:i], h)
	}
	for i := range kept {
		h := &kept[i]
		parts[2*int(h.rule)+int(h.field)] = 0
	}
	sc.complete = complete
	for _, l := range in.Hints {
		if i := slices.Index(c.labels, l); i >= 0 {
			lx.hints |= 1 << i
		}
	}
	fired := lx.hints
	var user [nLabels]int
	late := false // whether the second round has a hit to count
	for round := range 2 {
		if round == 1 && !late {
			break
		}
		for i, h := range kept {
			if !complete[i] || h.part != 0 {
				continue
			}
			r := &c.info[h.rule]
			if (r.with != 0) != (round == 1) || (round == 1 && fired&r.with == 0) {
				late = late || r.with != 0
				continue
			}
			factor := 1
			if h.field == fieldTitle {
				factor = titleFactor
			}
			lx.score[h.label] += r.weight * factor
			lx.scored |= 1 << h.label
			if r.user {
				user[h.label] += r.weight * factor
			}
		}
		for m := lx.scored; m != 0; m &= m - 1 {
			i := bits.TrailingZeros16(m)
			if lx.score[i] >= fireScore {
				fired |= 1 << i
			}
			if user[i] >= fireScore {
				lx.user |= 1 << i
			}
		}
	}
	lx.fired = fired &^ lx.hints
	return lx
}

// features lists the model's features of an item the lexicon's pass has
// just read into sc.
func (c *Classifier) features(feats []feat, sc *scratch, lx *lexResult, in Input) []feat {
	rows := &allRows
	if c.model != nil {
		rows = c.model.at
	}
	sc.setModelWords()
	for fi, pairs := range [2]bool{fieldTitle: true} {
		feats = fieldFeatures(feats, uint8(fi), pairs, sc.fields[fi].text, sc.modelWords[fi], rows)
	}
	return c.lexFeatures(feats, sc, &lx.score, lx.fired, lx.veto, in.Lang)
}

// setModelWords sets sc.modelWords, the words of each field with the
// company's name made one word, once per item: the lexicon alone reads
// none.
func (sc *scratch) setModelWords() {
	if sc.modelWordsSet {
		return
	}
	for fi := range sc.fields {
		sc.modelWords[fi] = sc.words[fi]
		if sc.named[fi] {
			sc.modelWords[fi] = nameWords(sc.words[fi], sc.fields[fi].text, sc.at[fi][0], len(sc.company))
		}
	}
	sc.modelWordsSet = true
}

// roleWindow is how far (in folded bytes) from a term the company is
// looked for to tell who does what: "X rachète <company>".
const roleWindow = 40

// companyName is how a company may be named in folded text: its name
// without legal form, and its first word when that is distinctive, the
// last, shortest form a prefix of the first.
type companyName struct {
	name  string
	forms [2][]byte
	n     int // the forms used
	rare  int // rarest of the last form, when the forms are not empty
	// byWords tells whether the last form's whole-word mentions start at
	// a word of a field without bytes beyond ASCII, one of hash first
	// (see formsAt).
	byWords bool
	first   uint32
}

// nameCache keeps the forms of the company names it was asked for, in
// sets of two slots found by a hash of the name: a third name of a set
// takes its second slot, and the name it takes it from has its forms
// made again when next asked for. A stored entry does not change: readers
// load it atomically, without a lock.
type nameCache [1 << nameBits]atomic.Pointer[companyName]

// nameBits sets the slots, 1<<nameBits of them, two to a name's set
// (32 KB of pointers): a watch list of some hundreds of companies fits,
// with few sets asked for a third name. At 1,024 slots, the 309 companies
// of the development set made about two dozen of their forms again on
// each pass (48 of its 80 allocations).
const nameBits = 12

// get returns the forms of the company name, which is not empty, with
// sc.name as a buffer should it make them.
func (nc *nameCache) get(sc *scratch, name string) *companyName {
	// The set is found from the name's length and its first and last
	// bytes, four of each where it has them: a hash of every byte costs
	// more than the rare names that share a set.
	n := len(name)
	h := uint32(n)
	if n >= 4 {
		h ^= binary.LittleEndian.Uint32([]byte(name[:4])) ^ binary.LittleEndian.Uint32([]byte(name[n-4:]))*0x9e3779b1
	} else {
		h ^= uint32(name[0])<<8 ^ uint32(name[n-1])<<16
	}
	set := (h * 0x85ebca6b >> (32 - nameBits)) &^ 1
	a, b := &nc[set], &nc[set+1]
	if cn := a.Load(); cn != nil && cn.name == name {
		return cn
	}
	if cn := b.Load(); cn != nil && cn.name == name {
		return cn
	}
	cn := companyForms(sc, name)
	if a.Load() == nil {
		a.Store(cn)
	} else {
		b.Store(cn)
	}
	return cn
}

// companyForms makes the forms of the company name, with sc.name as its
// buffer.
func companyForms(sc *scratch, name string) *companyName {
	sc.name.prepare(name, true)
	full := bytes.Clone(stripLegal(sc.name.text))
	cn := &companyName{name: name, n: 1}
	cn.forms[0] = full
	if i := bytes.IndexByte(full, ' '); i >= 4 {
		cn.forms[1], cn.n = full[:i], 2
	}
	if len(full) > 0 {
		last := cn.forms[cn.n-1]
		cn.rare = rarest(last)
		cn.first, cn.byWords = firstWord(last)
	}
	return cn
}

// firstWord is the hash of the word that starts form, a company's name
// folded, and whether a whole-word mention of it in an ASCII field starts
// a word of that hash. It does when form starts with a letter (after a
// byte that is no letter nor digit, the field's word starts there) and
// that word ends where the field's does: at a byte of form that is no
// letter nor digit, or at form's end after a letter (a digit at its end
// is a whole word before a letter, which goes on the field's word).
func firstWord(form []byte) (uint32, bool) {
	if asciiKind[form[0]] != glueLetter {
		return 0, false
	}
	k := 1
	for k < len(form) && asciiKind[form[k]] != 0 {
		k++
	}
	if k < len(form) && form[k] >= utf8.RuneSelf || k == len(form) && asciiKind[form[k-1]] == glueDigit {
		return 0, false
	}
	return hashBytes(hashStart(nsWord), form[:k]), true
}

// formsAt sets, for each of the company's forms, where it starts in field
// f: at least wherever it is a whole word, the only mentions read. Every
// form begins with the last, the shortest: its starts are those of the
// words of its first word's hash (seen, as scan lists them) that begin it,
// when that finds its whole-word mentions (see firstWord), else found with
// one scan of the text (for its byte rare, see indexAll); a longer form's
// are those of its starts that begin it. at is set in place, not passed
// and returned: two slices by value are copied through the stack.
func formsAt(at *[2][]int32, f *field, seen []int32, cn *companyName) {
	text, forms := f.text, cn.forms[:cn.n]
	last := len(forms) - 1
	starts := at[last][:0]
	if cn.byWords && !f.wide {
		for _, s := range seen {
			if bytes.HasPrefix(text[s:], forms[last]) {
				starts = append(starts, s)
			}
		}
	} else {
		starts = indexAll(starts, text, forms[last], cn.rare)
	}
	at[last] = starts
	for k := range last {
		longer := at[k][:0]
		for _, s := range starts {
			if bytes.HasPrefix(text[s:], forms[k]) {
				longer = append(longer, s)
			}
		}
		at[k] = longer
	}
}

// indexAll appends to starts every offset where needle (not empty) starts
// in text, overlaps included, left to right. It looks for needle[rare], the
// needle's byte news text holds least often (see rarest), with IndexByte's
// vector search, and compares the needle only where that byte is: a
// company's name mostly starts with a common letter, which bytes.Index
// would stop at every few bytes.
func indexAll(starts []int32, text, needle []byte, rare int) []int32 {
	n, j := len(needle), rare
	if n > len(text) {
		return starts
	}
	c := needle[j]
	for off := j; off < len(text); {
		i := bytes.IndexByte(text[off:], c)
		if i < 0 {
			break
		}
		s := off + i - j
		if s+n > len(text) {
			break
		}
		if text[s] == needle[0] && string(text[s:s+n]) == string(needle) {
			starts = append(starts, int32(s))
		}
		off += i + 1
	}
	return starts
}

// rarest is the index of the byte of b (not empty) that ranks lowest in
// byteRank, the first of them on a tie.
func rarest(b []byte) int {
	j := 0
	for k := 1; k < len(b); k++ {
		if byteRank[b[k]] < byteRank[b[j]] {
			j = k
		}
	}
	return j
}

// byteRank orders the bytes of prepared text by how often the corpus's
// titles and ledes hold them, most often last. Bytes it does not list
// (other punctuation, the bytes of runes beyond ASCII) are rarer still and
// rank 0.
var byteRank = func() (r [256]uint8) {
	const often = "zjxqk-'w.0,yvbgfhmpudclorstinae "
	for i := range len(often) {
		r[often[i]] = uint8(i + 1)
	}
	return r
}()

// misplaced reports whether the company stands where a role term says the
// news is not about it: named right after an actor term ("rachète
// <company>", unless "par <company>"), or right before a passive one.
// at holds where each form starts in f's text.
func (c *Classifier) misplaced(h *hit, f *field, forms [][]byte, at *[2][]int32) bool {
	r := &c.info[h.rule]
	switch {
	case r.kind != kindLabel || r.role == roleAny:
		return false
	case r.role == roleActor:
		lo := int(h.end)
		w := f.text[lo:min(lo+roleWindow, len(f.text))]
		for k, form := range forms {
			if i := windowIndex(w, lo, at[k], len(form)); i >= 0 {
				before := w[:i]
				return !bytes.HasSuffix(before, []byte("par ")) && !bytes.HasSuffix(before, []byte("by "))
			}
		}
	case r.role == rolePassive:
		lo := max(0, int(h.start)-roleWindow)
		w := f.text[lo:h.start]
		for k, form := range forms {
			if windowIndex(w, lo, at[k], len(form)) >= 0 {
				return true
			}
		}
	}
	return false
}

// inName reports whether a hit lies inside a mention of the company's own
// name, n bytes long and starting at the offsets at: "Mexican" in
// "Chipotle Mexican Grill" is no foreign move.
func inName(h *hit, f *field, n int, at []int32) bool {
	if n <= int(h.end-h.start) {
		return false
	}
	// Most hits lie inside no mention at all: that is told from the starts
	// alone, before any mention is checked for whole words.
	inside := false
	for _, s := range at {
		if int(s) > int(h.start) {
			break
		}
		if int(h.end) <= int(s)+n {
			inside = true
			break
		}
	}
	if !inside {
		return false
	}
	lo := max(0, int(h.end)-n)
	hi := min(len(f.text), int(h.start)+n)
	i := windowIndex(f.text[lo:hi], lo, at, n)
	return i >= 0 && lo+i <= int(h.start) && int(h.end) <= lo+i+n
}

// windowIndex finds, in the window w of a text starting at offset lo, the
// first of the n-byte form's starts at that lies whole in w and is a whole
// word of w, or -1.
func windowIndex(w []byte, lo int, at []int32, n int) int {
	for _, s := range at {
		i := int(s) - lo
		if i < 0 {
			continue
		}
		if i+n > len(w) {
			break
		}
		if wholeWord(w, i, i+n) {
			return i
		}
	}
	return -1
}

// firstOfPart reports whether an earlier hit is the same part of the same
// rule at the same place (a term listed twice), so it is not counted twice.
// before ends with the hits of h's label and field before h, sorted by
// start: only its last hits can be h's equal.
func firstOfPart(before []hit, h *hit) bool {
	for j := len(before) - 1; j >= 0 && before[j].start == h.start; j-- {
		if before[j] == *h {
			return true
		}
	}
	return false
}

// resolve keeps the label hits that count: a hit preceded closely by a
// negation cue is dropped, and among overlapping hits of one label the
// leftmost-longest wins, so a longer phrase (even of weight 0) shields the
// shorter terms inside it: "lance un plan de" hides "lance".
// The result is appended to label, a buffer from the caller.
func (c *Classifier) resolve(label, hits []hit, fields *[2]field) []hit {
	negations := false // whether some hit is a negation cue: few items have one
	// The label hits are placed by label and field, keeping their order,
	// which within a field is by end, then start: sortHits then finds them
	// nearly sorted, where in the order of the hits each label's sit
	// among the others'.
	var at [2*nLabels + 1]int32 // per label and field, where its hits go, once summed
	for _, h := range hits {
		switch h.kind {
		case kindNegation:
			negations = true
		case kindLabel:
			at[2*int(h.label)+int(h.field)+1]++
		}
	}
	// The sum is carried in a register: adding each entry to the one
	// before it in memory waits on the store of that one at every step.
	for k, sum := 1, int32(0); k < len(at); k++ {
		sum += at[k]
		at[k] = sum
	}
	n := len(label)
	label = slices.Grow(label, int(at[len(at)-1]))[:n+int(at[len(at)-1])]
	for _, h := range hits {
		if h.kind == kindLabel {
			k := &at[2*int(h.label)+int(h.field)]
			label[n+int(*k)] = h
			*k++
		}
	}
	if negations {
		label = slices.DeleteFunc(label, func(h hit) bool {
			for _, q := range hits {
				if q.kind == kindNegation && q.field == h.field && q.start < h.start && h.start <= q.end+negationWindow && !clauseBreak(fields[h.field].text[min(q.end, h.start):h.start]) {
					return true
				}
			}
			return false
		})
	}
	sortHits(label)
	if len(label) == 0 {
		return label
	}
	// The hits are kept in place, label[:n], each written and counted or
	// not, without a branch: whether a hit overlaps the last one kept is
	// more than the predictor learns. label[last] is the last hit that
	// overlapped none before it.
	n, last := 1, 0
	for i := 1; i < len(label); i++ {
		h, l := &label[i], &label[last]
		inside := b2u(h.label == l.label) & b2u(h.field == l.field) & b2u(h.start < l.end)
		same := b2u(h.start == l.start) & b2u(h.end == l.end) // the same phrase, another rule of the label
		label[n] = *h
		last += (n - last) & (int(inside) - 1)
		n += int(same | (inside ^ 1))
	}
	return label[:n]
}

// sortHits sorts label hits by label, field, start, then longest first.
// Hits that tie are the same phrase for two rules of a label, which
// resolve keeps both of in any order. An item holds a few tens, mostly in
// place already: insertion sort passes over each of those with one
// comparison, where a general sort makes several.
func sortHits(hs []hit) {
	if len(hs) > 64 {
		slices.SortFunc(hs, func(a, b hit) int {
			switch {
			case hitBefore(&a, &b):
				return -1
			case hitBefore(&b, &a):
				return 1
			}
			return 0
		})
		return
	}
	for i := 1; i < len(hs); i++ {
		// Most hits are in place already: they are told so by pointer,
		// without a copy of either.
		if !hitBefore(&hs[i], &hs[i-1]) {
			continue
		}
		h := hs[i]
		j := i
		for ; j > 0 && hitBefore(&h, &hs[j-1]); j-- {
			hs[j] = hs[j-1]
		}
		hs[j] = h
	}
}

// hitBefore is sortHits' order. It compares two keys, without a branch
// per field: which field tells two hits apart is more than the predictor
// learns. A place is not negative, so its bits order it as unsigned.
func hitBefore(a, b *hit) bool {
	ka := uint64(a.label)<<40 | uint64(a.field)<<32 | uint64(uint32(a.start))
	kb := uint64(b.label)<<40 | uint64(b.field)<<32 | uint64(uint32(b.start))
	return b2u(ka < kb)|b2u(ka == kb)&b2u(a.end > b.end) != 0
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

// quoteHit sets q, zero but for its points, to the quote of hit h of
// field f. It writes q in place: a quote returned by value is copied
// through the stack.
func quoteHit(q *quote, f *field, h *hit) {
	q.start, q.end = int32(f.origOffset(int(h.start))), int32(f.origOffset(int(h.end)))
	q.slot, q.field = h.label, h.field
}
