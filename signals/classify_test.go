package signals

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
)

// TestTraps runs the hand-written trap examples of testdata/traps.jsonl:
// negations, other senses, numbers and titles, in French and English.
func TestTraps(t *testing.T) {
	c := testClassifier(t)
	for _, it := range readJSONL(t, filepath.Join("testdata", "traps.jsonl")) {
		t.Run(it.ID, func(t *testing.T) {
			got := c.Classify(Input{Title: it.Title, Summary: it.Summary, Lang: it.Lang, Company: it.Company})
			want := []Label{}
			for _, l := range it.Labels {
				want = append(want, Label(l))
			}
			if !slices.Equal(got.Labels, want) {
				t.Errorf("%q: labels %v, want %v (evidence %v)", it.Title, got.Labels, want, got.Evidence)
			}
		})
	}
}

func TestClassifyEvidence(t *testing.T) {
	c := testClassifier(t)
	title := "Breizh Conserves LÈVE 12,5 M€"
	summary := "L’entreprise inaugure une nouvelle usine."
	got := c.Classify(Input{Title: title, Summary: summary})
	want := map[Label]Evidence{
		FinancialGrowth: {Term: "LÈVE 12,5", Field: "title", Offset: strings.Index(title, "LÈVE")},
		NewSites:        {Term: "nouvelle usine", Field: "summary", Offset: strings.Index(summary, "nouvelle usine")},
	}
	for l, w := range want {
		if !slices.Contains(got.Evidence.Of(l), w) {
			t.Errorf("evidence[%s] = %v, want it to hold %v", l, got.Evidence.Of(l), w)
		}
	}
}

func TestClassifyEmptyAndHints(t *testing.T) {
	c := testClassifier(t)
	tests := []struct {
		name string
		in   Input
		want []Label
	}{
		{"empty", Input{}, []Label{}},
		{"hint only", Input{Title: "Offres d'emploi", Hints: []Label{HRMoves}}, []Label{HRMoves}},
		{"hint and text in order", Input{Title: "Le groupe lève 5 M€", Hints: []Label{HRMoves}}, []Label{HRMoves, FinancialGrowth}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := c.Classify(tt.in)
			if b, err := json.Marshal(got); err != nil || bytes.Contains(b, []byte("null")) {
				t.Fatalf("labels or evidence written as null: %s (%v)", b, err)
			}
			if !slices.Equal(got.Labels, tt.want) {
				t.Errorf("labels %v, want %v", got.Labels, tt.want)
			}
		})
	}
}

