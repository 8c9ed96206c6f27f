package signals

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func testMatcher(t testing.TB) *Matcher {
	t.Helper()
	m, err := NewMatcher([]Company{
		{Key: "bc", Name: "Breizh Conserves SAS", Domain: "breizh-conserves.fr"},
		{Key: "orange", Name: "Orange", Exclude: []string{"jus d'orange", "orange juice"}},
		{Key: "total", Name: "Total", Aliases: []string{"TotalEnergies"}},
		{Key: "sg", Name: "Société Générale", Aliases: []string{"SocGen"}},
		{Key: "air", Name: "Air Liquide"},
		{Key: "mercia", Name: "Mercia Plastics", Aliases: []string{"Mercia"}, Domain: "merciaplastics.co.uk"},
		{Key: "atlas", Name: "Atlas", Aliases: []string{"Atlas Industrie"}},
	})
	if err != nil {
		t.Fatalf("new matcher: %v", err)
	}
	return m
}

func TestMatcher(t *testing.T) {
	m := testMatcher(t)
	long := strings.Repeat("Filler words about the market. ", 15)
	tests := []struct {
		name string
		item Item
		want string // "key:strength,..." in company order
	}{
		{"suffix dropped in text", Item{Title: "Breizh Conserves ouvre une usine"}, "bc:strong"},
		{"suffix kept in text", Item{Title: "BREIZH CONSERVES SAS recrute"}, "bc:strong"},
		{"domain in link", Item{Title: "Nouvelle usine", URL: "https://www.breizh-conserves.fr/actu/1"}, "bc:strong"},
		{"domain in text", Item{Summary: "Voir breizh-conserves.fr pour plus."}, "bc:strong"},
		{"accents and case", Item{Title: "societe generale nomme un DG"}, "sg:strong"},
		{"alias", Item{Title: "SocGen cuts jobs"}, "sg:strong"},
		{"homonym excluded", Item{Title: "Le prix du jus d'orange flambe chez Orange"}, ""},
		{"fruit lower case", Item{Title: "une orange pressée"}, ""},
		{"common word", Item{Title: "A total of 300 jobs"}, ""},
		{"capitalised name", Item{Title: "Total cuts 300 jobs"}, "total:strong"},
		{"alias inside word", Item{Title: "TotalEnergiesX"}, ""},
		{"not a prefix", Item{Title: "Air Liquidea"}, ""},
		{"weak deep in summary", Item{Title: "Market news", Summary: long + "Air Liquide signed."}, "air:weak"},
		{"lede is strong", Item{Title: "Market news", Summary: "Air Liquide signed." + long}, "air:strong"},
		{"several", Item{Title: "Air Liquide et Total signent"}, "total:strong,air:strong"},
		{"alias in a longer name", Item{Title: "Mercia Ventures launches £60m fund"}, ""},
		{"name in a longer name", Item{Title: "Atlas Copco buys a compressor maker"}, ""},
		{"longer name in the summary too", Item{Title: "Atlas Copco results", Summary: "Atlas Copco said sales rose."}, ""},
		{"longer name but domain in link", Item{Title: "Mercia Ventures backs Mercia Plastics", URL: "https://merciaplastics.co.uk/news"}, "mercia:strong"},
		{"longer name but domain in text", Item{Title: "Mercia Ventures invests", Summary: "See merciaplastics.co.uk."}, "mercia:strong"},
		{"longer name but another alias", Item{Title: "Atlas Copco supplies Atlas Industrie"}, "atlas:strong"},
		{"alias alone", Item{Title: "Mercia opens a plant in Leeds"}, "mercia:strong"},
		{"alias then legal form", Item{Title: "Atlas SA opens a plant"}, "atlas:strong"},
		{"alias then punctuation", Item{Title: "Atlas, the pump maker, hires"}, "atlas:strong"},
		{"alias standalone elsewhere", Item{Title: "Atlas Copco and Atlas sign a deal"}, "atlas:strong"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, mt := range m.Match(tt.item) {
				got = append(got, fmt.Sprintf("%s:%s", mt.Key, mt.Strength))
			}
			if s := strings.Join(got, ","); s != tt.want {
				t.Errorf("Match = %q, want %q", s, tt.want)
			}
		})
	}
}

