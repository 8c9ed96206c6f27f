package signals

import (
	"encoding/binary"
	"iter"
	"maps"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// StoryTextMax bounds how much of an item's summary the same-story test
// reads, and how much of it the store keeps for a rescan: a newsroom post
// and the article about it tell their event in the first paragraphs, and
// a bound keeps both the comparison and the stored text small.
const StoryTextMax = 2048

// maxShingles bounds the word pairs a print keeps (the first ones, in the
// summary's order: the lede), so a print stays a few hundred bytes however
// long the summary.
const maxShingles = 64

// Figure kinds, in a figure's top bits: amounts (a currency or a
// multiplier: "12 M€", "£28m", "12 millions d'euros"), percentages, and
// plain counts ("80 emplois", "120 salariés").
const (
	figureAmount  uint64 = 1 << 62
	figurePercent uint64 = 2 << 62
	figureCount   uint64 = 3 << 62
	figureKind           = 3 << 62
)

// StoryPrint is an item prepared for the same-story test: what in its
// title and summary tells which event it reports, whatever the outlet's
// wording or language. It is computed once per item and stored with the
// story, so a new item is compared with a lead's recent stories without
// their text. Hashes are FNV-1a of folded words; slices are sorted and
// unique.
type StoryPrint struct {
	Title    []uint32 // the title's words of three letters or more
	Shingles []uint32 // consecutive word pairs of the summary (titles compare by their words)
	Figures  []uint64 // amounts, percentages and counts, in hundredths, kind in the top bits
	Entities []uint32 // capitalised names other than the company's own
}

// NewStoryPrint prepares an item about company (whose own name is left out
// of the names compared: both items carry it). Only the first
// StoryTextMax bytes of summary are read.
func NewStoryPrint(title, summary, company string) StoryPrint {
	summary = TruncateText(summary, StoryTextMax)
	sc := printScratches.Get().(*printScratch)
	defer printScratches.Put(sc)
	ftitle, fsummary := sc.fold(title, summary)
	hs := sc.hashes[:0]
	for i := 0; ; {
		start, end := nextWord(ftitle, i)
		if start == end {
			break
		}
		if w := ftitle[start:end]; !shortWord(w) {
			hs = append(hs, hash32(fnvOffset, w))
		}
		i = end
	}
	nTitle := len(hs)
	// A pair hashes the word before, a space, then the word: the hash of
	// the first two is carried on from word to word. The pairs past
	// maxShingles are not kept, so the words past them are not read.
	var prev uint32
	first := true
	for i := 0; ; {
		start, end := nextWord(fsummary, i)
		if start == end {
			break
		}
		i = end
		w := fsummary[start:end]
		if shortWord(w) {
			continue // articles, prepositions: they pair with anything
		}
		pair, h := hash32Pair(prev, fnvOffset, w)
		if !first {
			hs = append(hs, pair)
			if len(hs)-nTitle == maxShingles {
				break
			}
		}
		prev, first = hash32(h, " "), false
	}
	nShingles := len(hs) - nTitle
	sc.companyWords(company)
	hs = sc.appendEntities(sc.appendEntities(hs, title), summary)
	sc.hashes = hs
	figures := appendFigures(appendFigures(sc.figures[:0], ftitle), fsummary)
	sc.figures = figures
	// The three lists share one array, each capped at its length: a print
	// is kept until the store writes it, and one allocation of its size
	// holds less than three grown ones.
	title32, shingles, entities := sortedUnique(hs[:nTitle]), sortedUnique(hs[nTitle:nTitle+nShingles]), sortedUnique(hs[nTitle+nShingles:])
	all := make([]uint32, 0, len(title32)+len(shingles)+len(entities))
	all = append(append(append(all, title32...), shingles...), entities...)
	a, b := len(title32), len(title32)+len(shingles)
	p := StoryPrint{Title: all[:a:a], Shingles: all[a:b:b], Entities: all[b:]}
	if len(figures) > 0 {
		slices.Sort(figures)
		p.Figures = slices.Clone(slices.Compact(figures))
	}
	return p
}

// printScratch holds what a print is worked out in: the folded title and
// summary, the hashes and figures before they are sorted, the company's
// folded words and a word being folded. Prints are made in parallel by
// the fetch workers, so each takes its own from printScratches.
type printScratch struct {
	ftitle, fsummary, fcompany, word []byte
	hashes, companyHashes            []uint32
	figures                          []uint64
	company                          []string
}

var printScratches = sync.Pool{New: func() any { return new(printScratch) }}

// fold returns the folds of title and summary (Fold), in sc's buffers:
// they are read while the print is made, and none of them is kept.
func (sc *printScratch) fold(title, summary string) (string, string) {
	return sc.foldInto(&sc.ftitle, title), sc.foldInto(&sc.fsummary, summary)
}

func (sc *printScratch) foldInto(buf *[]byte, s string) string {
	i := 0
	for i+8 <= len(s) && byteMask(load8(s, i), 'A', 'Z')|load8(s, i)&high8 == 0 {
		i += 8
	}
	for i < len(s) && s[i] < utf8.RuneSelf && (s[i] < 'A' || s[i] > 'Z') {
		i++
	}
	if i == len(s) {
		return s // already folded (plainASCII)
	}
	*buf = foldRuns(append((*buf)[:0], s[:i]...), s[i:])
	return unsafe.String(unsafe.SliceData(*buf), len(*buf))
}

// foldRuns appends the fold of s to dst (foldAppend), its ASCII text
// lower-cased eight bytes at a time.
func foldRuns(dst []byte, s string) []byte {
	for i := 0; i < len(s); {
		for i+8 <= len(s) {
			// The eight bytes are lower-cased and written out, and those
			// from the first non-ASCII one on taken back.
			x, n, k := load8(s, i), 8, len(dst)
			if m := x & high8; m != 0 {
				n = firstByte(m)
			}
			dst = binary.LittleEndian.AppendUint64(dst, x|byteMask(x, 'A', 'Z')>>2)[:k+n]
			i += n
			if n < 8 {
				break
			}
		}
		if i == len(s) {
			break
		}
		if c := s[i]; c < utf8.RuneSelf {
			dst = append(dst, lowerASCII(c))
			i++
			continue
		}
		if f, ok := commonFold(s, i); ok {
			dst = append(dst, f.fold...)
			i += f.size
			continue
		}
		f, size := foldNext(s, i)
		dst = append(dst, f...)
		i += size
	}
	return dst
}

// commonFold returns foldNext's fold of the rune at s[i] when it is one
// of commonFolds, read from its bytes with no decoding.
func commonFold(s string, i int) (*runeFold, bool) {
	c := s[i]
	switch {
	case 0xc2 <= c && c <= 0xc5 && i+1 < len(s) && s[i+1]&0xc0 == 0x80:
		f := &commonFolds[int(c-0xc2)<<6|int(s[i+1]&0x3f)]
		return f, f.size > 0
	case c == 0xe2 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2]&0xc0 == 0x80:
		f := &commonFolds[4<<6|int(s[i+2]&0x3f)]
		return f, f.size > 0
	}
	return nil, false
}

