package signals

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"sync"
)

// dfa is a dense Aho-Corasick automaton over folded bytes. The classifier
// needs every overlapping hit of a few hundred short terms, tens per item;
// a dense table keeps that at one lookup per byte and no allocation per
// hit, where a general library allocates per match. Input bytes are
// grouped into classes (one per byte that occurs in some pattern, one for
// all others) so the table stays small.
//
// Terms match whole words only, so the automaton starts a match only where
// the first byte is not glued to the byte before ("lance" not in
// "relance") and reports it only when the byte after is not glued to its
// last byte ("lance" not in "lancement"). Inside a word that starts no term
// the scan then sits in one state until the word ends, instead of
// wandering through the suffixes of the word, and hits that would be
// thrown away are never made. The ASCII test is a prefilter: wholeWord
// still checks runes, and bytes in no pattern (digits but 0, non-ASCII)
// count as not glued, so that nothing wholeWord would keep is lost.
type dfa struct {
	class  [256]uint8
	nclass int
	// offset is a byte's class times states: where its transitions start
	// in the table, which is what scan reads per byte. Bytes of a word
	// have the classes from wordClass on, so their offsets are from
	// wordOffset on.
	offset     [256]uint32
	wordOffset uint32
	// The transitions, by class then state: entry c*states+s is the state
	// that state s moves to on a byte of class c, with its top bit set
	// when the byte ends a whole-word hit of s, so the scan loop tests one
	// bit instead of loading a list per byte. Class-major, so that the
	// loop's dependent chain of loads has only an add in it: the product
	// by states is of the byte's class, known ahead. One of narrow and
	// wide is set: 16-bit entries when the states fit, as they do for the
	// embedded lexicon, halve the table and the cache it takes.
	narrow []uint16
	wide   []uint32
	states uint32
	// outs[outAt[s]:outAt[s+1]] are the patterns that end in state s,
	// longest first; flat so the garbage collector has no per-state
	// slices to scan.
	outs, outAt []int32
	length      []int32 // per pattern: its length in bytes
	// overlap is more than the longest pattern: a scan started that many
	// bytes before a point is in the right state there.
	overlap int
}

// maxNarrow is the most states a table of 16-bit entries holds: the top
// bit is the report bit.
const maxNarrow = 1 << 15

// byteKind is what a folded byte is for word boundaries, seen from ASCII.
type byteKind uint8

const (
	kindOther byteKind = iota
	kindLetter
	kindDigit
	nkinds
)

func kindOf(b byte) byteKind {
	switch {
	case 'a' <= b && b <= 'z':
		return kindLetter
	case '0' <= b && b <= '9':
		return kindDigit
	}
	return kindOther
}

// gluedKinds reports whether a term's edge byte is glued to the byte
// beside it, as wholeWord decides for ASCII: a letter to a letter or a
// digit, a digit to a digit.
func gluedKinds(edge, other byteKind) bool {
	switch edge {
	case kindDigit:
		return other == kindDigit
	case kindLetter:
		return other == kindLetter || other == kindDigit
	}
	return false
}

// newDFA returns the automaton of patterns, built once for the few
// pattern sets a process uses lately: every watch list's classifier and
// every reload compile the same lexicon again, with few or no terms of its
// own, and the automaton is most of a classifier's build. A dfa is never
// written after its build, so classifiers share it.
func newDFA(patterns []string) *dfa {
	key := dfaKey(patterns)
	dfas.Lock()
	d := dfas.get(key)
	dfas.Unlock()
	if d != nil {
		return d
	}
	d = buildDFA(patterns, maxNarrow)
	dfas.Lock()
	dfas.put(key, d)
	dfas.Unlock()
	return d
}

// dfaCacheSize bounds the automata kept (1.5 MB each for the embedded
// lexicon): more than the distinct watch lists of most configs.
const dfaCacheSize = 8

// dfaCache holds the automata built last, most recently used first.
type dfaCache struct {
	sync.Mutex
	keys []([sha256.Size]byte)
	dfas []*dfa
}

var dfas dfaCache

func (c *dfaCache) get(key [sha256.Size]byte) *dfa {
	for i, k := range c.keys {
		if k == key {
			d := c.dfas[i]
			copy(c.keys[1:i+1], c.keys[:i])
			copy(c.dfas[1:i+1], c.dfas[:i])
			c.keys[0], c.dfas[0] = key, d
			return d
		}
	}
	return nil
}