func TestClassifyExtra(t *testing.T) {
	lex, err := NewLexicon(nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := NewClassifier(lex, Extra{
		Keywords: map[string]int{"ERP": 8, "logiciel de paie": 5},
		Terms:    map[Label][]string{Innovation: {"jumeau numérique"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := c.Classify(Input{Title: "Un jumeau numérique pour l'usine", Summary: "Le projet ERP démarre."})
	if !slices.Contains(got.Labels, Innovation) {
		t.Errorf("labels %v lack innovation", got.Labels)
	}
	if slices.Contains(got.Labels, Keyword) {
		t.Errorf("labels %v hold keyword", got.Labels)
	}
	kw := got.Evidence.Of(Keyword)
	if len(kw) != 1 || kw[0].Term != "ERP" || kw[0].Points != 8 || kw[0].Field != "summary" {
		t.Errorf("keyword evidence %v", kw)
	}
	if _, err := NewClassifier(lex, Extra{Terms: map[Label][]string{"nope": {"x"}}}); err == nil {
		t.Error("unknown label accepted")
	}
	if _, err := NewClassifier(lex, Extra{Keywords: map[string]int{"ERP": 1 << 40}}); err == nil {
		t.Error("keyword points beyond 32 bits accepted")
	}
}

func TestNewLexiconOverlay(t *testing.T) {
	tests := []struct {
		name    string
		files   map[string][]byte
		title   string
		want    []Label
		wantErr string
	}{
		{"extend", map[string][]byte{"buzz.local.txt": []byte("# ours\nmascotte\n")}, "Nouvelle mascotte", []Label{Buzz}, ""},
		{"replace", map[string][]byte{"financial_growth.txt": []byte("# only this\nlicorne\n")}, "La start-up lève 12 M€", []Label{}, ""},
		{"unknown label", map[string][]byte{"sales.txt": []byte("x\n")}, "", nil, "sales.txt"},
		{"bad weight", map[string][]byte{"buzz.txt": []byte("# h\nsalon = beaucoup\n")}, "", nil, "buzz.txt:2"},
		{"empty term", map[string][]byte{"buzz.txt": []byte("salon & ,\n")}, "", nil, "buzz.txt:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lex, err := NewLexicon(tt.files)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one naming %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			c, err := NewClassifier(lex, Extra{})
			if err != nil {
				t.Fatal(err)
			}
			if got := c.Classify(Input{Title: tt.title}).Labels; !slices.Equal(got, tt.want) {
				t.Errorf("labels %v, want %v", got, tt.want)
			}
		})
	}
}

func FuzzClassify(f *testing.F) {
	c := testClassifier(f)
	for _, s := range []string{"Le groupe lève 12 M€", "raises $40m", "dément toute fermeture", "\xff", "L’usine"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, title, summary string) {
		got := c.Classify(Input{Title: title, Summary: summary})
		// Map reads each label's quotes as one run.
		qs := got.Evidence.quotes()
		for i := 1; i < len(qs); i++ {
			if qs[i].slot < qs[i-1].slot {
				t.Fatalf("quotes out of label order: %+v", qs)
			}
		}
		m := got.Evidence.Map()
		for _, l := range evidenceSlots {
			if of := got.Evidence.Of(l); !slices.Equal(of, m[l]) {
				t.Fatalf("%s: Of gives %+v, Map %+v", l, of, m[l])
			}
		}
		for l, ev := range m {
			for _, e := range ev {
				text := title
				if e.Field == "summary" {
					text = summary
				}
				if e.Offset < 0 || e.Offset+len(e.Term) > len(text) || text[e.Offset:e.Offset+len(e.Term)] != e.Term {
					t.Fatalf("%s evidence %+v does not point into %q", l, e, text)
				}
			}
		}
	})
}

func BenchmarkClassify(b *testing.B) {
	items := devSet(b)
	c := testClassifier(b)
	n := 0
	for _, it := range items {
		n += len(it.Title) + len(it.Summary)
	}
	b.SetBytes(int64(n))
	b.ResetTimer()
	for b.Loop() {
		for _, it := range items {
			c.Classify(Input{Title: it.Title, Summary: it.Summary, Lang: it.Lang, Company: it.Company})
		}
	}
}

// BenchmarkClassifyLexicon is BenchmarkClassify without the model: what
// the lexicon's pass alone costs.
func BenchmarkClassifyLexicon(b *testing.B) {
	items := devSet(b)
	c := testClassifier(b).withModel(nil)
	n := 0
	for _, it := range items {
		n += len(it.Title) + len(it.Summary)
	}
	b.SetBytes(int64(n))
	b.ResetTimer()
	for b.Loop() {
		for _, it := range items {
			c.Classify(Input{Title: it.Title, Summary: it.Summary, Lang: it.Lang, Company: it.Company})
		}
	}
}

// BenchmarkNewClassifier is what every command pays before its first
// item: compiling the embedded lexicon into the term matcher. The cache of
// matchers is emptied each time, so that each builds one.
func BenchmarkNewClassifier(b *testing.B) {
	lex, err := NewLexicon(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		termsCache.Lock()
		termsCache.keys, termsCache.terms = nil, nil
		termsCache.Unlock()
		if _, err := NewClassifier(lex, Extra{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestIssueExamples holds headlines a user saw mislabelled. Each stands for
// a general rule: a round "closed" is raised, administrators appointed mean
// insolvency, a website is no site, a temporary closure is still one, a
// medal is an award, and a fair's name says nothing of where it is held.
func TestIssueExamples(t *testing.T) {
	c := testClassifier(t)
	tests := []struct {
		title string
		want  []Label
	}{
		{"Northgate Composites closes £12m Series B", []Label{FinancialGrowth}},
		{"Harlow Castings falls into administration, 140 jobs at risk; administrators appointed", []Label{Difficulty}},
		{"Nouveau site internet", []Label{}},
		{"Fermeture estivale de la boutique", []Label{}},
		{"Fermeture annuelle pour congés du 1er au 21 août", []Label{}},
		{"Summer closure: the shop reopens on 1 September", []Label{}},
		{"Fermeture de l'usine de Lannion : 120 emplois supprimés", []Label{Difficulty}},
		{"La fromagerie médaillée d'or au Concours général agricole", []Label{Buzz}},
		{"Salon international de l'agriculture : la coopérative présente ses produits", []Label{Buzz}},
		{"Le groupe présent au Salon international de l'alimentation à Paris", []Label{Buzz}},
	}
	for _, tt := range tests {
		t.Run(tt.title, func(t *testing.T) {
			got := c.Classify(Input{Title: tt.title})
			if !slices.Equal(got.Labels, tt.want) {
				t.Errorf("labels %v, want %v (evidence %v)", got.Labels, tt.want, got.Evidence)
			}
			for _, l := range got.Labels {
				if len(got.Evidence.Of(l)) == 0 {
					t.Errorf("%s has no evidence", l)
				}
			}
		})
	}
}

// TestClassifyBlankCompany: a company whose name folds to nothing is no
// company.
func TestClassifyBlankCompany(t *testing.T) {
	c := testClassifier(t)
	in := Input{Title: "Le groupe rachète un concurrent et ferme une usine", Summary: "Il rachète aussi une marque."}
	want := c.Classify(in)
	for _, name := range []string{" ", "\t\u00a0", "€"} {
		in.Company = name
		if got := c.Classify(in); !slices.Equal(got.Labels, want.Labels) {
			t.Errorf("company %q: labels %v, want %v as with no company", name, got.Labels, want.Labels)
		}
	}
}

// FuzzIndexAll compares indexAll, which looks for a needle's rarest byte,
// with bytes.Index run from each start found on.
func FuzzIndexAll(f *testing.F) {
	for _, seed := range []struct{ text, needle string }{
		{"total rachete totalenergies, total", "total"},
		{"aaaa", "aa"},
		{"zz", "zzz"},
		{"chez kiabi et zara", "z"},
		{"", "x"},
		{"l'oreal l'oreal", "l'oreal"},
	} {
		f.Add(seed.text, seed.needle)
	}
	f.Fuzz(func(t *testing.T, text, needle string) {
		if needle == "" {
			return
		}
		var want []int32
		for off := 0; ; {
			i := bytes.Index([]byte(text[off:]), []byte(needle))
			if i < 0 {
				break
			}
			want = append(want, int32(off+i))
			off += i + 1
		}
		if got := indexAll(nil, []byte(text), []byte(needle), rarest([]byte(needle))); !slices.Equal(got, want) {
			t.Fatalf("indexAll(%q, %q) = %v, want %v", text, needle, got, want)
		}
	})
}

// FuzzFormsAt checks that formsAt finds a company's name wherever it is a
// whole word, and only where the text holds it: the mentions the
// classifier reads, whether it looks among the words or through the text.
func FuzzFormsAt(f *testing.F) {
	for _, seed := range []struct{ text, company string }{
		{"Total rachète TotalEnergies, total", "Total SA"},
		{"L'Oréal et l’Oréal", "L'Oréal"},
		{"«Renault» et Renault Trucks", "Renault Trucks"},
		{"M6 et m6m, 3M0 et x3m", "M6"},
		{"acme0 acme0m", "Acme0"},
		{"M6 Kerloc et m6 kerloc, m6kerloc", "M6 Kerloc"},
		{"Atlas Copco, atlas", "Atlas Copco AB"},
	} {
		f.Add(seed.text, seed.company)
	}
	c := testClassifier(f)
	f.Fuzz(func(t *testing.T, text, company string) {
		if company == "" {
			return
		}
		sc := new(scratch)
		cn := companyForms(sc, company)
		if len(cn.forms[0]) == 0 {
			return
		}
		var fl field
		fl.prepare(text, true)
		_, _, _, seen := c.terms.scan(fl.text, cn.first, nil, nil, nil, nil)
		var at [2][]int32
		formsAt(&at, &fl, seen, cn)
		for k, form := range cn.forms[:cn.n] {
			all := indexAll(nil, fl.text, form, rarest(form))
			for _, s := range at[k] {
				if !slices.Contains(all, s) {
					t.Fatalf("%q in %q: found at %d, where the text does not hold it (%v)", form, fl.text, s, all)
				}
			}
			for _, s := range all {
				if wholeWord(fl.text, int(s), int(s)+len(form)) && !slices.Contains(at[k], s) {
					t.Fatalf("%q in %q: whole word at %d not found (%v)", form, fl.text, s, at[k])
				}
			}
		}
	})
}

// A classification reads back from its JSON as it was: the evidence list
// in taxonomy order, Keyword last.
func TestClassificationJSONRoundTrip(t *testing.T) {
	c := testClassifier(t)
	for _, in := range []Input{
		{Title: "Kerloc Industries lève 8 millions d'euros et recrute 40 personnes pour son usine de Brest", Lang: "fr", Company: "Kerloc Industries"},
		{Title: "Northgate Composites closes £12m Series B", Lang: "en", Company: "Northgate Composites"},
		{Title: "Nos horaires d'été", Lang: "fr"},
	} {
		want := c.Classify(in)
		b, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		var got Classification
		if err := json.Unmarshal(b, &got); err != nil {
			t.Fatalf("%s: %v", b, err)
		}
		if !slices.Equal(got.Labels, want.Labels) || !reflect.DeepEqual(got.Evidence.Map(), want.Evidence.Map()) {
			t.Errorf("%q: read back %+v from %s, want %+v", in.Title, got, b, want)
		}
	}
	var e EvidenceList
	if err := json.Unmarshal([]byte(`{"zz":[{"term":"x","field":"title","offset":0}],"keyword":[],"hr_moves":[]}`), &e); err != nil ||
		len(e.given) != 3 || e.given[0].Label != HRMoves || e.given[1].Label != Keyword || e.given[2].Label != "zz" {
		t.Errorf("order of an evidence list read back: %+v, %v", e, err)
	}
}

// TestNameCache asks for more company names than the cache holds, from
// several goroutines at once, so that names share sets and take each
// other's slots: each must still get its own forms.
func TestNameCache(t *testing.T) {
	var nc nameCache
	names := make([]string, 3<<nameBits)
	for i := range names {
		names[i] = fmt.Sprintf("Société %d Conserves SAS", i)
	}
	names = append(names, "A", "AB", "ABC", "Le Monde SA", "Groupe")
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			sc := new(scratch)
			for round := range 2 {
				for i := range names {
					name := names[(i*(2*g+1)+round)%len(names)]
					got := nc.get(sc, name)
					want := companyForms(new(scratch), name)
					if got.name != name || got.n != want.n || got.rare != want.rare ||
						!bytes.Equal(got.forms[0], want.forms[0]) || !bytes.Equal(got.forms[1], want.forms[1]) {
						t.Errorf("%q: forms %q (of %q), want %q", name, got.forms[:got.n], got.name, want.forms[:want.n])
						return
					}
				}
			}
		})
	}
	wg.Wait()
}

// The label lists name the labels in taxonomy order, each list capped,
// and the list of no label is empty, not nil, so JSON writes [].
func TestLabelLists(t *testing.T) {
	if got := labelLists[1<<nLabels-1]; !slices.Equal(got, Labels()) || cap(got) != len(got) || labelLists[0] == nil {
		t.Errorf("label lists: all %v (cap %d), none %#v", got, cap(got), labelLists[0])
	}
}

// A classification decoded over one the classifier made leaves the shared
// label lists as they are.
func TestDecodeOverSharedLabels(t *testing.T) {
	c := testClassifier(t)
	in := Input{Title: "Kerloc recrute 40 ingénieurs et lève 12 M€", Company: "Kerloc"}
	cls := c.Classify(in)
	want := slices.Clone(cls.Labels)
	if len(want) < 2 {
		t.Fatalf("labels %v: the item should carry two", want)
	}
	if err := json.Unmarshal([]byte(`{"labels":["x","x"],"evidence":{}}`), &cls); err != nil {
		t.Fatal(err)
	}
	if got := c.Classify(in).Labels; !slices.Equal(got, want) {
		t.Errorf("after a decode over a classification: %v, want %v", got, want)
	}
}