// runeFold is a rune's fold and its size in bytes; a size of 0 is no
// fold from the table (foldNext reads the rune).
type runeFold struct {
	fold string
	size int
}

// commonFolds holds the table's folds (foldRune) of U+0080–U+017F, the
// Latin-1 and Latin Extended-A runes of French and English news, then of
// U+2000–U+203F, their punctuation (’ “ ” – …).
var commonFolds = func() (t [5 << 6]runeFold) {
	for k := range t {
		r := rune(0x80 + k)
		if k >= 4<<6 {
			r = rune(0x2000 + k - 4<<6)
		}
		if f, ok := tableRune(r); ok {
			t[k] = runeFold{f, utf8.RuneLen(r)}
		}
	}
	return t
}()

// load8 reads s[i:i+8] as a little-endian word, its first byte lowest:
// eight bytes are read as one where most of a text is skipped or copied
// (ASCII letters, no capital, no digit).
func load8(s string, i int) uint64 {
	return binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(s[i:]), 8))
}

// byteMask has the top bit of each byte of x that is in lo..hi (both
// ASCII) set, the other bits clear. Each byte's low seven bits plus
// 0x80-lo carry into its top bit when they are lo or more, and never past
// it.
func byteMask(x uint64, lo, hi byte) uint64 {
	t := x &^ high8
	return (t + ones8*uint64(0x80-lo)) &^ (t + ones8*uint64(0x80-hi-1)) &^ x & high8
}

