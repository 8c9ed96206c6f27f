package signals

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

//go:generate go run ./internal/foldgen -o fold_table.go

// Fold lower-cases s and strips accents the way the lexicon is folded:
// "Élection à Orléans" → "election a orleans", œ → oe, æ → ae, ’ → ', NBSP
// → space. It equals the x/text reference fold (NFKD, drop marks, NFC,
// case fold) but runs an ASCII fast path and a table for the Latin runes
// of French and English news, so the classifier keeps its speed.
func Fold(s string) string {
	if plainASCII(s) {
		return s
	}
	return string(foldAppend(make([]byte, 0, len(s)+8), s))
}

// plainASCII reports whether s is ASCII with no upper-case letter, hence
// already folded.
func plainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// foldAppend appends the fold of s to dst.
func foldAppend(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			dst = append(dst, lowerASCII(c))
			i++
			continue
		}
		f, n := foldNext(s, i)
		dst = append(dst, f...)
		i += n
	}
	return dst
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// foldNext folds the non-ASCII text at s[i:]: one rune from the table, or
// a run of rarer runes (other scripts, combining marks, invalid bytes)
// through the reference fold at once, since normalisation depends on
// neighbouring runes. It returns the fold and the bytes consumed.
func foldNext(s string, i int) (string, int) {
	r, size := utf8.DecodeRuneInString(s[i:])
	if f, ok := tableRune(r); ok {
		return f, size
	}
	if r == utf8.RuneError && size == 1 {
		return "\ufffd", 1 // as the reference fold reads an invalid byte
	}
	j := i + size
	for j < len(s) && s[j] >= utf8.RuneSelf {
		r, size := utf8.DecodeRuneInString(s[j:])
		if _, ok := tableRune(r); ok || (r == utf8.RuneError && size == 1) {
			break
		}
		j += size
	}
	return foldReference(s[i:j]), j - i
}

func tableRune(r rune) (string, bool) {
	if r == utf8.RuneError {
		return "", false
	}
	return foldRune(r)
}

// foldReference is the x/text fold the fast path must equal. A transform
// chain holds state, so it is built per call.
func foldReference(s string) string {
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	out = cases.Fold().String(out)
	return strings.NewReplacer("œ", "oe", "æ", "ae", "’", "'").Replace(out)
}