func (c *dfaCache) put(key [sha256.Size]byte, d *dfa) {
	if c.get(key) != nil {
		return
	}
	if len(c.keys) < dfaCacheSize {
		c.keys, c.dfas = append(c.keys, key), append(c.dfas, nil)
	}
	copy(c.keys[1:], c.keys)
	copy(c.dfas[1:], c.dfas)
	c.keys[0], c.dfas[0] = key, d
}

// dfaKey identifies a list of patterns: each is length-prefixed, so no
// two lists write the same bytes.
func dfaKey(patterns []string) [sha256.Size]byte {
	h := sha256.New()
	var n [binary.MaxVarintLen64]byte
	for _, p := range patterns {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(p)))])
		h.Write([]byte(p))
	}
	var key [sha256.Size]byte
	h.Sum(key[:0])
	return key
}

// buildDFA is newDFA with 16-bit entries only up to narrowMax states.
func buildDFA(patterns []string, narrowMax int) *dfa {
	d := &dfa{nclass: 1, length: make([]int32, len(patterns))}
	// Class 0 is the bytes in no pattern that are in no word; the bytes
	// of a word come last, the first of their classes for those in no
	// pattern (both count as not glued).
	kinds := []byteKind{kindOther} // per class
	wordClass := 0
	for _, word := range []bool{false, true} {
		if word {
			wordClass = d.nclass
			kinds = append(kinds, kindOther)
			d.nclass++
		}
		for _, p := range patterns {
			for i := 0; i < len(p); i++ {
				if c := p[i]; isWordByte[c] == word && d.class[c] == 0 {
					d.class[c] = uint8(d.nclass)
					kinds = append(kinds, kindOf(c))
					d.nclass++
				}
			}
		}
	}
	for c := range 256 {
		if isWordByte[c] && d.class[c] == 0 {
			d.class[c] = uint8(wordClass)
		}
	}
	n := d.nclass
	// Trie first. There is one root per kind of the byte before, since
	// that decides which terms may start: state 0 (start of text, or after
	// a blank or a byte of class 0) is the trie's root, the others share
	// its edges.
	// The trie has at most a state per byte of the patterns besides the
	// roots: the slices are made that large once, since copying them as
	// they grow would take most of the classifier's build.
	most := int(nkinds)
	for _, p := range patterns {
		most += len(p)
	}
	next := make([]int32, 0, most*n)  // state*n + class → state, -1 for a missing edge
	out := make([][]int32, 0, most)   // per state: the patterns that end there
	last := make([]byteKind, 0, most) // per state: the kind of its last byte
	kids := make([][]int32, 0, most)  // per state: its children in the trie
	depth := make([]int, 0, most)
	noEdges := slices.Repeat([]int32{-1}, n)
	newState := func(k byteKind, d int) int32 {
		next = append(next, noEdges...)
		out = append(out, nil)
		last = append(last, k)
		kids = append(kids, nil)
		depth = append(depth, d)
		return int32(len(out) - 1)
	}
	var roots [nkinds]int32
	for k := range roots {
		roots[k] = newState(byteKind(k), 0)
	}
	for pi, p := range patterns {
		d.length[pi] = int32(len(p))
		d.overlap = max(d.overlap, len(p)+1)
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := int(d.class[p[i]])
			k := int(s)*n + c
			if next[k] < 0 {
				next[k] = newState(kinds[c], i+1)
				kids[s] = append(kids[s], next[k])
			}
			s = next[k]
		}
		out[s] = append(out[s], int32(pi))
	}
	// A root moves to the trie when the byte may start a term there, else
	// to the root of that byte's kind. The fail state of a trie state is
	// the longest proper suffix that starts a term (or the root of its
	// last byte's kind). Breadth-first, fill missing edges from the fail
	// state, whose edges are already complete, and inherit its outputs.
	fail := make([]int32, len(out))
	order := append([]int32(nil), roots[:]...) // states, breadth-first
	queue := []int32{}
	children := append([]int32(nil), next[:n]...)
	for k, r := range roots {
		for c := range n {
			t := children[c]
			if t < 0 || gluedKinds(kinds[c], byteKind(k)) {
				t = roots[kinds[c]]
			}
			next[int(r)*n+c] = t
		}
	}
	for c, t := range children {
		if t >= 0 {
			fail[t] = roots[kinds[c]]
			queue = append(queue, t)
			order = append(order, t)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for c := range n {
			k := int(s)*n + c
			t := next[k]
			f := next[int(fail[s])*n+c]
			if t < 0 {
				next[k] = f
				continue
			}
			fail[t] = f
			out[t] = append(out[t], out[f]...)
			queue = append(queue, t)
			order = append(order, t)
		}
	}
	// A byte reports the hits of the state it leaves unless it is glued
	// to their last byte.
	reports := func(s int32, c int) bool {
		return len(out[s]) > 0 && !gluedKinds(last[s], kinds[c])
	}
	// States are numbered breadth-first down to depth shallow, so that
	// those where scanning spends most of its time share cache lines at
	// the start of the table, then depth-first, so that a scan walking
	// down a term reads rows close to each other.
	const shallow = 3
	var numbered []int32
	var walk func(s int32)
	walk = func(s int32) {
		numbered = append(numbered, s)
		for _, t := range kids[s] {
			walk(t)
		}
	}
	for _, s := range order {
		if depth[s] <= shallow {
			numbered = append(numbered, s)
		}
	}
	for _, s := range order {
		if depth[s] == shallow {
			for _, t := range kids[s] {
				walk(t)
			}
		}
	}
	d.outs, d.outAt = nil, make([]int32, 0, len(numbered)+1)
	rank := make([]uint32, len(numbered))
	for r, s := range numbered {
		rank[s] = uint32(r)
		d.outAt = append(d.outAt, int32(len(d.outs)))
		d.outs = append(d.outs, out[s]...)
	}
	d.outAt = append(d.outAt, int32(len(d.outs)))
	d.states = uint32(len(numbered))
	for c, k := range d.class {
		d.offset[c] = uint32(k) * d.states
	}
	d.wordOffset = uint32(wordClass) * d.states
	if len(numbered) <= narrowMax {
		d.narrow = fillTable[uint16](numbered, rank, next, n, reports)
	} else {
		d.wide = fillTable[uint32](numbered, rank, next, n, reports)
	}
	return d
}

