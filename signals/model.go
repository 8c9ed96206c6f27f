package signals

import (
	"bytes"
	_ "embed"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"slices"
	"sort"
	"sync"
)

// The learned half of the classifier: a multi-label logistic regression
// over hashed features of an item (words, word bigrams, word stems, the
// lexicon's hits per label and per term, the company's place in the text),
// one weight per label and feature, with a threshold per label. It decides
// the labels; the lexicon's evidence-bearing rules are its strongest
// features and still explain the labels they support.

//go:generate go run ./internal/train -o model.bin -words common_words.txt

//go:embed model.bin
var embeddedModel []byte

const nLabels = 9

// model is a trained, quantised model, ready to score. Features are hashed
// into a fixed number of buckets (the hashing trick): a bucket's row is the
// weight of whatever features fall in it, one int8 per label, so scoring an
// item is one table read per feature.
type model struct {
	scale float32 // weight = int8 × scale
	bias  [nLabels]float32
	// A label fires when its score (a logit) exceeds thr[0] if the lexicon
	// did not fire it, thr[1] if it did: adding a label the lexicon's terms
	// do not support takes more than keeping one they do.
	thr [2][nLabels]float32
	// fire[k][l] is the least sum of label l's weights whose score passes
	// thr[k][l] (see setFire), past any int32 when none does: Classify
	// compares the sums, without making the scores.
	fire [2][nLabels]int64
	rows [][nLabels]int8 // modelBuckets of them
	// The rows again, packed for scoring (see pack): at maps a bucket to
	// its row in packed, 0 for a row of zeros.
	at     *[modelBuckets]uint16
	packed []packedRow
}

// packedRow holds a row's weights, each plus packBias so that it is not
// negative, four to a word in 16-bit lanes: scoring then adds a feature to
// three words at once, and no lane carries into the next. Lane nLabels
// holds 1, so that it sums the features' values, which the biases add.
type packedRow [(nLabels + 1 + 3) / 4]uint64

const packBias = 128

// pack fills m.at and m.packed from m.rows. Packed row 0, where at sends
// every row of zeros, holds zeros too, so scoring adds every feature
// without a test.
func (m *model) pack() {
	m.at = new([modelBuckets]uint16)
	m.packed = make([]packedRow, 0, 1+modelBuckets/4)
	packRow := func(r [nLabels]int8) {
		var p packedRow
		for l, w := range r {
			p[l/4] |= uint64(int32(w)+packBias) << (16 * (l % 4))
		}
		p[nLabels/4] |= 1 << (16 * (nLabels % 4))
		m.packed = append(m.packed, p)
	}
	packRow([nLabels]int8{})
	for b, r := range m.rows {
		if r != ([nLabels]int8{}) {
			m.at[b] = uint16(len(m.packed))
			packRow(r)
		}
	}
}

// modelBits sets the number of buckets: 2^14 rows of 9 bytes stay in a
// core's L2 cache, and collisions among the few thousand features that
// occur in two or more training items cost little.
const (
	modelBits    = 14
	modelBuckets = 1 << modelBits
)

// bucket maps a feature hash to its row (FNV's low bits are weak, so they
// are mixed first). The mix's last step, h ^= h >> 15, changes only bits
// below the modelBits kept, so it is not made: three instructions a
// feature. The constant below fails to compile should modelBits grow past
// 15, where the step would change the row.
func bucket(h uint32) uint32 {
	h ^= h >> 16
	h *= 0x7feb352d
	return h >> (32 - modelBits)
}

const _ uint = 15 - modelBits

const modelMagic = "VSM2"

var (
	defaultModelOnce sync.Once
	defaultModel     *model
	defaultModelErr  error
)

// loadDefaultModel decodes the embedded model once.
func loadDefaultModel() (*model, error) {
	defaultModelOnce.Do(func() {
		defaultModel, defaultModelErr = decodeModel(embeddedModel)
		if defaultModelErr != nil {
			defaultModelErr = fmt.Errorf("embedded model (regenerate it with go generate ./signals): %w", defaultModelErr)
		}
	})
	return defaultModel, defaultModelErr
}

