package signals

import (
	"bytes"
	"cmp"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// naiveHits is what dfa.scan must find, once wholeWord has checked its
// hits: every whole-word occurrence of every pattern, by end then start.
func naiveHits(patterns []string, text []byte) []dfaHit {
	var hits []dfaHit
	for start := range text {
		for p, pat := range patterns {
			if end := start + len(pat); bytes.HasPrefix(text[start:], []byte(pat)) && wholeWord(text, start, end) {
				hits = append(hits, dfaHit{pattern: int32(p), start: int32(start), end: int32(end)})
			}
		}
	}
	slices.SortFunc(hits, func(x, y dfaHit) int {
		return cmp.Or(cmp.Compare(x.end, y.end), cmp.Compare(x.start, y.start))
	})
	return hits
}

func checkScan(t *testing.T, d *dfa, patterns []string, s string) {
	t.Helper()
	var f field
	f.prepare(s, true)
	var got []dfaHit
	for _, h := range d.scan(nil, d.offsets(nil, f.text)) {
		if wholeWord(f.text, int(h.start), int(h.end)) {
			got = append(got, h)
		}
	}
	if want := naiveHits(patterns, f.text); !slices.Equal(got, want) {
		t.Fatalf("scan(%q) = %v, want %v", f.text, got, want)
	}
}

// scanPatterns are short terms that overlap, nest and share prefixes and
// suffixes, with the digit and punctuation edges of real terms.
var scanPatterns = []string{"lance", "lance un plan", "un plan", "plan de", "plan", "an", "0 m", "leve 0", "0er trimestre", "+ 0", "r&d", "l'usine", "usine", "s", "e", "ss"}

func TestScan(t *testing.T) {
	for _, d := range []*dfa{newDFA(scanPatterns), buildDFA(scanPatterns, 0)} {
		testScan(t, d)
	}
}

// testScan checks d, whichever its table's width.
func testScan(t *testing.T, d *dfa) {
	if d.narrow == nil && d.wide == nil {
		t.Fatal("the automaton has no table")
	}
	texts := []string{
		"", "s", "e s", "Lance", "relance", "lancement", "il lance un plan de 12 M€", "lance un plan", "plan de plan de plan",
		"Leve 12,5 M€ au 1er trimestre", "+ 3", "R&D, l'usine", "ss sss s-s", "élance", "usine\u00a0usine",
		strings.Repeat("lance un plan de l'usine ", 20), strings.Repeat("a", 100) + " lance",
	}
	for _, it := range readJSONL(t, filepath.Join("testdata", "examples.jsonl")) {
		texts = append(texts, it.Title, it.Summary, it.Title+" "+it.Summary)
	}
	for _, s := range texts {
		checkScan(t, d, scanPatterns, s)
	}
	// Every length, so that the parts' boundaries fall everywhere in the
	// terms.
	long := strings.Repeat("il lance un plan de 3 M€ au 1er trimestre pour l'usine, ", 4)
	for i := range len(long) {
		checkScan(t, d, scanPatterns, long[:i])
	}
}

func FuzzScan(f *testing.F) {
	for _, s := range []string{"il lance un plan de 12 M€", "R&D, l'usine", "ss sss s-s", strings.Repeat("lance un plan ", 8)} {
		f.Add(s)
	}
	d := newDFA(scanPatterns)
	f.Fuzz(func(t *testing.T, s string) {
		checkScan(t, d, scanPatterns, s)
	})
}

// TestDFACache checks that equal pattern lists share one automaton, that
// lists differing only in where one pattern ends do not, and that the
// least recently used automaton goes first when the cache is full.
func TestDFACache(t *testing.T) {
	base := []string{"cache test a", "cache test b"}
	d := newDFA(base)
	if newDFA(slices.Clone(base)) != d {
		t.Error("an equal pattern list builds a second automaton")
	}
	if other := newDFA([]string{"cache test ac", "ache test b"}); other == d {
		t.Error("a different pattern list gets the first list's automaton")
	} else {
		checkScan(t, other, []string{"cache test ac", "ache test b"}, "la cache test ac ache test b")
	}
	newDFA(base)
	for i := range dfaCacheSize - 1 {
		newDFA([]string{"cache test filler", strings.Repeat("x", i+1)})
	}
	if newDFA(base) != d {
		t.Errorf("the automaton used %d lists ago was dropped", dfaCacheSize)
	}
	for i := range dfaCacheSize {
		newDFA([]string{"cache test evict", strings.Repeat("y", i+1)})
	}
	if newDFA(base) == d {
		t.Errorf("the cache keeps more than %d automata", dfaCacheSize)
	}
}