// firstByte is the index of the lowest byte of a mask byteMask returned.
func firstByte(m uint64) int { return bits.TrailingZeros64(m) / 8 }

// companyWords sets sc.company to the words of company's fold, which no
// entity is, and sc.companyHashes to their hashes.
func (sc *printScratch) companyWords(company string) {
	sc.company, sc.companyHashes = sc.company[:0], sc.companyHashes[:0]
	for w := range words(sc.foldInto(&sc.fcompany, company)) {
		sc.company = append(sc.company, w)
		sc.companyHashes = append(sc.companyHashes, hash32(fnvOffset, w))
	}
}

// TitleStoryPrint prepares a stored story known by its title alone (one
// stored before the store kept prints).
func TitleStoryPrint(title, company string) StoryPrint { return NewStoryPrint(title, "", company) }

// Thresholds of the same-story test (SameStory).
const (
	// sameTitle: titles this similar (Jaccard index of their words) are
	// one story, as another outlet's rewrite of the headline.
	sameTitle = 0.6
	// sameText: this share of the shorter text's word pairs found in the
	// other is one story (an article quoting the press release).
	sameText = 0.5
	// minShingles: a summary with fewer word pairs is too short to compare
	// by its pairs alone: two one-line items on one company share most of
	// their few pairs ("ouvre une usine à Rennes, lot 2" and "lot 3").
	minShingles = 8
	// closeTitle, closeText: a shared figure with titles or texts this
	// close is one story.
	closeTitle = 0.3
	closeText  = 0.25
)

// SameStory reports whether two items about one company, seen close in
// time (the caller bounds that: StoryWindow), report the same event:
//
//   - never when both give amounts or percentages and share none (two
//     fundraises, two results: "lève 5 M€" and "lève 12 M€" are two
//     stories, however alike the headlines);
//   - when their titles are alike (sameTitle), or the shorter summary's
//     word pairs are mostly in the other (sameText);
//   - when they share two figures ("12 M€" and "80 emplois"), or one
//     figure and a name besides the company's ("Bpifrance"), or an amount
//     or a percentage and close wording: how one event reads in a French
//     newsroom post and an English trade article.
func SameStory(a, b StoryPrint) bool {
	shared, measures := 0, [2]bool{}
	sharedMeasure, sharedEntity := false, false
	for i, j := 0, 0; i < len(a.Figures) || j < len(b.Figures); {
		switch {
		case j == len(b.Figures) || (i < len(a.Figures) && a.Figures[i] < b.Figures[j]):
			measures[0] = measures[0] || measure(a.Figures[i])
			i++
		case i == len(a.Figures) || b.Figures[j] < a.Figures[i]:
			measures[1] = measures[1] || measure(b.Figures[j])
			j++
		default:
			shared++
			m := measure(a.Figures[i])
			sharedMeasure = sharedMeasure || m
			measures[0], measures[1] = measures[0] || m, measures[1] || m
			i++
			j++
		}
	}
	if measures[0] && measures[1] && !sharedMeasure {
		return false
	}
	title := jaccard(a.Title, b.Title)
	text := 0.0
	if n := min(len(a.Shingles), len(b.Shingles)); n >= minShingles {
		text = float64(intersect(a.Shingles, b.Shingles)) / float64(n)
	}
	if shared > 0 {
		sharedEntity = intersect(a.Entities, b.Entities) > 0
	}
	switch {
	case title >= sameTitle, text >= sameText, shared >= 2:
		return true
	case sharedMeasure:
		return sharedEntity || title >= closeTitle || text >= closeText
	case shared == 1:
		return sharedEntity // a count alone is weak: two hiring campaigns may both be of 50
	}
	return false
}