// encode writes the model: magic, non-zero row count, scale, biases and
// both rows of thresholds, then each non-zero row as the uvarint gap from the previous
// one's bucket and its nine int8 weights.
func (m *model) encode() []byte {
	n := 0
	for _, r := range m.rows {
		if r != ([nLabels]int8{}) {
			n++
		}
	}
	b := []byte(modelMagic)
	b = binary.LittleEndian.AppendUint32(b, uint32(n))
	b = binary.LittleEndian.AppendUint32(b, math.Float32bits(m.scale))
	for _, v := range m.bias {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	for _, t := range m.thr {
		for _, v := range t {
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
		}
	}
	prev := -1
	for i, r := range m.rows {
		if r == ([nLabels]int8{}) {
			continue
		}
		b = binary.AppendUvarint(b, uint64(i-prev))
		prev = i
		for _, w := range r {
			b = append(b, byte(w))
		}
	}
	return b
}

func decodeModel(b []byte) (*model, error) {
	if !bytes.HasPrefix(b, []byte(modelMagic)) {
		return nil, fmt.Errorf("decode model: not a model file (no %s header)", modelMagic)
	}
	b = b[len(modelMagic):]
	head := 4 + 4 + 12*nLabels
	if len(b) < head {
		return nil, fmt.Errorf("decode model: truncated header")
	}
	n := int(binary.LittleEndian.Uint32(b))
	m := &model{scale: math.Float32frombits(binary.LittleEndian.Uint32(b[4:])), rows: make([][nLabels]int8, modelBuckets)}
	for i := range nLabels {
		m.bias[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[8+4*i:]))
		m.thr[0][i] = math.Float32frombits(binary.LittleEndian.Uint32(b[8+4*nLabels+4*i:]))
		m.thr[1][i] = math.Float32frombits(binary.LittleEndian.Uint32(b[8+8*nLabels+4*i:]))
	}
	if !(m.scale >= 0) {
		return nil, fmt.Errorf("decode model: scale %v is not a number of zero or more", m.scale)
	}
	m.setFire()
	b = b[head:]
	at := -1
	for i := range n {
		gap, k := binary.Uvarint(b)
		if k <= 0 || gap == 0 || gap > modelBuckets || len(b) < k+nLabels {
			return nil, fmt.Errorf("decode model: row %d is malformed", i)
		}
		at += int(gap)
		if at >= modelBuckets {
			return nil, fmt.Errorf("decode model: row %d is past the last bucket", i)
		}
		for l := range nLabels {
			m.rows[at][l] = int8(b[k+l])
		}
		b = b[k+nLabels:]
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("decode model: %d bytes after the last row", len(b))
	}
	m.pack()
	return m, nil
}

// scores adds the model's score of each label for feats to s (logits,
// before the thresholds).
func (m *model) scores(feats []feat) (s [nLabels]float32) {
	var acc [nLabels]int32
	at, packed := m.at, m.packed
	// A lane gains at most 255 × maxFeatVal per feature, so chunks of
	// packChunk features cannot overflow it; the sums are exact modulo
	// 2^32, as int32 arithmetic is.
	for len(feats) > 0 {
		chunk := feats[:min(len(feats), packChunk)]
		feats = feats[len(chunk):]
		var lanes packedRow
		for i := range chunk {
			f := &chunk[i]
			r, v := &packed[at[f.key%modelBuckets]], uint64(uint32(f.val))
			lanes[0] += r[0] * v
			lanes[1] += r[1] * v
			lanes[2] += r[2] * v
		}
		lane := func(l int) int32 { return int32(lanes[l/4] >> (16 * (l % 4)) & 0xffff) }
		vals := lane(nLabels)
		for l := range nLabels {
			acc[l] += lane(l) - packBias*vals
		}
	}
	for l := range nLabels {
		s[l] = m.logit(l, acc[l])
	}
	return s
}

