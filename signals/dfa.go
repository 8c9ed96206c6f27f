package signals

// dfa is a dense Aho-Corasick automaton over folded bytes. The classifier
// needs every overlapping hit of a few hundred short terms, tens per item;
// a dense table keeps that at one lookup per byte and no allocation per
// hit, where a general library allocates per match. Input bytes are
// grouped into classes (one per byte that occurs in some pattern, one for
// all others) so the table stays small.
type dfa struct {
	class  [256]uint8
	nclass int
	// next maps state*nclass + class to the next state, itself stored
	// premultiplied by nclass (so the scan loop's dependent chain of loads
	// has no multiply in it) and bit-complemented (negative) when that
	// state ends some pattern, so the loop tests one sign instead of
	// loading a list per byte.
	next []int32
	out  [][]int32 // per state while building: the patterns that end there
	// outs[outAt[s]:outAt[s+1]] are the patterns that end in state s, flat
	// so the garbage collector has no per-state slices to scan.
	outs, outAt []int32
	length      []int32 // per pattern: its length in bytes
}

func newDFA(patterns []string) *dfa {
	d := &dfa{nclass: 1, length: make([]int32, len(patterns))}
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			if d.class[p[i]] == 0 {
				d.class[p[i]] = uint8(d.nclass)
				d.nclass++
			}
		}
	}
	// Trie, with -1 for a missing edge.
	newState := func() int32 {
		for range d.nclass {
			d.next = append(d.next, -1)
		}
		d.out = append(d.out, nil)
		return int32(len(d.out) - 1)
	}
	newState()
	for pi, p := range patterns {
		d.length[pi] = int32(len(p))
		s := int32(0)
		for i := 0; i < len(p); i++ {
			k := int(s)*d.nclass + int(d.class[p[i]])
			if d.next[k] < 0 {
				t := newState()
				d.next[k] = t
			}
			s = d.next[k]
		}
		d.out[s] = append(d.out[s], int32(pi))
	}
	// Breadth-first: fill missing edges from the failure state, whose
	// edges are already complete, and inherit its outputs.
	fail := make([]int32, len(d.out))
	queue := make([]int32, 0, len(d.out))
	order := []int32{0} // states breadth-first
	for c := range d.nclass {
		if t := d.next[c]; t < 0 {
			d.next[c] = 0
		} else {
			queue = append(queue, t)
			order = append(order, t)
		}
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		for c := range d.nclass {
			k := int(s)*d.nclass + c
			t := d.next[k]
			f := d.next[int(fail[s])*d.nclass+c]
			if t < 0 {
				d.next[k] = f
				continue
			}
			fail[t] = f
			d.out[t] = append(d.out[t], d.out[f]...)
			queue = append(queue, t)
			order = append(order, t)
		}
	}
	d.renumber(order)
	return d
}

// renumber gives states their breadth-first rank as number, so the
// shallow states where scanning text spends most of its time share a few
// cache lines at the start of the table, and stores the final encoding of
// next (premultiplied, complemented on output).
func (d *dfa) renumber(order []int32) {
	rank := make([]int32, len(order))
	for r, s := range order {
		rank[s] = int32(r)
	}
	n := d.nclass
	next := make([]int32, len(d.next))
	d.outAt = make([]int32, 0, len(order)+1)
	for r, s := range order {
		d.outAt = append(d.outAt, int32(len(d.outs)))
		d.outs = append(d.outs, d.out[s]...)
		for c := range n {
			t := d.next[int(s)*n+c]
			v := rank[t] * int32(n)
			if len(d.out[t]) > 0 {
				v = ^v
			}
			next[r*n+c] = v
		}
	}
	d.outAt = append(d.outAt, int32(len(d.outs)))
	d.next, d.out = next, nil
}

// dfaHit is one pattern found at text[start:end].
type dfaHit struct {
	pattern, start, end int32
}

// scan appends every (overlapping) occurrence of every pattern in text
// that is not glued to an ASCII letter or digit; wholeWord still has to
// check non-ASCII neighbours.
func (d *dfa) scan(hits []dfaHit, text []byte) []dfaHit {
	// Locals, so the loop keeps the table in registers across the appends.
	next, class := d.next, &d.class
	s := int32(0) // premultiplied state
	for i, b := range text {
		s = next[int(s)+int(class[b])]
		if s >= 0 {
			continue
		}
		s = ^s
		end := i + 1
		if end < len(text) && asciiGlued(b, text[end]) {
			continue
		}
		st := int(s) / d.nclass
		for _, p := range d.outs[d.outAt[st]:d.outAt[st+1]] {
			start := end - int(d.length[p])
			if start > 0 && asciiGlued(text[start], text[start-1]) {
				continue
			}
			hits = append(hits, dfaHit{pattern: p, start: int32(start), end: int32(end)})
		}
	}
	return hits
}

// asciiGlued is glued for ASCII bytes of folded text.
func asciiGlued(edge, other byte) bool {
	otherDigit := '0' <= other && other <= '9'
	switch {
	case '0' <= edge && edge <= '9':
		return otherDigit
	case 'a' <= edge && edge <= 'z':
		return otherDigit || 'a' <= other && other <= 'z'
	}
	return false
}
