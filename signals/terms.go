package signals

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// terms finds the lexicon's terms in prepared text word by word. The text
// is cut once into tokens: runs of letters, runs of digits, and every
// other character (punctuation, symbols) on its own, with the spaces
// between them noted. A term is cut the same way, so it occurs as a whole
// word exactly where its tokens follow each other with the same spaces
// between them, the first not glued to what precedes it and the last not
// to what follows (see wholeWord: only a letter right after or before a
// digit is glued to a token edge). The terms' token sequences form a trie
// whose edges live in one hash table keyed by (node, spacing, token hash):
// a word that starts no term costs one lookup, not a pass of an automaton
// over each of its bytes, and the words' hashes are the ones the model
// reads. A found sequence is compared with the term's bytes before it is
// reported, so hash collisions cost time, never a wrong hit.
type terms struct {
	patterns []string
	// single has the hashes of the terms of one token, pairs those of the
	// first two tokens of the others (see pairKey): a token that may end
	// the first or start the others, seen with the token before it.
	single, pairs startSet
	// edges is the trie's edges, open addressing, at most half full: val is
	// the child of the edge key times 4, plus 2 when the child has edges of
	// its own and 1 when some pattern ends there, 0 for an empty slot (node
	// 0 is the root, no one's child). A walk that reaches a child without
	// edges ends there: most terms of two words end at one, and the word
	// after them is then fed only if it may start a term.
	edges []edge
	mask  uint64
	shift uint8 // 64 minus the table's bits: a slot is the top bits of a product
	// outs[outAt[n]:outAt[n+1]] are the patterns whose tokens end at node
	// n; the edge to n holds that pattern when it is the only one (see
	// edge).
	outs, outAt []int32
}

// token is one token of prepared text, text[start:end], with its hash and
// the spaces before it.
type token struct {
	start, end int32
	h          uint32
	gap        uint8 // spaces between the previous token and this one, up to 2
	// A letter run right after a digit ("0m") starts no term that starts
	// with a letter, and one right before a digit ends none.
	noStart, noEnd bool
}

// walk is a term being read: the trie node its tokens so far reach, and
// where its first token starts.
type walk struct {
	node  uint32
	start int32
}

// Byte classes for tokenising.
const (
	tokSpace = iota
	tokLetter
	tokDigit
	tokOther // ASCII punctuation and controls: a token of its own
	tokNonASCII
)

var tokClass = func() (t [256]uint8) {
	for c := range 256 {
		switch {
		case c == ' ':
			t[c] = tokSpace
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
			t[c] = tokLetter
		case '0' <= c && c <= '9':
			t[c] = tokDigit
		case c < utf8.RuneSelf:
			t[c] = tokOther
		default:
			t[c] = tokNonASCII
		}
	}
	return t
}()

// wordBits is, per byte, a bit of its class when it belongs to a model word
// (letters, digits, non-ASCII), 0 otherwise.
var wordBits = func() (t [256]uint8) {
	for c := range 256 {
		if isWordByte[c] {
			t[c] = 1 << tokClass[c]
		}
	}
	return t
}()