// logit is label l's score for the sum acc of its weights (times their
// features' values, in halves).
func (m *model) logit(l int, acc int32) float32 { return m.bias[l] + float32(acc)*m.scale/2 }

// setFire sets m.fire from m.thr. A score does not fall as its sum grows
// (the scale is not negative), so the sums whose score passes a threshold
// are those from the least of them up, which a binary search over the
// int32 sums finds with the very arithmetic of logit.
func (m *model) setFire() {
	for k := range m.thr {
		for l := range nLabels {
			n := sort.Search(1<<32, func(i int) bool { return m.logit(l, int32(int64(i)+math.MinInt32)) > m.thr[k][l] })
			m.fire[k][l] = int64(n) + math.MinInt32
		}
	}
}

// maxFeatVal bounds a feature's value (a lexicon score at lexScoreCap;
// values are never negative), and packChunk is how many features a packed
// lane sums without overflow.
const (
	maxFeatVal = lexScoreCap * one / fireScore
	packChunk  = (1<<16 - 1) / (255 * maxFeatVal)
)

// feat is one feature of an item (its bucket) with its value and, for a
// word, stem or bigram, where it is: the evidence learnedEvidence finds
// among the words is that of the listed features (its test compares them).
type feat struct {
	key        uint32
	val        int32 // in halves: 2 is 1.0, so scoring adds integers
	start, end int32 // in the prepared field; end 0: not an n-gram of the text
	field      uint8
	skip       bool // the company's name: no evidence
}

// Feature hashing: FNV-1a with a namespace byte first, so a word, a stem
// and a lexicon term never share a hash by construction.
const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

const (
	nsWord byte = iota + 1
	nsStem
	nsBigram
	nsLexFired
	nsLexScore
	nsLexTerm
	nsVeto
	nsLang
)

func hashStart(ns byte) uint32 { return (fnvOffset ^ uint32(ns)) * fnvPrime }

func hashBytes(h uint32, b []byte) uint32 {
	for _, c := range b {
		h = (h ^ uint32(c)) * fnvPrime
	}
	return h
}

func bigramKey(a, b uint32) uint32 {
	return ((a*0x9e3779b1)^b^uint32(nsBigram))*fnvPrime + 0x632be5ab
}

// stemLen is the prefix of a longer word kept as its stem, so that
// "recrute", "recrutement" and "recruits" share a feature with their kin.
const stemLen = 5

// fieldValue is how much a word counts in each field, in halves: the title
// says what the news is (1.0); the lede adds detail (0.5).
var fieldValue = [2]int32{2, 1}

// one is a feature value of 1.0, in halves.
const one = 2

// isWordByte tells the bytes of a word in prepared text: letters and digits
// (folded to lower case and "0") and the bytes of any non-ASCII rune.
var isWordByte = func() (t [256]bool) {
	for c := range 256 {
		t[c] = c >= 0x80 || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9')
	}
	return t
}()

// companyWord stands for the company's name wherever the item gives it, so
// that the model learns how news speaks of a company, not of particular
// ones.
var companyWord = []byte("\x00company")

// word is one word of a prepared field, text[start:end], and its hash;
// name marks the company's name, which reads as the one word companyWord.
type word struct {
	start, end int32
	h          uint32
	name       bool
}