// fillTable lays out the transitions next (by state then class, n
// classes) as dfa's table, states numbered by rank.
func fillTable[T uint16 | uint32](order []int32, rank []uint32, next []int32, n int, reports func(s int32, c int) bool) []T {
	top := ^T(0)>>1 + 1
	table := make([]T, n*len(order))
	for r, s := range order {
		for c := range n {
			t := T(rank[next[int(s)*n+c]])
			if reports(s, c) {
				t |= top
			}
			table[c*len(order)+r] = t
		}
	}
	return table
}

// dfaHit is one pattern found at text[start:end].
type dfaHit struct {
	pattern, start, end int32
}

// offsets appends to dst the offset of each byte of text, which is what
// scan reads: the scan loop then makes one load per byte, not two, and no
// product.
func (d *dfa) offsets(dst []uint32, text []byte) []uint32 {
	n := len(dst)
	dst = slices.Grow(dst, len(text))[:n+len(text)]
	out, offset := dst[n:], &d.offset
	i := 0
	for ; i+4 <= len(text); i += 4 { // unrolled: loop overhead was half the work
		o, t := out[i:i+4:i+4], text[i:i+4:i+4]
		o[0], o[1], o[2], o[3] = offset[t[0]], offset[t[1]], offset[t[2]], offset[t[3]]
	}
	for ; i < len(text); i++ {
		out[i] = offset[text[i]]
	}
	return dst
}

// offsetsWords writes the offset of each byte of text to out, as long,
// and appends the words of text to ws, each hashed: one pass over the
// bytes serves the automaton and the model.
func (d *dfa) offsetsWords(out []uint32, ws []word, text []byte) []word {
	out, offset, wordOffset := out[:len(text)], &d.offset, d.wordOffset
	for i := 0; ; {
		for ; i < len(text); i++ {
			o := offset[text[i]]
			out[i] = o
			if o >= wordOffset {
				break
			}
		}
		if i == len(text) {
			return ws
		}
		s, h := i, hashStart(nsWord)
		for ; i < len(text); i++ {
			c := text[i]
			o := offset[c]
			out[i] = o
			if o < wordOffset {
				break
			}
			h = (h ^ uint32(c)) * fnvPrime
		}
		ws = append(ws, word{start: int32(s), end: int32(i), h: h})
	}
}

// scan appends every (overlapping) occurrence of every pattern in a text,
// given as the offsets of its bytes, that is not glued to an ASCII letter
// or digit, by end then start; wholeWord still has to check non-ASCII
// neighbours.
func (d *dfa) scan(hits []dfaHit, text []uint32) []dfaHit {
	if d.narrow != nil {
		return scanTable(d, d.narrow, hits, text)
	}
	return scanTable(d, d.wide, hits, text)
}

