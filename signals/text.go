package signals

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// field is one item field prepared for matching: folded, whitespace runs
// collapsed to one space, currency signs dropped and, for the classifier,
// every number written "0", so "lève 12,5 M€" and "raises $40m" reach the
// term matcher as "leve 0 m" and "raises 0m".
type field struct {
	orig string
	text []byte
	// anchors map text back to orig sparsely: from anchor.at on, text byte
	// k comes from orig byte anchor.orig + k - anchor.at. Plain ASCII needs
	// none, so mapping costs nothing on the hot path.
	anchors []anchor
	// wide tells whether text holds a byte beyond ASCII: a rune folding
	// leaves as it is or turns into another beyond ASCII.
	wide bool
}

type anchor struct{ at, orig int32 }

// prepare fills f from s, reusing its buffers.
func (f *field) prepare(s string, numbers bool) { f.prepareBlocks(s, numbers, true) }

// prepareBlocks is prepare, with foldPlain's fast path or, without blocks,
// a byte at a time: the test of the fast path compares the two.
func (f *field) prepareBlocks(s string, numbers, blocks bool) {
	b := builder{t: f.text[:0], a: f.anchors[:0]}
	wide := false
	if cap(b.t) < len(s)+8 {
		b.t = make([]byte, 0, len(s)+len(s)/8+8)
	}
	for i := 0; i < len(s); {
		if blocks {
			k := foldPlain(b.t[len(b.t):cap(b.t)], s[i:], len(b.t) == 0 || b.t[len(b.t)-1] == ' ')
			b.t, i = b.t[:len(b.t)+k], i+k
			if i == len(s) {
				break
			}
		}
		// Each case leaves text offset len(b.t) mapped to orig offset i by
		// the anchors' last delta: a case that shortens or lengthens the
		// text marks where it ends, not where it starts.
		switch c := s[i]; {
		case c != ' ' && plainFold[c] != 0: // where foldPlain stops short
			b.t = append(b.t, plainFold[c])
			i++
		case c == 0xc3 && i+1 < len(s) && latinFold[s[i+1]] != 0: // no blank starts with 0xc3
			b.t = append(b.t, latinFold[s[i+1]])
			i += 2
			b.mark(len(b.t), i)
		case '0' <= c && c <= '9':
			if !numbers {
				b.t = append(b.t, c)
				i++
				continue
			}
			b.t = append(b.t, '0')
			i = skipNumber(s, i)
			b.mark(len(b.t), i)
		case c == ' ' && i+1 < len(s) && separator(s, i+1) == 0 && len(b.t) > 0 && b.t[len(b.t)-1] != ' ':
			b.t = append(b.t, ' ') // a lone space maps to itself
			i++
		case separator(s, i) > 0:
			i = b.blank(s, i)
		case c < utf8.RuneSelf:
			b.t = append(b.t, c)
			i++
		default:
			folded, n := foldNext(s, i)
			for k := range len(folded) {
				b.mark(len(b.t)+k, i)
				wide = wide || folded[k] >= utf8.RuneSelf
			}
			b.t = append(b.t, folded...)
			i += n
			b.mark(len(b.t), i)
		}
	}
	if len(b.t) > 0 && b.t[len(b.t)-1] == ' ' {
		b.t = b.t[:len(b.t)-1]
	}
	f.orig, f.text, f.anchors, f.wide = s, b.t, b.a, wide
}