// nameWords rewrites ws, in place, with each mention of the company's
// name, as whole words at the start of a word, left to right, made one
// name word, and returns it. The name is n bytes long and starts in text
// at the offsets at, left to right. Should the name end inside a word ("x"
// of "x™"), the rest of that word is a word of its own.
func nameWords(ws []word, text []byte, at []int32, n int) []word {
	w, j := 0, 0 // ws[:w] are written, ws[j:] still to read: w <= j
	from := 0
	for _, s32 := range at {
		s := int(s32)
		if s < from {
			continue
		}
		if w == j { // nothing to move down yet
			for j < len(ws) && int(ws[j].start) < s {
				j++
			}
			w = j
		} else {
			for ; j < len(ws) && int(ws[j].start) < s; j++ {
				ws[w] = ws[j]
				w++
			}
		}
		if j == len(ws) || int(ws[j].start) != s || !wholeWord(text, s, s+n) {
			continue
		}
		e := s + n
		k := j
		for k < len(ws) && int(ws[k].end) <= e {
			k++
		}
		if k == w { // the name ends inside its first word, with no room before it
			ws = slices.Insert(ws, k, word{})
			j, k = j+1, k+1
		}
		ws[w] = word{start: int32(s), end: int32(e), h: companyHash, name: true}
		w, j = w+1, k
		if j < len(ws) && int(ws[j].start) < e {
			ws[j] = word{start: int32(e), end: ws[j].end, h: hashBytes(hashStart(nsWord), text[e:ws[j].end])}
		}
		from = e
	}
	if w == j {
		return ws
	}
	return ws[:w+copy(ws[w:], ws[j:])]
}

// companyHash is companyWord's hash as a word, companyStem that of its
// stem.
var (
	companyHash = hashBytes(hashStart(nsWord), companyWord)
	companyStem = stemHash(companyWord)
)

// stemHash is the hash of the stem of word w (its first stemLen bytes),
// asked only of a word longer than stemLen+1.
func stemHash(w []byte) uint32 { return stemHashAt(w, 0) }

// stemSeed is hashStart(nsStem), found once: the call would make
// stemHashAt cost too much to be inlined.
var stemSeed = hashStart(nsStem)

// stemHashAt is stemHash of the word at text[s:]. s comes in as a uint32,
// so that the compiler knows it is not negative and that s+stemLen does not
// overflow: the stem then costs one test of its end, no other bounds test
// nor the masking of a slice's pointer.
func stemHashAt(text []byte, s32 uint32) uint32 {
	s := int(s32)
	w := text[s : s+stemLen : s+stemLen]
	h := (stemSeed ^ uint32(w[0])) * fnvPrime
	h = (h ^ uint32(w[1])) * fnvPrime
	h = (h ^ uint32(w[2])) * fnvPrime
	h = (h ^ uint32(w[3])) * fnvPrime
	return (h ^ uint32(w[4])) * fnvPrime
}

// fieldFeatures appends the features of a prepared field, given as its
// words ws, to feats: each word, each word's stem and, with pairs, each
// pair of adjacent words, at the field's value. The title gets pairs; the
// lede does not: it often says in plain words what the title only names
// ("the site will employ 70 people"), but its word pairs are too many and
// too rare to learn from. It leaves out the features whose bucket has row 0
// in rows, a model's row index: they change no score and explain no label.
//
// Each feature is written whether kept or not, and the next written over
// it when not: a test the branch predictor could not learn costs more.
func fieldFeatures(feats []feat, fi uint8, pairs bool, text []byte, ws []word, rows *[modelBuckets]uint16) []feat {
	n := len(feats)
	feats = slices.Grow(feats, 3*len(ws))
	out := feats[:cap(feats)]
	v := fieldValue[fi]
	put := func(k uint32, start, end int32, skip bool) {
		f := &out[n]
		f.key, f.val, f.start, f.end, f.field, f.skip = k, v, start, end, fi, skip
		n += keep(rows[k])
	}
	prev, prevStart := hashStart(nsWord), int32(-1) // the field's start reads as a word of its own
	for i := range ws {
		w := &ws[i]
		put(bucket(w.h), w.start, w.end, w.name)
		if pairs {
			put(bucket(bigramKey(prev, w.h)), max(prevStart, w.start), w.end, w.name || prevStart < 0)
			prev, prevStart = w.h, w.start
		}
		if w.name || w.end-w.start > stemLen+1 { // companyWord is long enough
			stem := companyWord
			if !w.name {
				stem = text[w.start:w.end]
			}
			put(bucket(stemHash(stem)), w.start, w.end, w.name)
		}
	}
	return out[:n]
}