func TestNewMatcherErrors(t *testing.T) {
	tests := []struct {
		name string
		c    Company
	}{
		{"no key", Company{Name: "A"}},
		{"no name", Company{Key: "a"}},
		{"empty exclude", Company{Key: "a", Name: "A", Exclude: []string{" "}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewMatcher([]Company{tt.c}); err == nil {
				t.Error("no error")
			}
		})
	}
}

func BenchmarkMatcher10k(b *testing.B) {
	companies := make([]Company, 10000)
	for i := range companies {
		companies[i] = Company{Key: fmt.Sprint(i), Name: fmt.Sprintf("Société Numéro%d Industries SA", i), Domain: fmt.Sprintf("n%d.example.fr", i)}
	}
	m, err := NewMatcher(companies)
	if err != nil {
		b.Fatal(err)
	}
	it := Item{
		Title:   "Société Numéro4242 Industries inaugure une usine à Rennes",
		Summary: strings.Repeat("Le groupe breton annonce un investissement de 12 M€ et 80 emplois. ", 5),
		URL:     "https://n77.example.fr/news",
	}
	b.SetBytes(int64(len(it.Title) + len(it.Summary)))
	b.ResetTimer()
	for b.Loop() {
		if len(m.Match(it)) != 2 {
			b.Fatal("want 2 matches")
		}
	}
}

func TestNameWarnings(t *testing.T) {
	tests := []struct {
		name string
		c    Company
		want []string // substrings, one per warning, in order
	}{
		{"one-word alias", Company{Key: "m", Name: "Mercia Plastics", Aliases: []string{"Mercia", "Mercia Plastics Ltd"}}, []string{`alias "Mercia" is one word`}},
		{"alias guarded by excludes", Company{Key: "m", Name: "Mercia Plastics", Aliases: []string{"Mercia"}, Exclude: []string{"Mercia Ventures"}}, nil},
		{"common-word name", Company{Key: "t", Name: "Total SA"}, []string{`name "Total SA" is a common word`}},
		{"rare one-word name", Company{Key: "k", Name: "Kerlann"}, nil},
		{"several words", Company{Key: "b", Name: "Breizh Conserves", Aliases: []string{"Breizh Conserves SAS"}}, nil},
		{"common word alias", Company{Key: "x", Name: "Xylo Systems", Aliases: []string{"Total"}}, []string{`alias "Total" is one word`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NameWarnings([]Company{tt.c})
			if len(got) != len(tt.want) {
				t.Fatalf("NameWarnings = %q, want %d warnings", got, len(tt.want))
			}
			for i, w := range tt.want {
				if !strings.Contains(got[i], w) || !strings.HasPrefix(got[i], tt.c.Key+": ") {
					t.Errorf("warning %d = %q, want it to hold %q", i, got[i], w)
				}
			}
		})
	}
}

// stripLegalRef is stripLegal written with the bytes package, as it was:
// the reference its own loops must match.
func stripLegalRef(name []byte) []byte {
	for {
		i := bytes.LastIndexByte(name, ' ')
		if i < 0 {
			return name
		}
		if !legalSuffix(bytes.Trim(name[i+1:], ".,")) {
			return name
		}
		name = bytes.TrimRight(name[:i], " ,")
	}
}

func FuzzStripLegal(f *testing.F) {
	for _, s := range []string{"breizh conserves sas", "acme s.a.", "foo, inc.", "x  ltd", "sa", " sa", "a sa sa", "foo sa,", ",sa", "acme group holdings", "acme ,.co.,", "a ,, s.a.s."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := stripLegal([]byte(s)), stripLegalRef([]byte(s)); string(got) != string(want) {
			t.Fatalf("stripLegal(%q) = %q, want %q", s, got, want)
		}
	})
}