// scan appends the model's words of text to ws, every whole-word
// occurrence of every pattern to hits, by end then start, and the start of
// every word of hash watch to seen, in one pass over the bytes. Each token
// is fed to the terms being read and may start one; a word of letters only
// or digits only is one token, with the word's hash. ws must be empty;
// walks is a buffer.
func (t *terms) scan(text []byte, watch uint32, ws []word, hits []termHit, walks []walk, seen []int32) ([]word, []termHit, []walk, []int32) {
	// ws grows to its bound first (a word per byte at most) and one more,
	// so that a word is written through a pointer with no test of room,
	// and the pointer past the last word still points into ws. It is kept
	// in the reader, in memory, not in registers: the byte loop below
	// needs them all, and would reload two on every byte.
	// The reader is set field by field: a composite literal is built in
	// a temporary and copied whole.
	var r reader
	r.t, r.text, r.hits, r.walks = t, text, hits, walks[:0]
	// seen has room for a word every other byte, the most text holds: a
	// word of hash watch is added without a call, which would have the
	// byte loop keep fewer variables in registers.
	r.watch, r.seen = watch, slices.Grow(seen[:0], len(text)/2+1)
	r.prev.start = -1
	r.ws = slices.Grow(ws[:0], len(text)+1)
	r.next = unsafe.SliceData(r.ws)
	// A token is fed when it may continue a term being read, be a term, or
	// start one with the token before it: mayFeed, written out, as it is
	// too large to be inlined. A pair after no token (prev's start -1) is a
	// false alarm, which feed ignores, as it does hash collisions.
	single, pairs := &t.single, &t.pairs
	gap := uint8(0)
outer:
	for i := 0; i < len(text); {
		c := text[i]
		bits := wordBits[c]
		if bits&(1<<tokLetter|1<<tokDigit) == 0 {
			if c == ' ' {
				gap = min(gap+1, 2)
			} else if bits != 0 { // a word that starts with a non-ASCII rune
				i, gap = r.mixedWord(i, i, hashStart(nsWord), gap)
				continue
			} else {
				if h := hashByte(c); len(r.walks) > 0 || single.has(h) || pairs.has(pairKey(r.prev.node, gap, h)) {
					r.feed(int32(i), int32(i+1), h, gap, false, false)
				} else {
					r.prev = walk{node: h * mix, start: int32(i)}
				}
				gap = 0
			}
			i++
			continue
		}
		// A word is read as a run of its first byte's class, letters or
		// digits: the loop of a word of one class, most words, tests a
		// byte's class only. Should a byte of another class follow, the
		// word is read to its end and split into its tokens as one of
		// non-ASCII runes is, by mixedWord.
		s, h := i, (hashStart(nsWord)^uint32(c))*fnvPrime
		for i++; i < len(text); i++ {
			c = text[i]
			if b := wordBits[c]; b != bits {
				if b == 0 {
					break
				}
				i, gap = r.mixedWord(s, i, h, gap)
				continue outer
			}
			h = (h ^ uint32(c)) * fnvPrime
		}
		*r.next = word{start: int32(s), end: int32(i), h: h}
		r.next = (*word)(unsafe.Add(unsafe.Pointer(r.next), unsafe.Sizeof(word{})))
		if h == r.watch {
			r.seen = r.seen[:len(r.seen)+1]
			r.seen[len(r.seen)-1] = int32(s)
		}
		if len(r.walks) > 0 || single.has(h) || pairs.has(pairKey(r.prev.node, gap, h)) {
			r.feed(int32(s), int32(i), h, gap, false, false)
		} else {
			r.prev = walk{node: h * mix, start: int32(s)}
		}
		// c is the byte that ended the word, if any: the space that mostly
		// follows a word is passed here, not read again.
		gap = 0
		if c == ' ' {
			gap, i = 1, i+1
		}
	}
	n := (uintptr(unsafe.Pointer(r.next)) - uintptr(unsafe.Pointer(unsafe.SliceData(r.ws)))) / unsafe.Sizeof(word{})
	return r.ws[:n], r.hits, r.walks, r.seen
}

// mixedWord reads on from text[i] the word that starts at text[s], of
// hash h up to i, to its end, adds it to the words and feeds its tokens:
// a word that mixes letters, digits or non-ASCII runes. It returns where
// the word ends, past the space after it, if any, and the gap before the
// next token.
func (r *reader) mixedWord(s, i int, h uint32, gap uint8) (int, uint8) {
	text := r.text
	for ; i < len(text) && wordBits[text[i]] != 0; i++ {
		h = (h ^ uint32(text[i])) * fnvPrime
	}
	*r.next = word{start: int32(s), end: int32(i), h: h}
	r.next = (*word)(unsafe.Add(unsafe.Pointer(r.next), unsafe.Sizeof(word{})))
	if h == r.watch {
		r.seen = r.seen[:len(r.seen)+1]
		r.seen[len(r.seen)-1] = int32(s)
	}
	r.splitWord(s, i, gap)
	if i < len(text) && text[i] == ' ' {
		return i + 1, 1
	}
	return i, 0
}

// startSet has a bit per hash of a token that starts some term: most
// words start none, and are passed over with one test.
type startSet [1 << startBits / 64]uint64

// startBits is the size of a startSet: 8 KB, where a thousand or two
// first tokens set two bits each, one bit in thirty or in sixteen.
const startBits = 16

// has reports whether token hash h may start a term. The top bits of a
// product pick a word and two bits in it, both set by each hash added: a
// false alarm, which costs a feed, needs both, and one load still answers.
// FNV's low bits are weak, so the top bits of a product are taken.
func (s *startSet) has(h uint32) bool {
	x := h * mix
	w := s[x>>(32-startBits+6)]
	return w>>(x>>16&63)&(w>>(x>>10&63))&1 != 0
}

// hasFirst is has with one of its two bits only: more false alarms for
// fewer instructions, where a false alarm costs a lookup, not a feed.
func (s *startSet) hasFirst(h uint32) bool {
	x := h * mix
	return s[x>>(32-startBits+6)]&(1<<(x>>16&63)) != 0
}