// sums is the sum of each label's weights for an item the lexicon's pass
// has just read into sc (see logit): model.scores of c.features, without
// listing the features of the fields' words, nor making the scores. Each
// word's features are added as fieldFeatures makes them, a row of zeros
// included (it adds nothing), so that no test breaks the loop; the sums
// are exact, so their order does not matter.
func (c *Classifier) sums(sc *scratch, lx *lexResult, in Input) [nLabels]int32 {
	m := c.model
	var a scoreSum
	sc.setModelWords()
	for fi, pairs := range [2]bool{fieldTitle: true} {
		m.addWords(&a, pairs, fieldValue[fi], sc.fields[fi].text, sc.modelWords[fi])
	}
	c.addLex(&a, sc, lx, in.Lang)
	a.flush()
	return a.acc
}

// scoreSum sums packed rows, each times a feature's value, in the lanes
// while they cannot overflow, then into acc: the fields' words and the
// lexicon's features of most items fill the lanes once, unpacked once.
// n bounds what the lanes hold: the sum of their rows' values, each row
// adding at most 255 times its value to a lane.
type scoreSum struct {
	lanes packedRow
	n     int
	acc   [nLabels]int32
}

// addSum adds l, a sum of rows whose values total n, to a.
func (a *scoreSum) addSum(l *packedRow, n int) {
	if a.n+n > rawChunk {
		a.flush()
	}
	a.lanes[0] += l[0]
	a.lanes[1] += l[1]
	a.lanes[2] += l[2]
	a.n += n
}

func (a *scoreSum) flush() {
	u := unpack(&a.lanes)
	acc := &a.acc
	acc[0], acc[1], acc[2] = acc[0]+u[0], acc[1]+u[1], acc[2]+u[2]
	acc[3], acc[4], acc[5] = acc[3]+u[3], acc[4]+u[4], acc[5]+u[5]
	acc[6], acc[7], acc[8] = acc[6]+u[6], acc[7]+u[7], acc[8]+u[8]
	a.lanes, a.n = packedRow{}, 0
}

// unpack is each label's lane of a sum of packed rows, less packBias for
// each row summed (lane nLabels counts them, each at value 1). Written
// lane by lane, for nine labels: a loop would shift by a variable amount,
// which costs three times as much.
func unpack(p *packedRow) (u [nLabels]int32) {
	b := int32(p[nLabels/4]>>(16*(nLabels%4))&0xffff) * packBias
	u[0] = int32(p[0]&0xffff) - b
	u[1] = int32(p[0]>>16&0xffff) - b
	u[2] = int32(p[0]>>32&0xffff) - b
	u[3] = int32(p[0]>>48) - b
	u[4] = int32(p[1]&0xffff) - b
	u[5] = int32(p[1]>>16&0xffff) - b
	u[6] = int32(p[1]>>32&0xffff) - b
	u[7] = int32(p[1]>>48) - b
	u[8] = int32(p[2]&0xffff) - b
	return u
}

// unpack writes nine labels' lanes: these fail to compile should that
// number change.
const (
	_ uint = nLabels - 9
	_ uint = 9 - nLabels
)

// addWords adds to a the rows of the features fieldFeatures lists for a
// field's words ws, each at value v. The rows are summed as they are and
// multiplied by v once per chunk, of as many words as a's lanes have room
// for: a word adds a row for itself and its stem, and one for its pair
// with pairs.
func (m *model) addWords(a *scoreSum, pairs bool, v int32, text []byte, ws []word) {
	at, packed := m.at, m.packed
	per := 2 * int(v)
	if pairs {
		per = 3 * int(v)
	}
	prev := hashStart(nsWord)
	for len(ws) > 0 {
		room := (rawChunk - a.n) / per
		if room == 0 {
			a.flush()
			room = rawChunk / per
		}
		chunk := ws[:min(len(ws), room)]
		ws = ws[len(chunk):]
		var lanes packedRow
		sumWords(&lanes, at, packed, chunk)
		if pairs {
			prev = sumPairs(&lanes, at, packed, chunk, prev)
		}
		sumStems(&lanes, at, packed, text, chunk)
		x := uint64(v)
		a.lanes[0] += lanes[0] * x
		a.lanes[1] += lanes[1] * x
		a.lanes[2] += lanes[2] * x
		a.n += per * len(chunk)
	}
}

