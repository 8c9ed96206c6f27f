package signals

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Company is a watched company as the matcher needs it.
type Company struct {
	Key     string // opaque id chosen by the caller
	Name    string
	Aliases []string
	Domain  string   // a link to it counts as a strong mention
	Exclude []string // homonym guard: any of these terms in the item vetoes the match
}

// Match is one company an item mentions.
type Match struct {
	Key      string
	Strength Strength
	Term     string // the name, alias or domain that matched
}

// Matcher finds watched companies in items with one automaton over all
// names. It is immutable and safe for concurrent use.
type Matcher struct {
	names     *names
	refs      [][]nameRef // per pattern
	companies []Company
	domains   map[string]int // folded domain → company index
}

type nameRef struct {
	company int32
	exclude bool
	proper  bool // a one-word name: needs a capital in the text ("Total", not "total")
	oneWord bool // may be the first word of another company's name ("Mercia Ventures")
	domain  bool
	term    string
}

// ledeBytes is how far into a summary a mention still counts as strong.
const ledeBytes = 300

// legalSuffix reports whether a folded word, dots dropped ("s.a." → "sa"),
// is a company form a name may carry or omit.
func legalSuffix(word []byte) bool {
	var buf [16]byte
	w := buf[:0]
	for _, c := range word {
		if c != '.' {
			if len(w) == len(buf) {
				return false // longer than any legal form
			}
			w = append(w, c)
		}
	}
	switch string(w) {
	case "sa", "sas", "sasu", "sarl", "eurl", "sca", "se", "snc", "group", "groupe",
		"inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "plc",
		"gmbh", "ag", "nv", "bv", "spa", "ab", "holding", "holdings", "lp", "llp":
		return true
	}
	return false
}

// stripLegal drops trailing legal forms from a folded name
// ("breizh conserves sas" → "breizh conserves"), keeping at least one word.
// It works in place on bytes so the classifier strips without allocating,
// with loops of its own: a name is a few bytes, which bytes.Trim's
// building of a set for its cutset costs more than.
func stripLegal(name []byte) []byte {
	for {
		i := len(name) - 1
		for i >= 0 && name[i] != ' ' {
			i--
		}
		if i < 0 {
			return name
		}
		w := name[i+1:]
		for len(w) > 0 && (w[0] == '.' || w[0] == ',') {
			w = w[1:]
		}
		for len(w) > 0 && (w[len(w)-1] == '.' || w[len(w)-1] == ',') {
			w = w[:len(w)-1]
		}
		if !legalSuffix(w) {
			return name
		}
		name = name[:i]
		for len(name) > 0 && (name[len(name)-1] == ' ' || name[len(name)-1] == ',') {
			name = name[:len(name)-1]
		}
	}
}

// NewMatcher compiles the names, aliases and excludes of every company.
func NewMatcher(companies []Company) (*Matcher, error) {
	m := &Matcher{companies: slices.Clone(companies), domains: map[string]int{}}
	index := map[string]int{}
	var patterns []string
	add := func(p string, ref nameRef) {
		id, ok := index[p]
		if !ok {
			id = len(patterns)
			index[p] = id
			patterns = append(patterns, p)
			m.refs = append(m.refs, nil)
		}
		m.refs[id] = append(m.refs[id], ref)
	}
	for ci, c := range companies {
		if c.Key == "" {
			return nil, fmt.Errorf("company %q: empty key", c.Name)
		}
		names := append([]string{c.Name}, c.Aliases...)
		n := 0
		for _, name := range names {
			if strings.TrimSpace(name) == "" {
				continue
			}
			f, err := foldTerm(name, false)
			if err != nil {
				return nil, fmt.Errorf("company %s: %w", c.Key, err)
			}
			f = string(stripLegal([]byte(f)))
			oneWord := !strings.Contains(f, " ")
			add(f, nameRef{company: int32(ci), proper: oneWord && hasUpper(name), oneWord: oneWord, term: name})
			n++
		}
		if d := strings.TrimPrefix(Fold(strings.TrimSpace(c.Domain)), "www."); d != "" {
			m.domains[d] = ci
			add(d, nameRef{company: int32(ci), domain: true, term: c.Domain})
			n++
		}
		if n == 0 {
			return nil, fmt.Errorf("company %s: no name, alias or domain", c.Key)
		}
		for _, x := range c.Exclude {
			f, err := foldTerm(x, false)
			if err != nil {
				return nil, fmt.Errorf("company %s exclude: %w", c.Key, err)
			}
			add(f, nameRef{company: int32(ci), exclude: true, term: x})
		}
	}
	m.names = newNames(patterns)
	return m, nil
}

func hasUpper(s string) bool {
	for _, r := range s {
		if unicode.IsUpper(r) {
			return true
		}
	}
	return false
}

// mention is what one Match call found about one company.
type mention struct {
	company  int32
	strength Strength
	term     string
	excluded bool
	// A one-word name or alias found only as the first word of a longer
	// proper name ("Mercia Ventures" for "Mercia") counts only when the
	// item also carries the company's domain or another of its names.
	partial      Strength
	partialTerm  string
	corroborated bool // the domain, or a name other than partialTerm, was found
	firstTerm    string
}

