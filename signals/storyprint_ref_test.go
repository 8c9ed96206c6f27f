package signals

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// referenceStoryPrint is the plain reading of a story print, word pass by
// word pass over folded copies of the title and summary, that
// NewStoryPrint must equal (TestStoryPrintMatchesReference,
// FuzzStoryPrintMatchesReference).
func referenceStoryPrint(title, summary, company string) StoryPrint {
	summary = TruncateText(summary, StoryTextMax)
	p := StoryPrint{Title: []uint32{}, Shingles: []uint32{}, Entities: []uint32{}}
	ftitle, fsummary := Fold(title), Fold(summary)
	refForWords(ftitle, func(w string) bool {
		if utf8.RuneCountInString(w) > 2 {
			p.Title = append(p.Title, hash32(fnvOffset, w))
		}
		return true
	})
	var prev uint32
	first := true
	refForWords(fsummary, func(w string) bool {
		if utf8.RuneCountInString(w) <= 2 {
			return true
		}
		if !first {
			p.Shingles = append(p.Shingles, hash32(prev, w))
		}
		prev, first = hash32(hash32(fnvOffset, w), " "), false
		return len(p.Shingles) < maxShingles
	})
	p.Figures = refAppendFigures(refAppendFigures(p.Figures, ftitle), fsummary)
	fcompany := Fold(company)
	p.Entities = refAppendEntities(refAppendEntities(p.Entities, title, fcompany), summary, fcompany)
	for _, l := range []*[]uint32{&p.Title, &p.Shingles, &p.Entities} {
		slices.Sort(*l)
		*l = slices.Compact(*l)
	}
	slices.Sort(p.Figures)
	p.Figures = slices.Compact(p.Figures)
	return p
}

// refAppendFigures is appendFigures read a byte at a time.
func refAppendFigures(dst []uint64, s string) []uint64 {
	for i := 0; i < len(s); {
		if !isASCIIDigit(s[i]) || gluedAfter(s[:i]) {
			i++
			continue
		}
		start := i
		intPart, frac, end, grouped := readNumber(s, i)
		i = end
		value := float64(intPart) + frac
		kind := figureCount
		before := strings.TrimRight(s[:start], " ")
		for _, sym := range currencySymbols {
			if strings.HasSuffix(before, sym) {
				kind = figureAmount
			}
		}
		rest := s[end:]
		next, after := refNextToken(rest)
		if next == "/" || next == ":" || strings.HasSuffix(before, "/") || strings.HasSuffix(before, ":") {
			continue // a date, a time, a ratio, a path: "12/03/2026", "14:30"
		}
		if next == "m" && (strings.HasPrefix(after, "²") || strings.HasPrefix(after, "2")) {
			next, after = "", "" // a surface, "20 000 m²": a count
		}
		if mult, ok := multipliers[next]; ok {
			value *= mult
			kind = figureAmount
			rest = after
			next, after = refNextToken(rest)
		} else if m, ok := splitMultiplier(next); ok {
			// "12m€", "28mn": the multiplier and the currency glued together.
			value *= m
			kind = figureAmount
			rest = after
			next, after = refNextToken(rest)
		}
		switch {
		case next == "%" || next == "percent" || (next == "pour" && strings.HasPrefix(strings.TrimLeft(after, " "), "cent")):
			kind = figurePercent
		case currencies[next] || next == "d" && currencies[refFirstToken(after)]:
			kind = figureAmount
		case kind == figureCount && (notFigure[next] || intPart < 10 || (!grouped && frac == 0 && intPart >= 1900 && intPart <= 2100)):
			continue
		}
		if value <= 0 || value > 1e15 {
			continue
		}
		dst = append(dst, kind|uint64(math.Round(value*100))&^figureKind)
	}
	return dst
}