// sumWords, sumPairs and sumStems add to lanes the rows of the words, word
// pairs and stems of ws. A function per kind of feature keeps each loop's
// few variables in registers, where one loop over all three spills them;
// inlined, they spill again. The lanes are passed by pointer: an array
// passed and returned by value is copied through the stack at each call.
//
//go:noinline
func sumWords(lanes *packedRow, at *[modelBuckets]uint16, packed []packedRow, ws []word) {
	_ = at[0] // at is not nil: no test of it in the loop
	l0, l1, l2 := lanes[0], lanes[1], lanes[2]
	for i := range ws {
		r := &packed[at[bucket(ws[i].h)]]
		l0, l1, l2 = l0+r[0], l1+r[1], l2+r[2]
	}
	lanes[0], lanes[1], lanes[2] = l0, l1, l2
}

//go:noinline
func sumPairs(lanes *packedRow, at *[modelBuckets]uint16, packed []packedRow, ws []word, prev uint32) uint32 {
	_ = at[0] // at is not nil: no test of it in the loop
	l0, l1, l2 := lanes[0], lanes[1], lanes[2]
	for i := range ws {
		h := ws[i].h
		r := &packed[at[bucket(bigramKey(prev, h))]]
		l0, l1, l2 = l0+r[0], l1+r[1], l2+r[2]
		prev = h
	}
	lanes[0], lanes[1], lanes[2] = l0, l1, l2
	return prev
}

//go:noinline
func sumStems(lanes *packedRow, at *[modelBuckets]uint16, packed []packedRow, text []byte, ws []word) {
	_ = at[0] // at is not nil: no test of it in the loop
	// The words that have a stem are listed first, without a branch, then
	// their stems summed: a test of each word's length in the summing loop
	// is a branch the predictor misses on about every third word. ws holds
	// stemChunk words at most, as addWords makes its chunks: the index's
	// modulo only spares its bounds test.
	if len(ws) > stemChunk {
		panic("signals: sumStems given more than stemChunk words")
	}
	var stemmed [stemChunk]uint8
	n := uint(0)
	for i := range ws {
		w := &ws[i]
		stemmed[n%stemChunk] = uint8(i)
		n += uint(b2u(w.name) | b2u(w.end-w.start > stemLen+1))
	}
	l0, l1, l2 := lanes[0], lanes[1], lanes[2]
	for _, i := range stemmed[:n] {
		w := &ws[i]
		h := companyStem
		if !w.name {
			h = stemHashAt(text, uint32(w.start))
		}
		r := &packed[at[bucket(h)]]
		l0, l1, l2 = l0+r[0], l1+r[1], l2+r[2]
	}
	lanes[0], lanes[1], lanes[2] = l0, l1, l2
}

// stemChunk bounds the words addWords passes to sumStems at once: each
// adds two rows at least to a chunk of rawChunk rows.
const stemChunk = rawChunk / 2

// b2u is 1 for true, 0 for false.
func b2u(b bool) uint8 {
	var u uint8
	if b {
		u = 1
	}
	return u
}

// rawChunk is how many packed rows a lane sums, each at value 1, without
// overflow: each adds at most 255 to a lane of 16 bits.
const rawChunk = (1<<16 - 1) / 255

// keep is 1 for a non-zero row index, else 0.
func keep(row uint16) int { return int((uint32(row) + 0xffff) >> 16) }

// allRows is a row index that keeps every feature, as training wants.
var allRows = func() (r [modelBuckets]uint16) {
	for i := range r {
		r[i] = 1
	}
	return r
}()

// lexScoreCap bounds a label's lexicon score as a feature: beyond it, more
// terms say nothing more.
const lexScoreCap = 8

