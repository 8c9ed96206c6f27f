package signals

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// referenceFold is the x/text fold (NFKD, drop marks, NFC, case fold), written out here independently
// of the package so the fast path is checked against the recipe itself.
func referenceFold(s string) string {
	t := transform.Chain(norm.NFKD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		out = s
	}
	return strings.NewReplacer("œ", "oe", "æ", "ae", "’", "'").Replace(cases.Fold().String(out))
}

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Élection à Orléans", "election a orleans"},
		{"Cœur Ænéide l’usine", "coeur aeneide l'usine"},
		{"12\u00a0M€", "12 m€"},
		{"déjà", "deja"},
		{"plain ascii", "plain ascii"},
		{"ÇA VA", "ca va"},
		{"Straße", "strasse"},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Fold(tt.in); got != tt.want {
				t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := referenceFold(tt.in); got != tt.want {
				t.Errorf("reference fold(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFoldEqualsReferenceOnDevSet(t *testing.T) {
	for _, it := range devSet(t) {
		for _, s := range []string{it.Title, it.Summary, it.Company} {
			if got, want := Fold(s), referenceFold(s); got != want {
				t.Errorf("%s: Fold(%q) = %q, reference %q", it.ID, s, got, want)
			}
		}
	}
}

func TestFoldTableEqualsReference(t *testing.T) {
	for r := rune(0x80); r < 0x3000; r++ {
		f, ok := foldRune(r)
		if !ok {
			continue
		}
		if want := referenceFold(string(r)); f != want {
			t.Errorf("foldRune(%U) = %q, reference %q", r, f, want)
		}
	}
}

func FuzzFold(f *testing.F) {
	for _, s := range []string{"Élection à Orléans", "Cœur ’ æ", "e\u0301", "\xff\xfe", "İstanbul", "ﬁnance ½", "\xf4ȑ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// The reference treats an invalid byte inconsistently (it may take
		// the next rune's accent with it), so it is given the text Fold
		// reads: each invalid byte as U+FFFD.
		if got, want := Fold(s), referenceFold(string([]rune(s))); got != want {
			t.Errorf("Fold(%q) = %q, reference %q", s, got, want)
		}
	})
}

func FuzzPrepare(f *testing.F) {
	for _, s := range []string{"lève 12,5 M€", "raises $40m", "1 400 postes", "  a\u00a0 b  ", "Cœur", "e\u0301t\u00e9", "\u02dd"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, numbers := range []bool{false, true} {
			var fl, bytewise field
			fl.prepare(s, numbers)
			bytewise.prepareBlocks(s, numbers, false)
			if string(fl.text) != string(bytewise.text) || !slices.Equal(fl.anchors, bytewise.anchors) {
				t.Fatalf("prepare(%q, %v) = %q %v; a byte at a time %q %v", s, numbers, fl.text, fl.anchors, bytewise.text, bytewise.anchors)
			}
			if wide := strings.ContainsFunc(string(fl.text), func(r rune) bool { return r >= utf8.RuneSelf }); fl.wide != wide {
				t.Fatalf("prepare(%q) = %q: wide %v, want %v", s, fl.text, fl.wide, wide)
			}
			prev := 0
			for k := 0; k <= len(fl.text); k++ {
				o := fl.origOffset(k)
				want := min(k, len(s)) // the last anchor at or before k says otherwise
				for _, a := range fl.anchors {
					if int(a.at) <= k {
						want = min(int(a.orig)+k-int(a.at), len(s))
					}
				}
				if o != want {
					t.Fatalf("prepare(%q): offset %d of %q maps to %d, its last anchor to %d", s, k, fl.text, o, want)
				}
				if o < prev || o > len(s) {
					t.Fatalf("prepare(%q): offset %d of %q maps to %d after %d", s, k, fl.text, o, prev)
				}
				prev = o
			}
			// prepare folds runs of blanks and currency signs that Fold keeps,
			// so compare only texts with none, before or after folding ("˝"
			// folds to a space).
			const blanks = " \t\n\r\f\v$\u00a0\u00a3\u00a5\u20ac\u202f\u2009\u200a\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u205f\u3000\u1680"
			if !numbers && !strings.ContainsAny(s, blanks) && !strings.ContainsAny(Fold(s), blanks) {
				if got, want := string(fl.text), Fold(s); got != want {
					t.Fatalf("prepare(%q) = %q, Fold %q", s, got, want)
				}
			}
		}
	})
}