func (s *startSet) add(h uint32) {
	x := h * mix
	s[x>>(32-startBits+6)] |= 1<<(x>>16&63) | 1<<(x>>10&63)
}

// reader is one scan's state: the terms being read and the hits found.
type reader struct {
	t     *terms
	text  []byte
	hits  []termHit
	walks []walk
	// prev is the token before: its hash times mix (in node), which the
	// test of the start set of single tokens has made, and its start, -1
	// when there is none or it starts no term.
	prev walk
	ws   []word // scan's words, in ws[:cap(ws)] up to next
	next *word
	// seen has the starts of the words of hash watch.
	watch uint32
	seen  []int32
}

// mix is the odd constant the start sets' index multiplies a hash by.
const mix = 0x9e3779b1

// pairKey is the hash of a token of hash b after gap spaces after one of
// hash a, given as am, a times mix.
func pairKey(am uint32, gap uint8, b uint32) uint32 {
	return (am ^ b + uint32(gap)) * fnvPrime
}

// feed moves the terms being read over the token text[start:end] of hash
// h, after gap spaces, drops those it does not continue, reports those it
// ends, and starts one when the token starts a term. Walks stay in the
// order of their start, so hits come by end then start.
func (r *reader) feed(start, end int32, h uint32, gap uint8, noStart, noEnd bool) {
	t := r.t
	// Most tokens fed are read by no term: they are fed to start one.
	if len(r.walks) > 0 {
		n := 0
		for _, w := range r.walks {
			if e := t.lookup(edgeKey(w.node, gap, h)); e.val != 0 {
				v := e.val
				if v&1 != 0 && !noEnd {
					r.report(e, w.start, end)
				}
				if v&2 != 0 {
					r.walks[n] = walk{node: v >> 2, start: w.start}
					n++
				}
			}
		}
		r.walks = r.walks[:n]
	}
	if p := r.prev; p.start >= 0 && t.pairs.hasFirst(pairKey(p.node, gap, h)) {
		if e := t.lookup(pairEdgeKeyMixed(p.node, gap, h)); e.val != 0 {
			v := e.val
			if v&1 != 0 && !noEnd {
				r.report(e, p.start, end)
			}
			if v&2 != 0 {
				r.walks = append(r.walks, walk{node: v >> 2, start: p.start})
			}
		}
	}
	r.prev = walk{node: h * mix, start: start}
	if noStart {
		r.prev.start = -1
		return
	}
	if !noEnd && t.single.hasFirst(h) {
		if e := t.lookup(edgeKey(0, 0, h)); e.val&1 != 0 {
			r.report(e, start, end)
		}
	}
}

// report appends the patterns that end at the child of edge e, read from
// start to end, if they are what the text holds there.
func (r *reader) report(e *edge, start, end int32) {
	t := r.t
	if p := e.one; p >= 0 {
		if string(r.text[start:end]) == t.patterns[p] {
			r.hits = append(r.hits, termHit{pattern: p, start: start, end: end})
		}
		return
	}
	n := e.val >> 2
	for _, p := range t.outs[t.outAt[n]:t.outAt[n+1]] {
		if string(r.text[start:end]) == t.patterns[p] {
			r.hits = append(r.hits, termHit{pattern: p, start: start, end: end})
		}
	}
}

// splitWord feeds the tokens of the model word text[s:e], which mixes
// letters, digits or non-ASCII runes, telling runes apart as wholeWord
// does. A token is fed once the next is known, which may end it.
func (r *reader) splitWord(s, e int, gap uint8) {
	text := r.text
	var prev token
	prevKind := tokOther // the kind of prev, tokOther before the first
	for i := s; i < e; {
		c, n := rune(text[i]), 1
		if c >= utf8.RuneSelf {
			c, n = utf8.DecodeRune(text[i:e])
		}
		kind := runeKind(c)
		j := i + n
		for kind != tokOther && j < e {
			c, n := rune(text[j]), 1
			if c >= utf8.RuneSelf {
				c, n = utf8.DecodeRune(text[j:e])
			}
			if runeKind(c) != kind {
				break
			}
			j += n
		}
		tok := token{start: int32(i), end: int32(j), h: hashBytes(hashStart(nsWord), text[i:j]), gap: gap}
		tok.noStart = kind == tokLetter && prevKind == tokDigit
		if i > s {
			prev.noEnd = kind == tokDigit && prevKind == tokLetter
			r.feedToken(&prev)
		}
		prev, prevKind, gap, i = tok, kind, 0, j
	}
	r.feedToken(&prev)
}