// lexFeatures appends the features the lexicon's pass gives: per label,
// whether it fired and its score; per term that counted, the term itself;
// whether a no-signal term was found.
func (c *Classifier) lexFeatures(feats []feat, sc *scratch, score *[nLabels]int, fired uint16, veto bool, lang string) []feat {
	for l := range nLabels {
		if fired&(1<<l) != 0 {
			feats = append(feats, feat{key: lexKeys.fired[l], val: one})
		}
		if score[l] > 0 {
			feats = append(feats, feat{key: lexKeys.score[l], val: int32(min(score[l], lexScoreCap)) * one / fireScore})
		}
	}
	for i, h := range sc.kept {
		r := &c.info[h.rule]
		if !sc.complete[i] || h.part != 0 || r.weight <= 0 {
			continue
		}
		feats = append(feats, feat{key: r.feat, val: fieldValue[h.field]})
	}
	if veto {
		feats = append(feats, feat{key: lexKeys.veto, val: one})
	}
	switch lang {
	case "":
	case "fr":
		feats = append(feats, feat{key: lexKeys.fr, val: one})
	case "en":
		feats = append(feats, feat{key: lexKeys.en, val: one})
	default:
		feats = append(feats, feat{key: langKey(lang), val: one})
	}
	return feats
}

// addLex adds to a the rows of the features lexFeatures lists, without
// the list. The rows are summed in lanes of its own, added to a once: a
// test of overflow and a call per feature cost more than the rows. Only
// the lexicon's terms, as many as the item holds, are tested for overflow:
// the other features fit in the lanes (see lexFixed).
func (c *Classifier) addLex(a *scoreSum, sc *scratch, lx *lexResult, lang string) {
	at, packed := c.model.at, c.model.packed
	var lanes packedRow
	n := 0 // the values summed in lanes
	add := func(key uint32, val int32) {
		r, v := &packed[at[key%modelBuckets]], uint64(uint32(val))
		lanes[0] += r[0] * v
		lanes[1] += r[1] * v
		lanes[2] += r[2] * v
		n += int(val)
	}
	for f := lx.fired; f != 0; f &= f - 1 {
		add(lexKeys.fired[bits.TrailingZeros16(f)], one)
	}
	for m := lx.scored; m != 0; m &= m - 1 {
		l := bits.TrailingZeros16(m)
		if s := lx.score[l]; s > 0 {
			add(lexKeys.score[l], int32(min(s, lexScoreCap))*one/fireScore)
		}
	}
	if lx.veto {
		add(lexKeys.veto, one)
	}
	switch lang {
	case "":
	case "fr":
		add(lexKeys.fr, one)
	case "en":
		add(lexKeys.en, one)
	default:
		add(langKey(lang), one)
	}
	for i, h := range sc.kept {
		if !sc.complete[i] || h.part != 0 {
			continue
		}
		if r := &c.info[h.rule]; r.weight > 0 {
			if n+one > rawChunk { // a field's value is at most one
				a.addSum(&lanes, n)
				lanes, n = packedRow{}, 0
			}
			add(r.feat, fieldValue[h.field])
		}
	}
	a.addSum(&lanes, n)
}

// lexFixed is the most the features of addLex but its terms add, in
// values: each label fired and scored, the veto and the language. The
// constant fails to compile should they not fit in lanes of their own.
const lexFixed = nLabels*one + nLabels*lexScoreCap*one/fireScore + 2*one

const _ uint = rawChunk - lexFixed

// lexKeys are the buckets of the features lexFeatures may list but a
// lexicon term's, hashed once.
var lexKeys = func() (k struct {
	fired, score [nLabels]uint32
	veto, fr, en uint32
}) {
	for l := range nLabels {
		k.fired[l] = lexFiredKey(l)
		k.score[l] = bucket(labelKey(nsLexScore, l))
	}
	k.veto = bucket(hashStart(nsVeto))
	k.fr, k.en = langKey("fr"), langKey("en")
	return k
}()

// langKey is the bucket of an item's language.
func langKey(lang string) uint32 { return bucket(hashBytes(hashStart(nsLang), []byte(lang))) }