// saw records that a name, alias or domain of the company was found.
func (s *mention) saw(ref nameRef) {
	switch {
	case ref.domain:
		s.corroborated = true
	case s.firstTerm == "":
		s.firstTerm = ref.term
	case s.firstTerm != ref.term:
		s.corroborated = true
	}
}

// matchScratch holds one Match call's buffers, pooled so that the Matcher
// stays immutable and a warm call allocates only its result.
type matchScratch struct {
	field    field
	mentions []mention // few per item: a linear search beats a map
}

var matchPool = sync.Pool{New: func() any { return new(matchScratch) }}

// get returns the mention of company ci, adding it when new.
func (sc *matchScratch) get(ci int32) *mention {
	for i := range sc.mentions {
		if sc.mentions[i].company == ci {
			return &sc.mentions[i]
		}
	}
	sc.mentions = append(sc.mentions, mention{company: ci})
	return &sc.mentions[len(sc.mentions)-1]
}

// Match lists the companies it mentions, one Match per company (its
// strongest mention), in the order the companies were given.
func (m *Matcher) Match(it Item) []Match {
	sc := matchPool.Get().(*matchScratch)
	defer matchPool.Put(sc)
	sc.mentions = sc.mentions[:0]
	if ci, ok := m.linkCompany(it.URL); ok {
		s := sc.get(int32(ci))
		s.strength, s.term, s.corroborated = Strong, m.companies[ci].Domain, true
	}
	f := &sc.field
	for fi, text := range [2]string{it.Title, it.Summary} {
		f.prepare(text, false)
		m.names.scan(f.text, func(pattern int32, start, end int) {
			if !wholeWord(f.text, start, end) {
				return
			}
			for _, ref := range m.refs[pattern] {
				s := sc.get(ref.company)
				if ref.exclude {
					s.excluded = true
					continue
				}
				if ref.proper && !capitalised(f.orig[f.origOffset(start):]) {
					continue
				}
				s.saw(ref)
				strength := Strong
				if fi == 1 && f.origOffset(start) >= ledeBytes {
					strength = Weak
				}
				if ref.oneWord && !ref.domain && longerName(f.orig[f.origOffset(end):]) {
					if strength > s.partial {
						s.partial, s.partialTerm = strength, ref.term
					}
					return
				}
				if strength > s.strength {
					s.strength, s.term = strength, ref.term
				}
			}
		})
	}
	slices.SortFunc(sc.mentions, func(a, b mention) int { return int(a.company - b.company) })
	var out []Match
	for _, s := range sc.mentions {
		if s.strength == NoMention && s.corroborated {
			s.strength, s.term = s.partial, s.partialTerm
		}
		if s.excluded || s.strength == NoMention {
			continue
		}
		out = append(out, Match{Key: m.companies[s.company].Key, Strength: s.strength, Term: s.term})
	}
	return out
}

// Excluded lists the keys of the companies one of whose exclude terms the
// item holds, in the order the companies were given: Match finds none of
// them in it, whatever names it carries. A rescan of an item known by its
// title alone tells by it a company the title vetoes from one it does not
// name.
func (m *Matcher) Excluded(it Item) []string {
	sc := matchPool.Get().(*matchScratch)
	defer matchPool.Put(sc)
	var hit []int32
	f := &sc.field
	for _, text := range [2]string{it.Title, it.Summary} {
		f.prepare(text, false)
		m.names.scan(f.text, func(pattern int32, start, end int) {
			if !wholeWord(f.text, start, end) {
				return
			}
			for _, ref := range m.refs[pattern] {
				if ref.exclude && !slices.Contains(hit, ref.company) {
					hit = append(hit, ref.company)
				}
			}
		})
	}
	slices.Sort(hit)
	out := make([]string, len(hit))
	for i, ci := range hit {
		out[i] = m.companies[ci].Key
	}
	return out
}

// longerName reports whether the text right after a one-word name goes on
// with the capitalised word of a longer proper name: "Mercia Ventures",
// "Atlas Copco", but not "Atlas SA" (a legal form) nor "Atlas, the...".
func longerName(after string) bool {
	rest, ok := strings.CutPrefix(after, " ")
	if !ok || !capitalised(rest) {
		return false
	}
	end := strings.IndexFunc(rest, func(r rune) bool { return !unicode.IsLetter(r) && r != '.' })
	if end < 0 {
		end = len(rest)
	}
	return !legalSuffix([]byte(strings.ToLower(rest[:end])))
}

// capitalised reports whether the text starts with an upper-case letter, as
// a proper name does in running text.
func capitalised(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

// linkCompany finds the company whose domain hosts link.
func (m *Matcher) linkCompany(link string) (int, bool) {
	if link == "" || len(m.domains) == 0 {
		return 0, false
	}
	u, err := url.Parse(link)
	if err != nil {
		return 0, false
	}
	host := Fold(u.Hostname())
	for host != "" {
		if ci, ok := m.domains[host]; ok {
			return ci, true
		}
		_, rest, ok := strings.Cut(host, ".")
		if !ok {
			break
		}
		host = rest
	}
	return 0, false
}