// measure reports whether a figure is an amount or a percentage: figures
// that tell one event from another of the same kind.
func measure(f uint64) bool { k := f & figureKind; return k == figureAmount || k == figurePercent }

func jaccard(a, b []uint32) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	n := intersect(a, b)
	return float64(n) / float64(len(a)+len(b)-n)
}

// intersect counts the values two sorted, unique slices share.
func intersect(a, b []uint32) int {
	n := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			n++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return n
}

func sortedUnique(s []uint32) []uint32 {
	switch {
	case len(s) <= 16:
		insertionSort(s)
	case len(s) <= maxShingles:
		bucketSort(s)
	default:
		slices.Sort(s)
	}
	return slices.Compact(s)
}

// bucketSort sorts up to maxShingles hashes: by their top six bits into
// 64 buckets, then by insertion, which has little to move since hashes
// spread evenly over the buckets.
func bucketSort(s []uint32) {
	var starts [65]uint8
	var sorted [maxShingles]uint32
	for _, v := range s {
		starts[v>>26+1]++
	}
	for k := 1; k < len(starts); k++ {
		starts[k] += starts[k-1]
	}
	for _, v := range s {
		sorted[starts[v>>26]] = v
		starts[v>>26]++
	}
	copy(s, sorted[:len(s)])
	insertionSort(s)
}

// insertionSort sorts s. A print's lists are short (a title's words,
// up to maxShingles pairs, a few names), where it costs less than
// slices.Sort's partitions.
func insertionSort(s []uint32) {
	for i := 1; i < len(s); i++ {
		v, j := s[i], i
		for ; j > 0 && s[j-1] > v; j-- {
			s[j] = s[j-1]
		}
		s[j] = v
	}
}

// hash32 goes on hashing s from h with FNV-1a (the model's constants;
// fnvOffset to start), without converting s.
func hash32[T string | []byte](h uint32, s T) uint32 {
	for i := 0; i < len(s); i++ {
		h ^= uint32(s[i])
		h *= fnvPrime
	}
	return h
}

// hash32Pair goes on hashing s from h1 and from h2 at once (hash32).
func hash32Pair(h1, h2 uint32, s string) (uint32, uint32) {
	for i := 0; i < len(s); i++ {
		h1 = (h1 ^ uint32(s[i])) * fnvPrime
		h2 = (h2 ^ uint32(s[i])) * fnvPrime
	}
	return h1, h2
}

// words yields each run of letters and digits of s (nextWord).
func words(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := 0; ; {
			start, end := nextWord(s, i)
			if start == end || !yield(s[start:end]) {
				return
			}
			i = end
		}
	}
}

// nextWord returns the bounds of the first run of letters and digits of
// s from i on; start == end == len(s) when there is none. Its ASCII bytes
// are told by a table, its other runes decoded.
func nextWord(s string, i int) (start, end int) {
	for i < len(s) && wordClass[s[i]] == 0 {
		i++
	}
	start = i
	for i < len(s) && wordClass[s[i]] == wordByte {
		i++
	}
	if i < len(s) && wordClass[s[i]] == runeByte {
		return nextWordRunes(s, start) // the word or the text before it has other runes
	}
	return start, i
}