// lexTermKey is the bucket of a lexicon term of label l.
func lexTermKey(l int, term string) uint32 {
	h := labelKey(nsLexTerm, l)
	for i := 0; i < len(term); i++ {
		h = (h ^ uint32(term[i])) * fnvPrime
	}
	return bucket(h)
}

func lexFiredKey(l int) uint32 { return bucket(labelKey(nsLexFired, l)) }

// labelKey is the hash of a per-label feature of namespace ns.
func labelKey(ns byte, l int) uint32 { return (hashStart(ns) ^ uint32(l)) * fnvPrime }

// learnedEvidenceTerms is how many n-grams explain a label the model fired
// with no lexicon term.
const learnedEvidenceTerms = 2

// candidate is an n-gram of an item and how much it raised a label's score.
type candidate struct {
	w          float32
	fi         int
	start, end int
}

// top keeps the learnedEvidenceTerms candidates of largest weight.
type top struct {
	c [learnedEvidenceTerms]candidate
	n int
}

func (t *top) add(c candidate) {
	for i := range t.n {
		if t.c[i].fi == c.fi && t.c[i].start == c.start && t.c[i].end == c.end {
			t.c[i].w = max(t.c[i].w, c.w) // a word and its stem are one place
			return
		}
	}
	i := t.n
	if i == len(t.c) {
		if c.w <= t.c[i-1].w {
			return
		}
		i--
	} else {
		t.n++
	}
	for ; i > 0 && t.c[i-1].w < c.w; i-- {
		t.c[i] = t.c[i-1]
	}
	t.c[i] = c
}

// learnedEvidence appends to dst, as quotes, the n-grams of the item (the
// model's words of its fields, ws) that raised label l's score the most:
// the evidence of a label the lexicon did not support. It reads the
// words' features in the order fieldFeatures lists them, so that ties go
// the same way, without listing them.
//
// A candidate no heavier than the lightest of a full top is passed over
// without a call: top.add would keep nothing of it, at its place or
// another.
func (m *model) learnedEvidence(dst []quote, fields *[2]field, ws *[2][]word, l int) []quote {
	var best top
	// A weight is read from the packed rows that scoring has just brought
	// into cache, with l's lane and shift found once, not per feature.
	at, lane, shift := m.at, l/4, uint(16*(l%4))
	for fi := range fields {
		v, text := float32(fieldValue[fi]), fields[fi].text
		add := func(key uint32, start, end int32) {
			if w := int32(m.packed[at[key%modelBuckets]][lane]>>shift&0xffff) - packBias; w > 0 {
				if c := float32(w) * v; best.n < len(best.c) || c > best.c[len(best.c)-1].w {
					best.add(candidate{c, fi, int(start), int(end)})
				}
			}
		}
		prev, first := hashStart(nsWord), true
		words := ws[fi]
		for i := range words {
			w := &words[i]
			if w.name { // the company's name is no evidence, but starts the pair after it
				prev, first = w.h, false
				continue
			}
			add(bucket(w.h), w.start, w.end)
			if fi == fieldTitle {
				if !first {
					add(bucket(bigramKey(prev, w.h)), w.start, w.end) // a pair points at its second word
				}
				prev, first = w.h, false
			}
			if w.end-w.start > stemLen+1 {
				add(bucket(stemHashAt(text, uint32(w.start))), w.start, w.end)
			}
		}
	}
	return best.quotes(dst, fields, l)
}

// quotes appends to dst the kept candidates as quotes of label l, in the
// order of the text.
func (t *top) quotes(dst []quote, fields *[2]field, l int) []quote {
	// An insertion sort of so few, inlined, not a sort calling a function
	// per comparison. No two candidates share a place (see add).
	c := t.c[:t.n]
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && (c[j].fi < c[j-1].fi || c[j].fi == c[j-1].fi && c[j].start < c[j-1].start); j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
	for _, b := range c {
		f := &fields[b.fi]
		start, end := f.origOffset(b.start), f.origOffset(b.end)
		dst = append(dst, quote{start: int32(start), end: int32(end), slot: uint8(l), field: uint8(b.fi)})
	}
	return dst
}
