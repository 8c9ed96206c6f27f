package signals

import "slices"

// names is an Aho-Corasick automaton over company names, compact enough
// for tens of thousands of them: a dense table only for the root (where
// most bytes of running text land), sorted sparse edges elsewhere (a name
// state has one or two), and failure links followed at scan time. A dense
// table for 10,000 names would take tens of MB; this takes a few, and
// reports hits without allocating.
type names struct {
	root    [256]int32 // root's next state per byte; 0 is the root
	edges   []int32    // state s's edges are labels/targets[edges[s]:edges[s+1]]
	labels  []byte     // sorted within a state
	targets []int32
	fail    []int32
	outs    []int32 // state s ends patterns outs[outAt[s]:outAt[s+1]], longest first
	outAt   []int32
	length  []int32 // per pattern
}

func newNames(patterns []string) *names {
	// Trie first, edges in a map keyed by state and byte.
	type key struct {
		state int32
		b     byte
	}
	child := map[key]int32{}
	kids := [][]byte{nil} // per state: its edge bytes, in insertion order
	own := []int32{-1}    // per state: the pattern ending there, or -1
	n := &names{length: make([]int32, len(patterns))}
	for pi, p := range patterns {
		n.length[pi] = int32(len(p))
		s := int32(0)
		for i := 0; i < len(p); i++ {
			t, ok := child[key{s, p[i]}]
			if !ok {
				t = int32(len(kids))
				child[key{s, p[i]}] = t
				kids[s] = append(kids[s], p[i])
				kids = append(kids, nil)
				own = append(own, -1)
			}
			s = t
		}
		own[s] = int32(pi) // patterns are distinct
	}
	// Breadth-first: failure links, and each state's outputs are its own
	// pattern then its failure state's, as the library this replaces
	// reported them (the order decides which term a Match names).
	n.fail = make([]int32, len(kids))
	outs := make([][]int32, len(kids))
	queue := make([]int32, 0, len(kids))
	queue = append(queue, 0)
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if own[s] >= 0 {
			outs[s] = append(outs[s], own[s])
		}
		if s != 0 {
			outs[s] = append(outs[s], outs[n.fail[s]]...)
		}
		for _, b := range kids[s] {
			t := child[key{s, b}]
			if s != 0 {
				f := n.fail[s]
				for {
					if g, ok := child[key{f, b}]; ok {
						n.fail[t] = g
						break
					}
					if f == 0 {
						break
					}
					f = n.fail[f]
				}
			}
			queue = append(queue, t)
		}
	}
	// Flatten.
	n.edges = make([]int32, 0, len(kids)+1)
	n.outAt = make([]int32, 0, len(kids)+1)
	for s, bs := range kids {
		n.edges = append(n.edges, int32(len(n.labels)))
		n.outAt = append(n.outAt, int32(len(n.outs)))
		n.outs = append(n.outs, outs[s]...)
		slices.Sort(bs)
		for _, b := range bs {
			n.labels = append(n.labels, b)
			n.targets = append(n.targets, child[key{int32(s), b}])
		}
	}
	n.edges = append(n.edges, int32(len(n.labels)))
	n.outAt = append(n.outAt, int32(len(n.outs)))
	for _, b := range kids[0] {
		n.root[b] = child[key{0, b}]
	}
	return n
}

// next is the state after reading b in state s.
func (n *names) next(s int32, b byte) int32 {
	for s != 0 {
		lo, hi := n.edges[s], n.edges[s+1]
		for k := lo; k < hi; k++ {
			if c := n.labels[k]; c == b {
				return n.targets[k]
			} else if c > b {
				break
			}
		}
		s = n.fail[s]
	}
	return n.root[b]
}

// scan calls hit for every (overlapping) occurrence of every pattern in
// text, by end then longest first.
func (n *names) scan(text []byte, hit func(pattern int32, start, end int)) {
	s := int32(0)
	for i, b := range text {
		s = n.next(s, b)
		for _, p := range n.outs[n.outAt[s]:n.outAt[s+1]] {
			hit(p, i+1-int(n.length[p]), i+1)
		}
	}
}
