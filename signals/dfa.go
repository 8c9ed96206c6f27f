package signals

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
// still checks runes, and bytes of class 0 (digits but 0, non-ASCII) count
// as not glued, so that nothing wholeWord would keep is lost.
type dfa struct {
	class  [256]uint8
	nclass int
	// next maps state*nclass + class to the next state, itself stored
	// premultiplied by nclass (so the scan loop's dependent chain of loads
	// has no multiply in it) and bit-complemented (negative) when the byte
	// ends a whole-word hit of the state it leaves, so the loop tests one
	// sign instead of loading a list per byte.
	next []int32
	// outs[outAt[s]:outAt[s+1]] are the patterns that end in state s,
	// longest first; flat so the garbage collector has no per-state
	// slices to scan.
	outs, outAt []int32
	length      []int32 // per pattern: its length in bytes
}

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

func newDFA(patterns []string) *dfa {
	d := &dfa{nclass: 1, length: make([]int32, len(patterns))}
	kinds := []byteKind{kindOther} // per class; class 0 as not glued
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			if d.class[p[i]] == 0 {
				d.class[p[i]] = uint8(d.nclass)
				kinds = append(kinds, kindOf(p[i]))
				d.nclass++
			}
		}
	}
	n := d.nclass
	// Trie, with -1 for a missing edge. There is one root per kind of the
	// byte before, since that decides which terms may start: state 0
	// (start of text or after a blank) is the trie's root, the others
	// share its edges.
	var out [][]int32 // per state: the patterns that end there
	var last []byteKind
	newState := func(k byteKind) int32 {
		for range n {
			d.next = append(d.next, -1)
		}
		out = append(out, nil)
		last = append(last, k)
		return int32(len(out) - 1)
	}
	var roots [nkinds]int32
	for k := range roots {
		roots[k] = newState(byteKind(k))
	}
	for pi, p := range patterns {
		d.length[pi] = int32(len(p))
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := int(d.class[p[i]])
			k := int(s)*n + c
			if d.next[k] < 0 {
				d.next[k] = newState(kinds[c])
			}
			s = d.next[k]
		}
		out[s] = append(out[s], int32(pi))
	}
	// A root moves to the trie when the byte may start a term there, else
	// to the root of that byte's kind. The fail state of a trie state is
	// the longest proper suffix that starts a term (or the root of its
	// last byte's kind). Breadth-first, fill missing edges from the fail
	// state, whose edges are already complete, and inherit its outputs.
	fail := make([]int32, len(out))
	order := append([]int32(nil), roots[:]...) // states breadth-first
	queue := []int32{}
	children := append([]int32(nil), d.next[:n]...)
	for k, r := range roots {
		for c := range n {
			t := children[c]
			if t < 0 || gluedKinds(kinds[c], byteKind(k)) {
				t = roots[kinds[c]]
			}
			d.next[int(r)*n+c] = t
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
			t := d.next[k]
			f := d.next[int(fail[s])*n+c]
			if t < 0 {
				d.next[k] = f
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
	d.renumber(order, out, reports)
	return d
}

// renumber gives states their breadth-first rank as number, so the
// shallow states where scanning text spends most of its time share a few
// cache lines at the start of the table, and stores the final encoding of
// next (premultiplied, complemented when reporting).
func (d *dfa) renumber(order []int32, out [][]int32, reports func(s int32, c int) bool) {
	rank := make([]int32, len(order))
	for r, s := range order {
		rank[s] = int32(r)
	}
	n := d.nclass
	next := make([]int32, len(d.next))
	d.outAt = make([]int32, 0, len(order)+1)
	for r, s := range order {
		d.outAt = append(d.outAt, int32(len(d.outs)))
		d.outs = append(d.outs, out[s]...)
		for c := range n {
			v := rank[d.next[int(s)*n+c]] * int32(n)
			if reports(s, c) {
				v = ^v
			}
			next[r*n+c] = v
		}
	}
	d.outAt = append(d.outAt, int32(len(d.outs)))
	d.next = next
}

// dfaHit is one pattern found at text[start:end].
type dfaHit struct {
	pattern, start, end int32
}

// scan appends every (overlapping) occurrence of every pattern in text
// that is not glued to an ASCII letter or digit, by end then start;
// wholeWord still has to check non-ASCII neighbours.
func (d *dfa) scan(hits []dfaHit, text []byte) []dfaHit {
	// Locals, so the loop keeps the table in registers across the appends.
	next, class := d.next, &d.class
	s := int32(0) // premultiplied state
	for i, b := range text {
		t := next[int(s)+int(class[b])]
		if t < 0 {
			t = ^t
			hits = d.report(hits, s, i)
		}
		s = t
	}
	return d.report(hits, s, len(text))
}

// report appends the hits of premultiplied state s that end at end.
func (d *dfa) report(hits []dfaHit, s int32, end int) []dfaHit {
	st := int(s) / d.nclass
	for _, p := range d.outs[d.outAt[st]:d.outAt[st+1]] {
		hits = append(hits, dfaHit{pattern: p, start: int32(end) - d.length[p], end: int32(end)})
	}
	return hits
}