// nextWordRunes is nextWord decoding the runes past ASCII.
func nextWordRunes(s string, i int) (start, end int) {
	for i < len(s) {
		c := wordClass[s[i]]
		if c == wordByte {
			break
		}
		if c == runeByte {
			r, n := utf8.DecodeRuneInString(s[i:])
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				break
			}
			i += n
			continue
		}
		i++
	}
	start = i
	for i < len(s) {
		c := wordClass[s[i]]
		if c == wordByte {
			i++
			continue
		}
		if c == runeByte {
			r, n := utf8.DecodeRuneInString(s[i:])
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				i += n
				continue
			}
		}
		break
	}
	return start, i
}

// wordClass tells each byte's part in a word: an ASCII letter or digit
// (wordByte), a byte of a rune to decode (runeByte), or other ASCII.
var wordClass = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = runeByte
		case asciiWord[c]:
			t[c] = wordByte
		}
	}
	return t
}()

const (
	wordByte = 1
	runeByte = 2
)

// asciiWord holds the ASCII letters and digits: unicode.IsLetter and
// IsDigit for the bytes of most text, with no call.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
	}
	return t
}()

// TruncateText cuts s to at most n bytes, at a rune boundary.
func TruncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// appendEntities appends the hashes of text's capitalised words of three
// letters or more that are neither common words (a sentence's first word,
// an English headline's capitals) nor words of the company's own name
// (folded: sc.company). Its words are those of words(text); only the
// capitalised ones are read further. A word's fold is hashed as it is
// read, and written out (in sc.word) only when its hash is one of a
// common word, a stop name or a company word.
func (sc *printScratch) appendEntities(dst []uint32, text string) []uint32 {
	common, filter := commonWords(), nameFilter()
	inWord := false
	for i := 0; i < len(text); {
		// Skip to the next capital or non-ASCII byte, eight bytes at a time.
		for i+8 <= len(text) {
			x := load8(text, i)
			if m := byteMask(x, 'A', 'Z') | x&high8; m != 0 {
				if n := firstByte(m); n > 0 {
					inWord = asciiWord[text[i+n-1]]
					i += n
				}
				break
			}
			inWord = asciiWord[text[i+7]]
			i += 8
		}
		if i == len(text) {
			break
		}
		c := text[i]
		if c < utf8.RuneSelf {
			if !asciiWord[c] {
				inWord = false
				i++
				continue
			}
			if inWord || c < 'A' || c > 'Z' {
				inWord = true
				i++
				continue
			}
		} else {
			r, n := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				inWord = false
				i += n
				continue
			}
			if inWord || !unicode.IsUpper(r) {
				inWord = true
				i += n
				continue
			}
		}
		// A capitalised word starts at i: read it to its end.
		w := wordAt(text, i)
		i += len(w)
		inWord = false // the byte after a word is none of its letters
		if shortWord(w) {
			continue
		}
		h := foldHash(w)
		if filter.has(h) || slices.Contains(sc.companyHashes, h) {
			sc.word = foldRuns(sc.word[:0], w)
			if f := sc.word; common[string(f)] || stopNames[string(f)] || isOneOf(f, sc.company) {
				continue
			}
		}
		dst = append(dst, h)
	}
	return dst
}

// foldHash returns the hash of w's fold (hash32 of foldRuns) without
// writing the fold: it reads w as foldRuns does, a byte or a rune at a
// time.
func foldHash(w string) uint32 {
	h := uint32(fnvOffset)
	for i := 0; i < len(w); {
		if c := w[i]; c < utf8.RuneSelf {
			h = (h ^ uint32(lowerASCII(c))) * fnvPrime
			i++
			continue
		}
		if f, ok := commonFold(w, i); ok {
			h = hash32(h, f.fold)
			i += f.size
			continue
		}
		f, size := foldNext(w, i)
		h = hash32(h, f)
		i += size
	}
	return h
}

