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

// Fold lower-cases s and strips accents the way the lexicon is folded:
// "Élection à Orléans" → "election a orleans", œ → oe, æ → ae, ’ → ', NBSP
// → space. It equals the x/text reference fold (NFKD, drop marks, NFC,
// case fold) but runs an ASCII fast path and a table for the Latin runes
// of French and English news, so the classifier keeps its speed.
func Fold(s string) string {
	if plainASCII(s) {
		return s
	}
	b, _ := foldInto(make([]byte, 0, len(s)+8), nil, s)
	return string(b)
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

// foldInto appends the fold of s to dst. When offs is non-nil it also
// appends, for every byte appended to dst, the byte offset in s of the rune
// it came from, so matches in folded text map back to the original.
func foldInto(dst []byte, offs []int32, s string) ([]byte, []int32) {
	track := offs != nil
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			if track {
				offs = append(offs, int32(i))
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if f, ok := foldRune(r); ok && r != utf8.RuneError {
			dst = append(dst, f...)
			if track {
				for range len(f) {
					offs = append(offs, int32(i))
				}
			}
			i += size
			continue
		}
		// Rare runes (other scripts, combining marks, invalid bytes) go
		// through the reference fold as one run, since normalisation
		// depends on neighbouring runes.
		j := i + size
		for j < len(s) && s[j] >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[j:])
			if _, ok := foldRune(r); ok && r != utf8.RuneError {
				break
			}
			j += size
		}
		f := foldReference(s[i:j])
		dst = append(dst, f...)
		if track {
			for range len(f) {
				offs = append(offs, int32(i))
			}
		}
		i = j
	}
	return dst, offs
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
