package signals

import (
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// referenceFold is DEPS.md's x/text fold, written out here independently
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
	for _, s := range []string{"Élection à Orléans", "Cœur ’ æ", "e\u0301", "\xff\xfe", "İstanbul", "ﬁnance ½"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := Fold(s), referenceFold(s); got != want {
			t.Errorf("Fold(%q) = %q, reference %q", s, got, want)
		}
	})
}

func FuzzPrepare(f *testing.F) {
	for _, s := range []string{"lève 12,5 M€", "raises $40m", "1 400 postes", "  a\u00a0 b  ", "Cœur"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var fl field
		fl.prepare(s)
		if len(fl.offs) != len(fl.text)+1 {
			t.Fatalf("offs %d for text %d", len(fl.offs), len(fl.text))
		}
		for i := 1; i < len(fl.offs); i++ {
			if fl.offs[i] < fl.offs[i-1] || int(fl.offs[i]) > len(s) {
				t.Fatalf("offsets not monotonic within %d: %v", len(s), fl.offs)
			}
		}
	})
}