// nameFilter holds the hashes of the common words and stop names, which
// most capitalised words are not: those are kept with no map lookup. It
// is a bit set of the shape the term matcher passes words over with.
var nameFilter = sync.OnceValue(func() *startSet {
	f := new(startSet)
	for _, m := range []map[string]bool{commonWords(), stopNames} {
		for w := range m {
			f.add(hash32(fnvOffset, w))
		}
	}
	return f
})

// wordAt returns the run of letters and digits of s that starts at i.
func wordAt(s string, i int) string {
	start, end := nextWord(s, i)
	return s[start:end]
}

// shortWord reports whether w has two runes or fewer: most words tell
// by their length alone.
func shortWord(w string) bool {
	switch {
	case len(w) <= 2:
		return true
	case len(w) > 2*utf8.UTFMax, w[0]|w[1]|w[2] < utf8.RuneSelf:
		return false // three runes at least
	}
	return utf8.RuneCountInString(w) <= 2
}

// isOneOf reports whether w is one of ws.
func isOneOf(w []byte, ws []string) bool {
	for _, x := range ws {
		if x == string(w) {
			return true
		}
	}
	return false
}

// stopNames are capitalised words of news that name no party to an event:
// days, months, and words headlines capitalise.
var stopNames = map[string]bool{
	"lundi": true, "mardi": true, "mercredi": true, "jeudi": true, "vendredi": true, "samedi": true, "dimanche": true,
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true, "friday": true, "saturday": true, "sunday": true,
	"janvier": true, "fevrier": true, "avril": true, "juin": true, "juillet": true, "aout": true, "septembre": true,
	"octobre": true, "novembre": true, "decembre": true, "january": true, "february": true, "march": true, "april": true,
	"june": true, "july": true, "august": true, "september": true, "october": true, "november": true, "december": true,
	"france": true, "french": true, "europe": true, "european": true,
}

// Figure parsing. Multipliers after a number, in folded text.
var multipliers = map[string]float64{
	"k": 1e3, "mille": 1e3, "thousand": 1e3,
	"m": 1e6, "mn": 1e6, "mio": 1e6, "million": 1e6, "millions": 1e6,
	"md": 1e9, "mds": 1e9, "mrd": 1e9, "mrds": 1e9, "milliard": 1e9, "milliards": 1e9, "bn": 1e9, "billion": 1e9, "billions": 1e9,
}

// Currency words and symbols, after or before a number.
var currencies = map[string]bool{
	"€": true, "$": true, "£": true, "eur": true, "euro": true, "euros": true, "usd": true, "dollar": true, "dollars": true,
	"gbp": true, "livres": true, "pounds": true, "chf": true,
}

// currencySymbols are the currencies that are no word, which may also
// come before a number ("$12m").
var currencySymbols = func() (syms []string) {
	for sym := range currencies {
		if r, _ := utf8.DecodeRuneInString(sym); !unicode.IsLetter(r) {
			syms = append(syms, sym)
		}
	}
	return syms
}()

// currencySymbolEnds has the last byte of each of currencySymbols: a
// number after another byte has none of them before it.
var currencySymbolEnds = func() (t [256]bool) {
	for _, sym := range currencySymbols {
		t[sym[len(sym)-1]] = true
	}
	return t
}()

// months and hour marks after a number make it a date or a time, not a figure.
var notFigure = map[string]bool{
	"janvier": true, "fevrier": true, "mars": true, "avril": true, "mai": true, "juin": true, "juillet": true, "aout": true,
	"septembre": true, "octobre": true, "novembre": true, "decembre": true, "january": true, "february": true, "march": true,
	"april": true, "may": true, "june": true, "july": true, "august": true, "september": true, "october": true, "november": true,
	"december": true, "h": true, "heures": true, "am": true, "pm": true,
}