// refNextToken is nextToken decoding every rune: the word or symbol
// that follows s's spaces, and what follows it.
func refNextToken(s string) (tok, rest string) {
	s = strings.TrimLeft(s, " ")
	if s == "" {
		return "", ""
	}
	r, n := utf8.DecodeRuneInString(s)
	if !unicode.IsLetter(r) {
		return s[:n], s[n:]
	}
	j := 0
	for j < len(s) {
		r, n := utf8.DecodeRuneInString(s[j:])
		if !unicode.IsLetter(r) {
			break
		}
		j += n
	}
	return s[:j], s[j:]
}

// refFirstToken is firstToken of refNextToken.
func refFirstToken(s string) string {
	s = strings.TrimLeft(s, "' ")
	t, _ := refNextToken(s)
	return t
}

func refForWords(s string, fn func(w string) bool) {
	start := -1
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
		} else if start >= 0 {
			if !fn(s[start:i]) {
				return
			}
			start = -1
		}
		i += n
	}
	if start >= 0 {
		fn(s[start:])
	}
}

func refAppendEntities(dst []uint32, text, fcompany string) []uint32 {
	refForWords(text, func(w string) bool {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsUpper(r) || utf8.RuneCountInString(w) < 3 {
			return true
		}
		f := Fold(w)
		if commonWords()[f] || stopNames[f] {
			return true
		}
		inCompany := false
		refForWords(fcompany, func(x string) bool { inCompany = x == f; return !inCompany })
		if !inCompany {
			dst = append(dst, hash32(fnvOffset, f))
		}
		return true
	})
	return dst
}

// storyPrintCases are texts where a print's reading may go wrong: case,
// accents and ligatures that fold to more bytes, runes of other scripts,
// decomposed accents, invalid bytes, figures at the folds' edges, the
// company's name in capitals, more than maxShingles pairs, capitals and
// digits on either side of the eight-byte words text is read by.
var storyPrintCases = []storyItem{
	{"", ""},
	{"Kerlann lève 12 M€ auprès de Bpifrance", "Le spécialiste des légumes surgelés Kerlann boucle un tour de table de 12 M€. À la clé, 80 emplois à Quimper."},
	{"ŒUVRE Œuvre cœur ÆTHER Straße", "L’usine d’Orléans (Loiret) : 1 200 salariés, 12,5 % de hausse, 3.000.000 $, £28m, 20 000 m²."},
	{"e\u0301cole E\u0301COLE ﬁnance Ｆｕｌｌ", "x\xc3\xa9\xa9 \xff\xfe Kerlann KERLANN Groupe GROUPE Ménard MÉNARD Bpifrance"},
	{"Δελτα Ωμέγα 東京 Москва", "Δελτα Ωμέγα 東京 Москва 12 M€ ١٢٣ ٤٥٦ Zürich Düsseldorf São Paulo"},
	{"Lundi FRANCE Europe", strings.Repeat("Grande annonce publique attendue demain matin pour Rennes Brest Nantes. ", 40)},
	{"Cent mots", manyWords(150)},
	{"abcdefgHIJKLMNOp Qrstuvwx 1234567 Yzabcdef", "abcdefg1 Kerlann12 000 salariés, 9ABCDEFGHIJ Zz 12 M€ abcdefghijklmno Capital 45 % seulementABCDEF 3.000.000 $"},
}

// manyWords is a text of n different words of four letters or more.
func manyWords(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Mot%c%c ", 'a'+i/26, 'a'+i%26)
	}
	return b.String()
}

func TestStoryPrintMatchesReference(t *testing.T) {
	items := append(slices.Clone(storyPrintCases), feedServerItems(t)...)
	for _, company := range []string{"Kerlann", "Groupe Ménard", "", "ÉCOLE Straße"} {
		for _, it := range items {
			if got, want := NewStoryPrint(it.title, it.summary, company), referenceStoryPrint(it.title, it.summary, company); !reflect.DeepEqual(got, want) {
				t.Errorf("NewStoryPrint(%.40q, %.40q, %q) =\n%+v, want\n%+v", it.title, it.summary, company, got, want)
			}
		}
	}
}