// foldPlain is prepare's fast path, eight bytes at a time, then a byte at
// a time near the end: it writes to dst the fold of the bytes at the start
// of src that fold to one byte whatever surrounds them, and of single
// spaces, as far as dst has room, and returns how many it folded. A
// function of its own, told only what it reads and writes, so that its
// few variables stay in registers, where prepare's loop keeps them in
// memory.
//
// A space is copied as it is, after a byte that is no blank (in src, or
// before it when afterSpace is false): should a blank or currency sign
// follow, prepare's blank adds no second space, and the anchors come out
// the same. It is tested with arithmetic, not a branch of its own: spaces
// come every few bytes, too irregularly to be predicted.
func foldPlain(dst []byte, src string, afterSpace bool) int {
	n := min(len(src), len(dst))
	src, dst = src[:n], dst[:n]
	if n == 0 || src[0] == ' ' && afterSpace { // a space prepare drops
		return 0
	}
	k := 0
	// Each byte's test adds a constant that carries into its top bit
	// exactly when the byte is at least some bound. No carry crosses into
	// the next byte while the bytes are ASCII; a byte that is not stops the
	// block, and a carry out of it changes only the bytes after it, which
	// are not kept. A block is written whole, lowered: dst has room for it,
	// and the bytes from the one that stops folding on are written over by
	// what prepare appends next.
	var spaceBefore uint64 // the top bit of the first byte, if a space precedes the block
	// The bound is written k < len(src)-7, not k+8 <= len(src): the
	// compiler then proves the block in bounds, with no test of its own.
	for ; k < len(src)-7; k += 8 {
		b := src[k : k+8]
		x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		upper := (x + (0x80-'A')*ones8) &^ (x + (0x80-'Z'-1)*ones8) & high8
		lower := x | upper>>2
		d := dst[k : k+8 : k+8]
		d[0], d[1], d[2], d[3] = byte(lower), byte(lower>>8), byte(lower>>16), byte(lower>>24)
		d[4], d[5], d[6], d[7] = byte(lower>>32), byte(lower>>40), byte(lower>>48), byte(lower>>56)
		// The tests below leave garbage in the low seven bits of each
		// byte, which the last mask clears. Some stop at bytes that fold
		// alone ("!\"#" and ":;<=>?", rare in news), which prepare then
		// copies: fewer constants, in registers, cost less than exact
		// tests.
		space := ^((x ^ ' '*ones8) + 0x7f*ones8)
		stop := x | // not ASCII
			^((x + (0x80-'%')*ones8 | space) & // below '%' but a space: a control byte, '$'
				((x ^ '0'*ones8) + 0x70*ones8)) | // from '0' to '?': a digit
			space&(space<<8|spaceBefore)
		if stop &= high8; stop != 0 {
			return k + bits.TrailingZeros64(stop)/8
		}
		spaceBefore = space >> 56
	}
	// The last bytes, fewer than eight, one at a time.
	prev := byte(0)
	if k > 0 {
		prev = src[k-1]
	}
	for ; k < len(src); k++ {
		c := src[k]
		l := plainFold[c]
		if l == 0 || uint(c^' ')|uint(prev^' ') == 0 {
			break
		}
		dst[k], prev = l, c
	}
	return k
}

// ones8 and high8 are the low and top bits of each byte of a word.
const (
	ones8 = 0x0101010101010101
	high8 = 0x8080808080808080
)

// plainFold maps each ASCII byte that prepare turns into one byte
// whatever surrounds it (letters, lowered, and punctuation but '$') to
// that byte, a space to itself (foldPlain checks the byte before), and all
// others (other blanks, digits, '$', non-ASCII) to 0.
var plainFold = func() (t [256]byte) {
	for c := ' '; c < utf8.RuneSelf; c++ {
		if c != '$' && !('0' <= c && c <= '9') {
			t[c] = lowerASCII(byte(c))
		}
	}
	return t
}()

// latinFold maps the second byte of each letter of U+00C0-U+00FF (first
// byte 0xc3) that folds to one ASCII byte, "é" to "e", to that byte, and
// all others to 0: the accented letters of French text, folded without
// decoding a rune nor looking through the fold table.
var latinFold = func() (t [256]byte) {
	for r := rune(0xc0); r <= 0xff; r++ {
		if f, ok := foldRune(r); ok && len(f) == 1 && f[0] < utf8.RuneSelf {
			t[0x80+r-0xc0] = f[0]
		}
	}
	return t
}()

// builder accumulates prepared text and its anchors.
type builder struct {
	t     []byte
	a     []anchor
	delta int32 // orig - text offset in force; anchors record only changes
}

func (b *builder) mark(at, orig int) {
	if d := int32(orig - at); d != b.delta {
		b.a = append(b.a, anchor{int32(at), int32(orig)})
		b.delta = d
	}
}

// blank turns the run of blanks and currency signs at s[i:] into one
// space (none at the start or after a space) and returns where it ends.
func (b *builder) blank(s string, i int) int {
	j := i
	for j < len(s) {
		n := separator(s, j)
		if n == 0 {
			break
		}
		j += n
	}
	if len(b.t) > 0 && b.t[len(b.t)-1] != ' ' {
		b.mark(len(b.t), i)
		b.t = append(b.t, ' ')
	}
	b.mark(len(b.t), j)
	return j
}

// separator is the length of the blank or currency sign at s[i:], or 0.
// Currency signs count as blanks so amounts read the same in every style.
func separator(s string, i int) int {
	switch c := s[i]; c {
	case ' ', '\t', '\n', '\r', '\f', '\v', '$':
		return 1
	case 0xc2:
		if i+1 < len(s) && (s[i+1] == 0xa0 || s[i+1] == 0xa3 || s[i+1] == 0xa5) { // NBSP £ ¥
			return 2
		}
	case 0xe2:
		if i+2 < len(s) && ((s[i+1] == 0x82 && s[i+2] == 0xac) || // €
			(s[i+1] == 0x80 && (s[i+2] == 0xaf || s[i+2] == 0x89 || s[i+2] == 0x8a))) { // narrow NBSP, thin spaces
			return 3
		}
	}
	return 0
}