// appendFigures appends the figures of folded text: a number, with its
// thousands groups ("1 200", "1,200", "1.200") and decimals ("12,5",
// "12.5"), then a multiplier and a currency or a percent sign, or a
// currency before it. Plain counts under ten, years and dates are left
// out: they tell no event from another.
func appendFigures(dst []uint64, s string) []uint64 {
	for i := 0; i < len(s); {
		if i+8 <= len(s) {
			// Skip to the next digit, eight bytes at a time.
			m := byteMask(load8(s, i), '0', '9')
			if m == 0 {
				i += 8
				continue
			}
			i += firstByte(m)
		}
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
		if before != "" && currencySymbolEnds[before[len(before)-1]] {
			for _, sym := range currencySymbols {
				if strings.HasSuffix(before, sym) {
					kind = figureAmount
				}
			}
		}
		rest := s[end:]
		next, after := nextToken(rest)
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
			next, after = nextToken(rest)
		} else if m, ok := splitMultiplier(next); ok {
			// "12m€", "28mn": the multiplier and the currency glued together.
			value *= m
			kind = figureAmount
			rest = after
			next, after = nextToken(rest)
		}
		switch {
		case next == "%" || next == "percent" || (next == "pour" && strings.HasPrefix(strings.TrimLeft(after, " "), "cent")):
			kind = figurePercent
		case currencies[next] || next == "d" && currencies[firstToken(after)]:
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

// readNumber reads digits from s[i] on: thousands groups separated by a
// space, a dot or a comma (exactly three digits follow), a decimal part
// after a comma or a dot otherwise.
func readNumber(s string, i int) (intPart int64, frac float64, end int, grouped bool) {
	j := i
	for j < len(s) && isASCIIDigit(s[j]) {
		j++
	}
	n, _ := strconv.ParseInt(s[i:j], 10, 64)
	for j+4 <= len(s) && (s[j] == ' ' || s[j] == '.' || s[j] == ',') && allDigits(s[j+1:j+4]) && (j+4 == len(s) || !isASCIIDigit(s[j+4])) && j-i <= 3 {
		v, _ := strconv.ParseInt(s[j+1:j+4], 10, 64)
		n = n*1000 + v
		j += 4
		i = j - 3
		grouped = true
	}
	if j+1 < len(s) && (s[j] == ',' || s[j] == '.') && isASCIIDigit(s[j+1]) {
		k := j + 1
		for k < len(s) && isASCIIDigit(s[k]) {
			k++
		}
		frac, _ = strconv.ParseFloat("0."+s[j+1:k], 64)
		j = k
	}
	return n, frac, j, grouped
}

// nextToken returns the word or symbol that follows s's spaces, and what
// follows it.
func nextToken(s string) (tok, rest string) {
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
		if c := s[j]; c < utf8.RuneSelf {
			if !asciiWord[c] || isASCIIDigit(c) {
				break // the ASCII letters are unicode.IsLetter's
			}
			j++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[j:])
		if !unicode.IsLetter(r) {
			break
		}
		j += n
	}
	return s[:j], s[j:]
}

func firstToken(s string) string {
	s = strings.TrimLeft(s, "' ")
	t, _ := nextToken(s)
	return t
}

// splitMultiplier reads a multiplier and a currency written as one word
// ("meur", "mdeur", "kusd").
func splitMultiplier(w string) (float64, bool) {
	for _, m := range multiplierWords {
		if c, ok := strings.CutPrefix(w, m); ok && c != "" && currencies[c] {
			return multipliers[m], true
		}
	}
	return 0, false
}

// multiplierWords are the keys of multipliers, looked through in a slice:
// ranging over the map cost more than the rest of a figure's reading. No
// word is a multiplier and a currency glued together in two ways of
// different values, so the order does not matter.
var multiplierWords = slices.Sorted(maps.Keys(multipliers))

func isASCIIDigit(c byte) bool { return '0' <= c && c <= '9' }

// gluedAfter reports whether a number after before is glued to a word or
// another number: a reference, not a figure ("A320", "covid19").
func gluedAfter(before string) bool {
	r, _ := utf8.DecodeLastRuneInString(before)
	return before != "" && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isASCIIDigit(s[i]) {
			return false
		}
	}
	return true
}