// mayFeed reports whether a token of hash h, after gap spaces, may
// continue a term being read, be a term, or start one with the token
// before it: only then is it fed.
func (r *reader) mayFeed(h uint32, gap uint8) bool {
	return len(r.walks) > 0 || r.t.single.has(h) || r.t.pairs.has(pairKey(r.prev.node, gap, h))
}

// feedToken feeds tok as scan feeds a word: only when it may continue a
// term being read, be a term, or start one with the token before it.
// Otherwise feed would only make it the token before the next, which is
// done here, without the call.
func (r *reader) feedToken(tok *token) {
	if r.mayFeed(tok.h, tok.gap) {
		r.feed(tok.start, tok.end, tok.h, tok.gap, tok.noStart, tok.noEnd)
		return
	}
	r.prev = walk{node: tok.h * mix, start: tok.start}
	if tok.noStart {
		r.prev.start = -1
	}
}

// runeKind is tokLetter, tokDigit or tokOther, as isLetter and isDigit say.
// ASCII, most of the runes of the words split here, is read from a table,
// inline, without a call.
func runeKind(r rune) int {
	if uint32(r) < utf8.RuneSelf {
		return int(asciiRuneKind[r])
	}
	return wideRuneKind(r)
}

var asciiRuneKind = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		t[c] = uint8(wideRuneKind(rune(c)))
	}
	return t
}()

// wideRuneKind is runeKind, for any rune. The dashes and quotes of
// General Punctuation (U+2000–U+206F), most of the other runes of news
// text, are no letter or digit: they are told so without a search of the
// unicode tables.
func wideRuneKind(r rune) int {
	switch {
	case 0x2000 <= r && r < 0x2070:
		return tokOther
	case isDigit(r):
		return tokDigit
	case isLetter(r):
		return tokLetter
	}
	return tokOther
}

// termHit is one pattern found at text[start:end].
type termHit struct {
	pattern, start, end int32
}

// newTerms returns the matcher of patterns, built once for the few
// pattern sets a process uses lately: every watch list's classifier and
// every reload compile the same lexicon again, with few or no terms of its
// own. A terms is never written after its build, so classifiers share it.
func newTerms(patterns []string) *terms {
	key := termsKey(patterns)
	termsCache.Lock()
	t := termsCache.get(key)
	termsCache.Unlock()
	if t != nil {
		return t
	}
	t = buildTerms(patterns)
	termsCache.Lock()
	termsCache.put(key, t)
	termsCache.Unlock()
	return t
}

// termsCacheSize bounds the matchers kept: more than the distinct watch
// lists of most configs.
const termsCacheSize = 8

// termsLRU holds the matchers built last, most recently used first.
type termsLRU struct {
	sync.Mutex
	keys  []([sha256.Size]byte)
	terms []*terms
}

var termsCache termsLRU

func (c *termsLRU) get(key [sha256.Size]byte) *terms {
	for i, k := range c.keys {
		if k == key {
			t := c.terms[i]
			copy(c.keys[1:i+1], c.keys[:i])
			copy(c.terms[1:i+1], c.terms[:i])
			c.keys[0], c.terms[0] = key, t
			return t
		}
	}
	return nil
}

func (c *termsLRU) put(key [sha256.Size]byte, t *terms) {
	if c.get(key) != nil {
		return
	}
	if len(c.keys) < termsCacheSize {
		c.keys, c.terms = append(c.keys, key), append(c.terms, nil)
	}
	copy(c.keys[1:], c.keys)
	copy(c.terms[1:], c.terms)
	c.keys[0], c.terms[0] = key, t
}

