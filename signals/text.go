package signals

import (
	"unicode"
	"unicode/utf8"
)

// field is one item field prepared for matching: folded, whitespace runs
// collapsed to one space, currency signs dropped and every number written
// "0", so "lève 12,5 M€" and "raises $40m" reach the automaton as
// "leve 0 m" and "raises 0m". offs maps each byte back to the original.
type field struct {
	text []byte
	offs []int32 // len(text)+1 entries; the last is len(original)
	orig string
}

// prepare fills f from s, reusing its buffers.
func (f *field) prepare(s string) {
	f.orig = s
	if f.offs == nil {
		f.offs = make([]int32, 0, len(s)+1) // non-nil: foldInto tracks offsets
	}
	f.text, f.offs = foldInto(f.text[:0], f.offs[:0], s)
	t, o := f.text, f.offs
	w := 0
	for r := 0; r < len(t); {
		c := t[r]
		switch {
		case isSpaceByte(c) || currencyLen(t[r:]) > 0:
			start := o[r]
			for r < len(t) {
				if isSpaceByte(t[r]) {
					r++
				} else if n := currencyLen(t[r:]); n > 0 {
					r += n
				} else {
					break
				}
			}
			if w > 0 && t[w-1] != ' ' {
				t[w], o[w] = ' ', start
				w++
			}
		case '0' <= c && c <= '9':
			t[w], o[w] = '0', o[r]
			w++
			r = skipNumber(t, r)
		default:
			t[w], o[w] = c, o[r]
			w++
			r++
		}
	}
	if w > 0 && t[w-1] == ' ' {
		w--
	}
	f.text = t[:w]
	f.offs = append(o[:w], int32(len(s)))
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// currencyLen is the length of the currency sign starting b, or 0.
func currencyLen(b []byte) int {
	switch {
	case b[0] == '$':
		return 1
	case len(b) >= 3 && b[0] == 0xe2 && b[1] == 0x82 && b[2] == 0xac: // €
		return 3
	case len(b) >= 2 && b[0] == 0xc2 && (b[1] == 0xa3 || b[1] == 0xa5): // £ ¥
		return 2
	}
	return 0
}

// skipNumber returns the end of the number starting at r: digits with
// decimal or thousands separators ("1 400", "12,5", "3.8").
func skipNumber(t []byte, r int) int {
	isDigit := func(i int) bool { return i < len(t) && '0' <= t[i] && t[i] <= '9' }
	for {
		for isDigit(r) {
			r++
		}
		switch {
		case r+1 < len(t) && (t[r] == '.' || t[r] == ',') && isDigit(r+1):
			r++
		case r+3 < len(t) && t[r] == ' ' && isDigit(r+1) && isDigit(r+2) && isDigit(r+3) && !isDigit(r+4):
			r++
		default:
			return r
		}
	}
}

// wholeWord reports whether text[start:end] is not glued to a letter or
// digit on either side. Checked on runes, so "lection" never matches inside
// "election" whatever the accents were. A number next to a letter is a
// boundary ("0m" is a number then a unit).
func wholeWord(text []byte, start, end int) bool {
	if start > 0 {
		first, _ := utf8.DecodeRune(text[start:])
		prev, _ := utf8.DecodeLastRune(text[:start])
		if glued(first, prev) {
			return false
		}
	}
	if end < len(text) {
		last, _ := utf8.DecodeLastRune(text[:end])
		next, _ := utf8.DecodeRune(text[end:])
		if glued(last, next) {
			return false
		}
	}
	return true
}

func glued(edge, other rune) bool {
	edgeDigit, otherDigit := unicode.IsDigit(edge), unicode.IsDigit(other)
	edgeLetter, otherLetter := unicode.IsLetter(edge), unicode.IsLetter(other)
	switch {
	case edgeDigit:
		return otherDigit
	case edgeLetter:
		return otherLetter || otherDigit
	}
	return false
}