func TestPrepare(t *testing.T) {
	tests := []struct {
		in, want string
		numbers  bool
	}{
		{"Lève  12,5 M€ ", "leve 0 m", true},
		{"raises $40m", "raises 0m", true},
		{"1 400 postes, 1\u202f200 emplois", "0 postes, 0 emplois", true},
		{"en 2012 1 400", "en 0 0", true},
		{"3M  Company", "3m company", false},
		{"\u00a0Cœur\n", "coeur", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var f field
			f.prepare(tt.in, tt.numbers)
			if got := string(f.text); got != tt.want {
				t.Errorf("prepare(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestPrepareBlocks checks prepare against itself a byte at a time, text
// and anchors, on every byte value at every place of a block, spaces before
// and after, and on random texts of the bytes that stop foldPlain and of
// the accented letters it folds, with buffers of every room.
func TestPrepareBlocks(t *testing.T) {
	check := func(s string, room int) {
		t.Helper()
		for _, numbers := range []bool{false, true} {
			var want field
			want.prepareBlocks(s, numbers, false)
			got := field{text: make([]byte, 0, room)}
			got.prepare(s, numbers)
			if string(got.text) != string(want.text) || !slices.Equal(got.anchors, want.anchors) {
				t.Fatalf("prepare(%q, %v) = %q %v; a byte at a time %q %v", s, numbers, got.text, got.anchors, want.text, want.anchors)
			}
		}
	}
	base := "Aa Zz.Bb-Yy,Mm'Nn/Oo"
	for c := range 256 {
		for at := range 17 {
			for _, pre := range []string{"", "x", "x ", " x", "\u00e9", "0 "} {
				s := []byte(pre + base)
				s[len(pre)+at] = byte(c)
				check(string(s), 0)
				check(string(s), len(s)+8)
			}
		}
	}
	for a := range 18 {
		for b := a; b < 18; b++ {
			s := []byte(base)
			s[a], s[b] = ' ', ' '
			check(string(s), len(s))
			s[a], s[b] = 0xc3, 0xa9
			check(string(s), len(s))
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []string{"a", "Z", " ", " ", "\t", "0", "9", "$", "\u00e9", "\u00c9", "\u00d7", "\u00ff", "\u00a0", "\u20ac", "\u2019", "\u0153", "\u00bd", "\ufb01", "\x80", "\xc3", "\x7f", "\x1f", "@", "[", "`", "{", "M", "m", "'", ".", ",", "b", "c", "d", "efgh", "ijkl"}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(40) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		check(b.String(), 0)
		check(b.String(), b.Len()+8)
	}
}

// TestWholeWordASCIITable checks wholeWord's table for ASCII bytes against
// glued, which decides on runes, for every pair of bytes on either edge.
func TestWholeWordASCIITable(t *testing.T) {
	for a := range utf8.RuneSelf {
		for b := range utf8.RuneSelf {
			text := []byte{byte(a), byte(b)}
			if got, want := wholeWord(text, 1, 2), !glued(rune(b), rune(a)); got != want {
				t.Errorf("wholeWord(%q, 1, 2) = %v, want %v", text, got, want)
			}
			if got, want := wholeWord(text, 0, 1), !glued(rune(a), rune(b)); got != want {
				t.Errorf("wholeWord(%q, 0, 1) = %v, want %v", text, got, want)
			}
		}
	}
}