// skipNumber returns the end of the number starting at s[i]: digits with
// decimal or thousands separators ("1 400", "1 400", "12,5", "3.8").
func skipNumber(s string, i int) int {
	digit := func(j int) bool { return j < len(s) && '0' <= s[j] && s[j] <= '9' }
	for {
		for digit(i) {
			i++
		}
		if i+1 < len(s) && (s[i] == '.' || s[i] == ',') && digit(i+1) {
			i++
			continue
		}
		if n := thousands(s, i); n > 0 && digit(i+n) && digit(i+n+1) && digit(i+n+2) && !digit(i+n+3) {
			i += n
			continue
		}
		return i
	}
}

// thousands is the length of a thousands separator (space, NBSP, narrow
// NBSP) at s[i:], or 0.
func thousands(s string, i int) int {
	switch {
	case i >= len(s):
		return 0
	case s[i] == ' ':
		return 1
	case strings.HasPrefix(s[i:], "\u00a0"):
		return 2
	case strings.HasPrefix(s[i:], "\u202f"), strings.HasPrefix(s[i:], "\u2009"):
		return 3
	}
	return 0
}

// origOffset maps a byte offset of f.text (0..len) to one of f.orig.
func (f *field) origOffset(k int) int {
	a := f.anchors
	if len(a) == 0 || int(a[0].at) > k {
		return min(k, len(f.orig))
	}
	// The last anchor at or before k, by a binary search whose step is
	// arithmetic, not a branch: which half holds it is more than the
	// predictor learns. a[base] is at or before k, the last such among
	// a[base:base+n]; before is -1 when a[base+half] is at or before k too,
	// else 0.
	base := 0
	for n := len(a); n > 1; {
		half := n / 2
		before := (int(a[base+half].at) - k - 1) >> 63
		base += half & before
		n -= half
	}
	return min(int(a[base].orig)+k-int(a[base].at), len(f.orig))
}

// wholeWord reports whether text[start:end] is not glued to a letter or
// digit on either side. Checked on runes, so "lection" never matches inside
// "election" whatever the accents were. A number next to a letter is a
// boundary ("0m" is a number then a unit).
func wholeWord(text []byte, start, end int) bool {
	if start > 0 {
		// Two ASCII bytes, as nearly always, are told apart by table.
		if e, o := text[start], text[start-1]; e|o < utf8.RuneSelf {
			if asciiGlue[e]&asciiKind[o] != 0 {
				return false
			}
		} else if glued(runeAt(text, start), runeBefore(text, start)) {
			return false
		}
	}
	if end == len(text) {
		return true
	}
	if e, o := text[end-1], text[end]; e|o < utf8.RuneSelf {
		return asciiGlue[e]&asciiKind[o] == 0
	}
	return !glued(runeBefore(text, end), runeAt(text, end))
}

// asciiKind and asciiGlue are glued for ASCII bytes: asciiKind has a bit
// for a letter and one for a digit, asciiGlue the bits of the kinds a byte
// is glued to as a word's edge (a letter to letters and digits, a digit to
// digits). The bytes of non-ASCII runes are not in them.
const (
	glueLetter = 1 << iota
	glueDigit
)

var asciiKind, asciiGlue = func() (kind, glue [256]uint8) {
	for c := range utf8.RuneSelf {
		switch {
		case isLetter(rune(c)):
			kind[c], glue[c] = glueLetter, glueLetter|glueDigit
		case isDigit(rune(c)):
			kind[c], glue[c] = glueDigit, glueDigit
		}
	}
	return kind, glue
}()

// runeAt is the rune that starts at text[i], decoded only when not ASCII.
func runeAt(text []byte, i int) rune {
	if c := text[i]; c < utf8.RuneSelf {
		return rune(c)
	}
	r, _ := utf8.DecodeRune(text[i:])
	return r
}

// runeBefore is the rune that ends at text[i-1], decoded only when not
// ASCII.
func runeBefore(text []byte, i int) rune {
	if c := text[i-1]; c < utf8.RuneSelf {
		return rune(c)
	}
	r, _ := utf8.DecodeLastRune(text[:i])
	return r
}

func glued(edge, other rune) bool {
	switch {
	case isDigit(edge):
		return isDigit(other)
	case isLetter(edge):
		return isLetter(other) || isDigit(other)
	}
	return false
}

func isDigit(r rune) bool {
	if r < utf8.RuneSelf {
		return '0' <= r && r <= '9'
	}
	return unicode.IsDigit(r)
}

func isLetter(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
	}
	return unicode.IsLetter(r)
}