func FuzzStoryPrintMatchesReference(f *testing.F) {
	for _, it := range storyPrintCases {
		f.Add(it.title, it.summary, "Kerlann")
	}
	f.Fuzz(func(t *testing.T, title, summary, company string) {
		if got, want := NewStoryPrint(title, summary, company), referenceStoryPrint(title, summary, company); !reflect.DeepEqual(got, want) {
			t.Fatalf("NewStoryPrint(%q, %q, %q) =\n%+v, want\n%+v", title, summary, company, got, want)
		}
	})
}

// byteMask must mark exactly the bytes in lo..hi, whatever the other
// bytes of the word: each byte value at each place, beside bytes that
// carry (0x7f, 0xff) and bytes that do not (0x00).
func TestByteMask(t *testing.T) {
	for _, r := range [][2]byte{{'A', 'Z'}, {'0', '9'}} {
		for _, fill := range []byte{0x00, 0x7f, 0xff, 'Z', '0'} {
			for pos := range 8 {
				for c := range 256 {
					var b [8]byte
					for k := range b {
						b[k] = fill
					}
					b[pos] = byte(c)
					want := uint64(0)
					for k, x := range b {
						if r[0] <= x && x <= r[1] {
							want |= 0x80 << (8 * k)
						}
					}
					if got := byteMask(load8(string(b[:]), 0), r[0], r[1]); got != want {
						t.Fatalf("byteMask(%q, %q, %q) = %#x, want %#x", b, r[0], r[1], got, want)
					}
				}
			}
		}
	}
}

// commonFold must read each rune it knows as foldNext does, alone or
// before other text, and know no cut or invalid sequence.
func TestCommonFoldMatchesFoldNext(t *testing.T) {
	for _, runes := range [][2]rune{{0x80, 0x17f}, {0x2000, 0x203f}} {
		for r := runes[0]; r <= runes[1]; r++ {
			for _, s := range []string{string(r), string(r) + "x", string(r) + "\u0301"} {
				if f, ok := commonFold(s, 0); ok {
					if want, size := foldNext(s, 0); f.fold != want || f.size != size {
						t.Errorf("commonFold(%q) = %q, %d, want %q, %d", s, f.fold, f.size, want, size)
					}
				}
			}
			if s := string(r); len(s) > 1 {
				if _, ok := commonFold(s[:len(s)-1], 0); ok {
					t.Errorf("commonFold(%q) reads a cut rune", s[:len(s)-1])
				}
			}
		}
	}
	for _, s := range []string{"\xc2", "\xc2x", "\xe2\x80", "\xe2\x80x", "\xe2\x81\x80", "\xc1\x80", "\xc6\x80"} {
		if _, ok := commonFold(s, 0); ok {
			t.Errorf("commonFold(%q) reads a rune out of its table", s)
		}
	}
}

// sortedUnique must equal slices.Sort and slices.Compact at every length
// its sorts divide (insertion, buckets, slices.Sort), with repeated
// values and values that share a bucket.
func TestSortedUniqueMatchesSlicesSort(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 2*maxShingles + 1 {
		for _, spread := range []uint32{1 << 26, 1 << 20, math.MaxUint32} {
			s := make([]uint32, n)
			for k := range s {
				s[k] = r.Uint32N(spread)
				if k > 0 && r.IntN(4) == 0 {
					s[k] = s[r.IntN(k)]
				}
			}
			want := slices.Clone(s)
			slices.Sort(want)
			want = slices.Compact(want)
			if got := sortedUnique(slices.Clone(s)); !slices.Equal(got, want) {
				t.Fatalf("sortedUnique(%v) = %v, want %v", s, got, want)
			}
		}
	}
}

// A capitalised word whose hash nameFilter lacks is kept with no lookup:
// the filter must have every common word and stop name.
func TestNameFilterHasEveryName(t *testing.T) {
	for _, m := range []map[string]bool{commonWords(), stopNames} {
		for w := range m {
			if !nameFilter().has(hash32(fnvOffset, w)) || !nameFilter().has(foldHash(w)) {
				t.Errorf("nameFilter lacks %q", w)
			}
		}
	}
}