// termsKey identifies a list of patterns: each is length-prefixed, so no
// two lists write the same bytes.
func termsKey(patterns []string) [sha256.Size]byte {
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

// edge is one edge of the trie, its key and value side by side, so that a
// lookup reads one cache line. one is the pattern that ends at the edge's
// child when it is the only one, as it nearly always is, -1 otherwise: a
// hit then costs no slicing of outs.
type edge struct {
	key uint64
	val uint32
	one int32
}

// edgeKey is the trie edge from node n over a token of hash h after gap
// spaces (0 for a term's first token).
func edgeKey(n uint32, gap uint8, h uint32) uint64 {
	return uint64(h)<<32 | uint64(n)<<2 | uint64(gap)
}

// pairEdgeKey is the trie edge from the root over the first two tokens of
// a term, of hashes a then b after gap spaces: one lookup, where a token's
// edge then the next one's took two. Its low bits are 3, which no gap is,
// so it is no edgeKey. Two pairs may share a key, and their terms a node:
// a walk then reaches more nodes than it should, but a hit is still only
// reported where the text holds its term.
func pairEdgeKey(a uint32, gap uint8, b uint32) uint64 {
	return pairEdgeKeyMixed(a*mix, gap, b)
}

// pairEdgeKeyMixed is pairEdgeKey, given a times mix.
func pairEdgeKeyMixed(am uint32, gap uint8, b uint32) uint64 {
	return uint64(b)<<32 | uint64(am+uint32(gap)*mix|3)
}

func buildTerms(patterns []string) *terms {
	ntok := 0
	toks := make([][]token, len(patterns))
	for i, p := range patterns {
		toks[i] = tokens([]byte(p))
		ntok += len(toks[i])
	}
	bits := 4
	for 1<<bits < 2*ntok {
		bits++
	}
	size := 1 << bits
	t := &terms{patterns: patterns, edges: make([]edge, size), mask: uint64(size - 1), shift: uint8(64 - bits)}
	out := [][]int32{nil} // per node
	for pi, ts := range toks {
		n, into := uint32(0), -1 // into is the slot of the edge to n
		for k, tok := range ts {
			var key uint64
			switch {
			case len(ts) == 1:
				key = edgeKey(0, 0, tok.h)
			case k == 0: // a term of several tokens starts with its first two
				continue
			case k == 1:
				key = pairEdgeKey(ts[0].h, tok.gap, tok.h)
			default:
				key = edgeKey(n, tok.gap, tok.h)
			}
			i := t.slot(key)
			e := &t.edges[i]
			if e.val == 0 {
				e.key, e.val = key, uint32(len(out))<<2
				out = append(out, nil)
			}
			if into >= 0 {
				t.edges[into].val |= 2
			}
			n, into = e.val>>2, int(i)
			switch {
			case len(ts) == 1:
				t.single.add(tok.h)
			case k == 1:
				t.pairs.add(pairKey(ts[0].h*mix, tok.gap, tok.h))
			}
			if k == len(ts)-1 {
				e.val |= 1
				out[n] = append(out[n], int32(pi))
			}
		}
	}
	t.outAt = make([]int32, 0, len(out)+1)
	for _, o := range out {
		t.outAt = append(t.outAt, int32(len(t.outs)))
		t.outs = append(t.outs, o...)
	}
	t.outAt = append(t.outAt, int32(len(t.outs)))
	for i := range t.edges {
		e := &t.edges[i]
		e.one = -1
		if o := out[e.val>>2]; e.val != 0 && len(o) == 1 {
			e.one = o[0]
		}
	}
	return t
}

// lookup is the edge of key, or an empty slot, of value 0, when the table
// has none.
func (t *terms) lookup(key uint64) *edge {
	for i := (key * 0x9e3779b97f4a7c15) >> (t.shift & 63); ; i = (i + 1) & t.mask {
		if e := &t.edges[i]; e.key == key || e.val == 0 {
			return e
		}
	}
}

// slot is where key is in the table, or the empty slot where it would go.
func (t *terms) slot(key uint64) uint64 {
	i := (key * 0x9e3779b97f4a7c15) >> (t.shift & 63) // the mask spares the shift a test of its size
	for t.edges[i].val != 0 && t.edges[i].key != key {
		i = (i + 1) & t.mask
	}
	return i
}

// tokens lists the tokens of a term as scan cuts text, rune by rune:
// spaces make gaps, letters and digits runs, every other rune a token.
func tokens(text []byte) []token {
	var ts []token
	prevKind, gap := tokOther, uint8(0)
	for i := 0; i < len(text); {
		if text[i] == ' ' {
			gap, prevKind = min(gap+1, 2), tokSpace
			i++
			continue
		}
		r, n := utf8.DecodeRune(text[i:])
		kind, j := runeKind(r), i+n
		for kind != tokOther && j < len(text) {
			r, n := utf8.DecodeRune(text[j:])
			if runeKind(r) != kind {
				break
			}
			j += n
		}
		tok := token{start: int32(i), end: int32(j), h: hashBytes(hashStart(nsWord), text[i:j]), gap: gap}
		tok.noStart = kind == tokLetter && prevKind == tokDigit
		if kind == tokDigit && prevKind == tokLetter {
			ts[len(ts)-1].noEnd = true
		}
		ts = append(ts, tok)
		prevKind, gap, i = kind, 0, j
	}
	return ts
}

// hashByte is the hash of a one-byte token.
func hashByte(c byte) uint32 { return (hashStart(nsWord) ^ uint32(c)) * fnvPrime }
