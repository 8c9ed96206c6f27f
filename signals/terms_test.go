package signals

import (
	"bytes"
	"cmp"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// naiveHits is what terms.scan must find: every whole-word occurrence of
// every pattern, by end then start.
func naiveHits(patterns []string, text []byte) []termHit {
	var hits []termHit
	for start := range text {
		for p, pat := range patterns {
			if end := start + len(pat); bytes.HasPrefix(text[start:], []byte(pat)) && wholeWord(text, start, end) {
				hits = append(hits, termHit{pattern: int32(p), start: int32(start), end: int32(end)})
			}
		}
	}
	slices.SortFunc(hits, func(x, y termHit) int {
		return cmp.Or(cmp.Compare(x.end, y.end), cmp.Compare(x.start, y.start))
	})
	return hits
}

func checkFind(t *testing.T, m *terms, patterns []string, s string) {
	t.Helper()
	var f field
	f.prepare(s, true)
	_, got, _, _ := m.scan(f.text, 0, nil, nil, nil, nil)
	if want := naiveHits(patterns, f.text); !slices.Equal(got, want) {
		t.Fatalf("scan(%q) = %v, want %v", f.text, got, want)
	}
}

// findPatterns are short terms that overlap, nest and share prefixes and
// suffixes, with the digit, punctuation and non-ASCII edges of real terms
// and keywords.
var findPatterns = []string{"lance", "lance un plan", "un plan", "plan de", "plan", "an", "0 m", "leve 0", "0er trimestre", "+ 0", "r&d", "l'usine", "usine", "s", "e", "ss", "0m", "m", "co0", "u.k.", "outside the u.s.", "a", "ωx", "x™", "™"}

func TestFind(t *testing.T) {
	m := newTerms(findPatterns)
	texts := []string{
		"", "s", "e s", "Lance", "relance", "lancement", "il lance un plan de 12 M€", "lance un plan", "plan de plan de plan",
		"Leve 12,5 M€ au 1er trimestre", "+ 3", "R&D, l'usine", "ss sss s-s", "élance", "usine\u00a0usine",
		"raises $40m", "40m", "a0m", "m0 m", "CO2 co2x", "U.K.-based, outside the U.S.A.", "ΩX ωx xω x™ ™x a™a",
		"lance  un plan", "lance\u2002un plan", "a\u0663a \u0663m", "bad \xff byte", "l’usine",
		strings.Repeat("lance un plan de l'usine ", 20), strings.Repeat("a", 100) + " lance",
	}
	for _, it := range readJSONL(t, filepath.Join("testdata", "examples.jsonl")) {
		texts = append(texts, it.Title, it.Summary, it.Title+" "+it.Summary)
	}
	for _, s := range texts {
		checkFind(t, m, findPatterns, s)
	}
}

// TestFindSharedNode checks patterns whose tokens end at one trie node:
// gaps of two spaces or more read the same, so both patterns below end at
// one node, and report compares the text with each, not only with one.
func TestFindSharedNode(t *testing.T) {
	patterns := []string{"a  b", "a   b", "b"}
	m := newTerms(patterns)
	if m.lookup(pairEdgeKey(hashBytes(hashStart(nsWord), []byte("a")), 2, hashBytes(hashStart(nsWord), []byte("b")))).one >= 0 {
		t.Fatalf("%q share no node", patterns[:2])
	}
	for _, s := range []string{"a  b", "a   b", "a b a  b x a   b", "a    b"} {
		_, got, _, _ := m.scan([]byte(s), 0, nil, nil, nil, nil)
		if want := naiveHits(patterns, []byte(s)); !slices.Equal(got, want) {
			t.Fatalf("scan(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestFindLexicon checks the embedded lexicon's terms on the corpus.
func TestFindLexicon(t *testing.T) {
	c := testClassifier(t)
	for _, it := range readJSONL(t, filepath.Join("testdata", "train", "dev.jsonl"))[:60] {
		checkFind(t, c.terms, c.terms.patterns, it.Title+" "+it.Summary)
	}
}

func FuzzFind(f *testing.F) {
	for _, s := range []string{"il lance un plan de 12 M€", "R&D, l'usine", "ss sss s-s", strings.Repeat("lance un plan ", 8), "raises $40m a0m", "ΩX x™"} {
		f.Add(s)
	}
	m := newTerms(findPatterns)
	f.Fuzz(func(t *testing.T, s string) {
		checkFind(t, m, findPatterns, s)
	})
}

// indexHits is naiveHits by another road: each pattern's occurrences found
// with bytes.Index, kept where they are whole words.
func indexHits(patterns []string, text []byte) []termHit {
	var hits []termHit
	for p, pat := range patterns {
		for off := 0; off < len(text); {
			i := bytes.Index(text[off:], []byte(pat))
			if i < 0 {
				break
			}
			if start := off + i; wholeWord(text, start, start+len(pat)) {
				hits = append(hits, termHit{pattern: int32(p), start: int32(start), end: int32(start + len(pat))})
			}
			off += i + 1
		}
	}
	slices.SortFunc(hits, func(x, y termHit) int {
		return cmp.Or(cmp.Compare(x.end, y.end), cmp.Compare(x.start, y.start), cmp.Compare(x.pattern, y.pattern))
	})
	return hits
}

// lexiconJoins are what FuzzFindLexicon puts between two lexicon phrases:
// the spaces, punctuation, apostrophes, digits and letters that let
// phrases follow, overlap, glue to a word or be cut by a clause.
var lexiconJoins = []string{" ", " ", ", ", "", "-", "'", "’", ". ", "  ", "\u00a0", " 12 ", "x", "é", "0", " l'", " de ", " (", ") "}

// FuzzFindLexicon checks the phrase trie against indexHits on text made
// of the embedded lexicon's own phrases, chosen and joined by the fuzzer's
// bytes, so that phrases meet, nest and share words as news has them.
func FuzzFindLexicon(f *testing.F) {
	for _, seed := range [][]byte{{0, 1, 2, 3}, {9, 9, 0, 7, 7, 1}, []byte("lance un plan de l'usine"), bytes.Repeat([]byte{1, 2, 3, 4, 5, 6, 7}, 6)} {
		f.Add(seed)
	}
	c := testClassifier(f)
	patterns := c.terms.patterns
	f.Fuzz(func(t *testing.T, data []byte) {
		var b strings.Builder
		for k := 0; k+3 <= len(data) && k < 90; k += 3 {
			b.WriteString(patterns[(int(data[k])<<8|int(data[k+1]))%len(patterns)])
			b.WriteString(lexiconJoins[int(data[k+2])%len(lexiconJoins)])
		}
		var fl field
		fl.prepare(b.String(), true)
		_, got, _, _ := c.terms.scan(fl.text, 0, nil, nil, nil, nil)
		if want := indexHits(patterns, fl.text); !slices.Equal(got, want) {
			t.Fatalf("scan(%q) = %v, want %v", fl.text, got, want)
		}
	})
}

// TestTermsCache checks that equal pattern lists share one matcher, that
// lists differing only in where one pattern ends do not, and that the
// least recently used matcher goes first when the cache is full.
func TestTermsCache(t *testing.T) {
	base := []string{"cache test a", "cache test b"}
	m := newTerms(base)
	if newTerms(slices.Clone(base)) != m {
		t.Error("an equal pattern list builds a second matcher")
	}
	if other := newTerms([]string{"cache test ac", "ache test b"}); other == m {
		t.Error("a different pattern list gets the first list's matcher")
	} else {
		checkFind(t, other, []string{"cache test ac", "ache test b"}, "la cache test ac ache test b")
	}
	newTerms(base)
	for i := range termsCacheSize - 1 {
		newTerms([]string{"cache test filler", strings.Repeat("x", i+1)})
	}
	if newTerms(base) != m {
		t.Errorf("the matcher used %d lists ago was dropped", termsCacheSize)
	}
	for i := range termsCacheSize {
		newTerms([]string{"cache test evict", strings.Repeat("y", i+1)})
	}
	if newTerms(base) == m {
		t.Errorf("the cache keeps more than %d matchers", termsCacheSize)
	}
}

// plainWords is what scan's words must be: the runs of isWordByte bytes,
// each with its hash, read a byte at a time.
func plainWords(text []byte) (ws []word) {
	for i := 0; i < len(text); {
		if !isWordByte[text[i]] {
			i++
			continue
		}
		s := i
		for i < len(text) && isWordByte[text[i]] {
			i++
		}
		ws = append(ws, word{start: int32(s), end: int32(i), h: hashBytes(hashStart(nsWord), text[s:i])})
	}
	return ws
}

// FuzzScanWords checks scan's words, whose letters it reads eight at a
// time, against plainWords, on raw bytes and on prepared text.
func FuzzScanWords(f *testing.F) {
	for _, s := range []string{"", "a", "abcdefgh", "abcdefghi jklmnopqrstuvw", "lancement0 0m abcdefg\u00e9h", "x\x7f\x80yz{`a", "ωxabcdefghijk™abcdefgh"} {
		f.Add(s)
	}
	m := newTerms(findPatterns)
	f.Fuzz(func(t *testing.T, s string) {
		var fl field
		fl.prepare(s, true)
		for _, text := range [][]byte{[]byte(s), fl.text} {
			if ws, _, _, _ := m.scan(text, 0, nil, nil, nil, nil); !slices.Equal(ws, plainWords(text)) {
				t.Fatalf("scan(%q) words %v, want %v", text, ws, plainWords(text))
			}
		}
	})
}

// TestGeneralPunctuation checks what wideRuneKind assumes: General
// Punctuation holds no letter or digit.
func TestGeneralPunctuation(t *testing.T) {
	for r := rune(0x2000); r < 0x2070; r++ {
		if isLetter(r) || isDigit(r) {
			t.Fatalf("%U is a letter or digit", r)
		}
	}
}