// scanTable is scan over d's table next.
//
// Each table load waits for the one before, so a scan is bound by load
// latency, not by work. The text is therefore scanned as three parts of
// equal length in one loop, whose three chains of loads overlap in time.
// A part after the first starts d.overlap bytes before the point it
// reports from, so that it is in the right state there whatever came
// before.
func scanTable[T uint16 | uint32](d *dfa, next []T, hits []dfaHit, text []uint32) []dfaHit {
	n, m := len(text), (len(text)+2*d.overlap+2)/3
	// Part i steps text[at[i]:from[i+1]] and reports from from[i] on.
	at, from := [4]int{}, [4]int{0, min(m, n), 0, n}
	at[1] = max(0, from[1]-d.overlap)
	from[2] = min(at[1]+m, n)
	at[2] = max(0, from[2]-d.overlap)
	p0, p1, p2 := text[:from[1]], text[at[1]:from[2]], text[at[2]:]
	k0 := min(len(p0), len(p1), len(p2))
	// Each part's hits come by end, and the parts report from disjoint
	// ranges in order: the second and third parts' hits are gathered
	// apart, then follow the first's.
	var buf1, buf2 [32]dfaHit
	hits1, hits2 := buf1[:0], buf2[:0]
	var s0, s1, s2 uint32
	for k := 0; ; k++ {
		k, s0, s1, s2 = lockstep(next, p0[:k0], p1[:k0], p2[:k0], k, s0, s1, s2)
		if k == k0 {
			break
		}
		hits, s0 = step(d, next, hits, s0, p0[k], k, 0)
		hits1, s1 = step(d, next, hits1, s1, p1[k], at[1]+k, from[1])
		hits2, s2 = step(d, next, hits2, s2, p2[k], at[2]+k, from[2])
	}
	hits, _ = run(d, next, hits, s0, p0[k0:], k0, 0)
	hits1, _ = run(d, next, hits1, s1, p1[k0:], at[1]+k0, from[1])
	hits2, s2 = run(d, next, hits2, s2, p2[k0:], at[2]+k0, from[2])
	hits2 = d.report(hits2, s2, n)
	return append(append(hits, hits1...), hits2...)
}

// lockstep steps s0, s1 and s2 over p0, p1 and p2 (as long) from byte k
// on, and stops before the first byte that reports a hit in any. The hot
// loop, in a function without calls, so that its variables stay in
// registers; for the same reason the states are tested one by one, as
// or-ing them takes one register more than there are.
func lockstep[T uint16 | uint32](next []T, p0, p1, p2 []uint32, k int, s0, s1, s2 uint32) (int, uint32, uint32, uint32) {
	top := ^T(0)>>1 + 1
	p1, p2 = p1[:len(p0)], p2[:len(p0)]
	for ; k < len(p0); k++ {
		t0 := next[p0[k]+s0]
		t1 := next[p1[k]+s1]
		t2 := next[p2[k]+s2]
		if t0&top != 0 || t1&top != 0 || t2&top != 0 {
			break
		}
		s0, s1, s2 = uint32(t0), uint32(t1), uint32(t2)
	}
	return k, s0, s1, s2
}

// run steps state s over text (offsets), which starts at offset at of the
// whole text, and appends the hits its bytes report from offset from on.
func run[T uint16 | uint32](d *dfa, next []T, hits []dfaHit, s uint32, text []uint32, at, from int) ([]dfaHit, uint32) {
	top := ^T(0)>>1 + 1
	for i := 0; i < len(text); i++ {
		for ; i < len(text); i++ { // as lockstep, one chain
			t := next[text[i]+s]
			if t&top != 0 {
				break
			}
			s = uint32(t)
		}
		if i < len(text) {
			hits, s = step(d, next, hits, s, text[i], at+i, from)
		}
	}
	return hits, s
}

// step moves state s over the byte of table offset o at offset at of the
// text, and appends the hits it reports if at is from offset from on.
func step[T uint16 | uint32](d *dfa, next []T, hits []dfaHit, s uint32, o uint32, at, from int) ([]dfaHit, uint32) {
	top := ^T(0)>>1 + 1
	t := next[o+s]
	if t&top != 0 && at >= from {
		hits = d.report(hits, s, at)
	}
	return hits, uint32(t &^ top)
}

// report appends the hits of state s that end at end.
func (d *dfa) report(hits []dfaHit, s uint32, end int) []dfaHit {
	for _, p := range d.outs[d.outAt[s]:d.outAt[s+1]] {
		hits = append(hits, dfaHit{pattern: p, start: int32(end) - d.length[p], end: int32(end)})
	}
	return hits
}
