package signals

import (
	"bytes"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestEmbeddedModelIsReproducible retrains the model from the corpus in the
// repository and checks it gives the embedded file byte for byte: the
// weights shipped are the ones go generate makes, and training is
// deterministic.
func TestEmbeddedModelIsReproducible(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("trains the model")
	}
	lex, err := NewLexicon(nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := TrainModel(lex, trainCorpus(t))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, embeddedModel) {
		t.Errorf("training gives %d bytes that differ from the embedded model.bin (%d bytes): run go generate ./signals", len(got), len(embeddedModel))
	}
}

func TestModelRoundTrip(t *testing.T) {
	m, err := loadDefaultModel()
	if err != nil {
		t.Fatal(err)
	}
	again, err := decodeModel(m.encode())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again.encode(), embeddedModel) || again.scale != m.scale || again.thr != m.thr || again.bias != m.bias {
		t.Error("decode(encode(model)) differs from the model")
	}
}

func TestDecodeModelRejectsDamage(t *testing.T) {
	good := embeddedModel
	for n := range min(len(good), 200) {
		if _, err := decodeModel(good[:n]); err == nil {
			t.Fatalf("a model cut at %d bytes decodes", n)
		}
	}
	if _, err := decodeModel(good[:len(good)-1]); err == nil {
		t.Error("a model missing its last byte decodes")
	}
	if _, err := decodeModel(append(slices.Clone(good), 0)); err == nil {
		t.Error("a model with a trailing byte decodes")
	}
	if _, err := decodeModel([]byte("VSM1")); err == nil || !strings.Contains(err.Error(), "VSM2") {
		t.Errorf("an older format: %v, want an error naming the expected header", err)
	}
}

func FuzzDecodeModel(f *testing.F) {
	f.Add(embeddedModel[:200])
	f.Add([]byte("VSM2"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := decodeModel(b)
		if err != nil {
			return
		}
		if len(m.rows) != modelBuckets {
			t.Fatalf("%d rows, want %d", len(m.rows), modelBuckets)
		}
	})
}

func TestTrainModelErrors(t *testing.T) {
	lex, err := NewLexicon(nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := TrainModel(lex, nil); err == nil {
		t.Error("no items: no error")
	}
	bad := []TrainItem{{ID: "x", Title: "t", Labels: []Label{"sales"}}}
	if _, err := TrainModel(lex, bad); err == nil || !strings.Contains(err.Error(), "sales") {
		t.Errorf("unknown label: %v", err)
	}
}

// TestLearnedEvidence checks that a label the model fires without a lexicon
// term still comes with the n-grams that carried it, pointing into the text.
func TestLearnedEvidence(t *testing.T) {
	c := testClassifier(t)
	items := readJSONL(t, "testdata/train/gathered.jsonl")
	seen := 0
	for _, it := range items {
		in := Input{Title: it.Title, Summary: it.Summary, Lang: it.Lang, Company: it.Company}
		got := c.Classify(in)
		lexOnly := c.withModel(nil).Classify(in)
		for _, l := range got.Labels {
			if len(got.Evidence.Of(l)) == 0 {
				t.Errorf("%s: %s has no evidence", it.ID, l)
			}
			if !slices.Contains(lexOnly.Labels, l) {
				seen++
			}
			for _, e := range got.Evidence.Of(l) {
				text := it.Title
				if e.Field == "summary" {
					text = it.Summary
				}
				if e.Offset < 0 || e.Offset+len(e.Term) > len(text) || text[e.Offset:e.Offset+len(e.Term)] != e.Term {
					t.Errorf("%s: %s evidence %+v does not point into the %s", it.ID, l, e, e.Field)
				}
			}
		}
	}
	if seen == 0 {
		t.Error("the model added no label to the lexicon's on the corpus: the test checks nothing")
	}
}

// TestPackedScores checks the packed scoring against the plain sum of the
// int8 rows, on the corpus's features and on lists long enough to take
// several chunks at the largest feature value.
func TestPackedScores(t *testing.T) {
	t.Parallel()
	c := testClassifier(t)
	m := c.model
	plain := func(feats []feat) (s [nLabels]float32) {
		var acc [nLabels]int32
		for _, f := range feats {
			for l, w := range m.rows[f.key] {
				acc[l] += int32(w) * f.val
			}
		}
		for l := range nLabels {
			s[l] = m.bias[l] + float32(acc[l])*m.scale/2
		}
		return s
	}
	sc := new(scratch)
	for _, it := range readJSONL(t, "testdata/train/gathered.jsonl") {
		in := Input{Title: it.Title, Summary: it.Summary, Lang: it.Lang, Company: it.Company}
		lx := c.lexPass(sc, in)
		feats := c.features(nil, sc, &lx, in)
		for _, f := range feats {
			if f.val < 0 || f.val > maxFeatVal {
				t.Fatalf("%s: feature value %d outside [0, %d]", it.ID, f.val, maxFeatVal)
			}
		}
		if got, want := m.scores(feats), plain(feats); got != want {
			t.Errorf("%s: packed scores %v, plain %v", it.ID, got, want)
		}
	}
	// Every row at the largest value, repeated past a chunk: the lanes of
	// a chunk come close to overflowing and the int32 sums wrap as plain
	// arithmetic does.
	long := make([]feat, 0, 2*packChunk+3+modelBuckets)
	for len(long) < 2*packChunk+3 {
		for b := range uint32(modelBuckets) {
			if m.at[b] != 0 {
				long = append(long, feat{key: b, val: maxFeatVal})
			}
		}
	}
	for b := range uint32(modelBuckets) {
		for l, w := range m.rows[b] {
			if got := m.weight(b, l); got != int32(w) {
				t.Fatalf("bucket %d label %d: packed weight %d, row %d", b, l, got, w)
			}
		}
	}
	if got, want := m.scores(long), plain(long); got != want {
		t.Errorf("%d features: packed scores %v, plain %v", len(long), got, want)
	}
}

// TestNameWords checks the word pass against a plain reading of a field
// word by word, the company's name read as one word wherever a word starts
// with it: names of several words, a name repeated, a name inside a word,
// and a name that ends inside a word of non-ASCII bytes ("acme•").
func TestNameWords(t *testing.T) {
	t.Parallel()
	plain := func(text, company []byte) (ws []word) {
		for i := 0; ; {
			for i < len(text) && !isWordByte[text[i]] {
				i++
			}
			if i == len(text) {
				return ws
			}
			s := i
			if len(company) > 0 && bytes.HasPrefix(text[i:], company) && wholeWord(text, i, i+len(company)) {
				i += len(company)
				ws = append(ws, word{start: int32(s), end: int32(i), h: companyHash, name: true})
				continue
			}
			for i < len(text) && isWordByte[text[i]] {
				i++
			}
			ws = append(ws, word{start: int32(s), end: int32(i), h: hashBytes(hashStart(nsWord), text[s:i])})
		}
	}
	tests := []struct{ text, company string }{
		{"bank of america agrees to pay", "bank of america"},
		{"acme buys acme, acme-acme and xacme acmes", "acme"},
		{"acme•x and acme™ acme", "acme"},
		{"l'acme acme'", "acme"},
		{"aa aa aa aa", "aa aa"},
		{"acme", "acme"},
		{"", "acme"},
		{"  acme  ", "acme"},
		{"no mention here", "acme"},
	}
	for _, tt := range tests {
		var f field
		f.prepare(tt.text, true)
		text := f.text
		var cf field
		cf.prepare(tt.company, true)
		cn := companyName{forms: [2][]byte{cf.text}, n: 1, rare: rarest(cf.text)}
		cn.first, cn.byWords = firstWord(cf.text)
		ws, _, _, seen := newTerms(nil).scan(text, cn.first, nil, nil, nil, nil)
		var at [2][]int32
		formsAt(&at, &f, seen, &cn)
		got := nameWords(ws, text, at[0], len(cf.text))
		if want := plain(text, cf.text); !slices.Equal(got, want) {
			t.Errorf("%q, company %q:\n got  %v\n want %v", tt.text, tt.company, got, want)
		}
	}
}

// TestScoresWithoutFeatures checks that Classify's sums, made as the
// words' features are, give the model's scores of the listed features, and
// that comparing them with the fire thresholds tells what comparing the
// scores with the thresholds does.
func TestScoresWithoutFeatures(t *testing.T) {
	c := testClassifier(t)
	m := c.model
	sc := new(scratch)
	items := readJSONL(t, filepath.Join("testdata", "train", "gathered.jsonl"))
	// Items of many words, which fill the sums' lanes many times over.
	var title, summary strings.Builder
	for _, it := range items[:200] {
		title.WriteString(it.Title + " ")
		summary.WriteString(it.Title + " " + it.Summary + " ")
	}
	items = append(items, devItem{ID: "long", Title: title.String(), Summary: summary.String(), Company: items[0].Company},
		devItem{ID: "long title", Title: title.String()}, devItem{ID: "long summary", Summary: summary.String()})
	for _, it := range items {
		in := Input{Title: it.Title, Summary: it.Summary, Lang: it.Lang, Company: it.Company}
		lx := c.lexPass(sc, in)
		acc := c.sums(sc, &lx, in)
		want := m.scores(c.features(nil, sc, &lx, in))
		for l := range nLabels {
			if got := m.logit(l, acc[l]); got != want[l] {
				t.Fatalf("%s: label %d scores %v, of the listed features %v", it.ID, l, got, want[l])
			}
			for k := range m.thr {
				if fires, passes := int64(acc[l]) >= m.fire[k][l], want[l] > m.thr[k][l]; fires != passes {
					t.Fatalf("%s: label %d: sum %d passes fire threshold %d: %v; score %v passes %v: %v", it.ID, l, acc[l], m.fire[k][l], fires, want[l], m.thr[k][l], passes)
				}
			}
		}
	}
}

// TestFireThresholds checks that each fire threshold is the least sum
// whose score passes its threshold, on the embedded model and on scales
// and thresholds at the edges.
func TestFireThresholds(t *testing.T) {
	models := []*model{testClassifier(t).model}
	for _, scale := range []float32{0, 1e-9, 0.0123, 3, float32(math.Inf(1))} {
		m := &model{scale: scale}
		for l := range nLabels {
			m.bias[l] = float32(l) - 4
			m.thr[0][l] = []float32{1.5, -1, 0, float32(math.NaN()), float32(math.Inf(1)), float32(math.Inf(-1)), 1e12, -1e12, 2.5}[l]
			m.thr[1][l] = float32(l) * 0.37
		}
		m.setFire()
		models = append(models, m)
	}
	for _, m := range models {
		for k := range m.thr {
			for l := range nLabels {
				f, thr := m.fire[k][l], m.thr[k][l]
				if f <= math.MaxInt32 && !(m.logit(l, int32(f)) > thr) {
					t.Errorf("scale %v, threshold %v: sum %d does not pass", m.scale, thr, f)
				}
				if f > math.MinInt32 && m.logit(l, int32(f-1)) > thr {
					t.Errorf("scale %v, threshold %v: sum %d passes, below fire threshold %d", m.scale, thr, f-1, f)
				}
			}
		}
	}
}

// TestLearnedEvidenceWithoutFeatures checks learnedEvidence, which reads
// the features of the item's words as it makes them, against the n-grams
// of largest weight among the listed features, for every label of every
// corpus item.
func TestLearnedEvidenceWithoutFeatures(t *testing.T) {
	c := testClassifier(t)
	sc := new(scratch)
	var items []devItem
	for _, name := range []string{"dev.jsonl", "gathered.jsonl"} {
		items = append(items, readJSONL(t, filepath.Join("testdata", "train", name))...)
	}
	for _, it := range items {
		in := Input{Title: it.Title, Summary: it.Summary, Lang: it.Lang, Company: it.Company}
		lx := c.lexPass(sc, in)
		c.sums(sc, &lx, in)
		feats := c.features(nil, sc, &lx, in)
		for l := range nLabels {
			got := c.model.learnedEvidence(nil, &sc.fields, &sc.modelWords, l)
			if want := listedEvidence(c.model, &sc.fields, feats, l); !slices.Equal(got, want) {
				t.Fatalf("%s, label %d: learned evidence %v, of the listed features %v", it.ID, l, got, want)
			}
		}
	}
}

// listedEvidence is learnedEvidence read from a list of features: the
// learnedEvidenceTerms n-grams of largest weight for label l, a word and
// the features at its place (its stem, the pair it ends) counting as one.
func listedEvidence(m *model, fields *[2]field, feats []feat, l int) []quote {
	var best top
	for _, f := range feats {
		if f.end == 0 || f.skip {
			continue
		}
		if w := m.weight(f.key, l); w > 0 {
			best.add(candidate{float32(w) * float32(f.val), int(f.field), int(f.start), int(f.end)})
		}
	}
	return best.quotes(nil, fields, l)
}

// weight is bucket key's weight for label l, read from the packed rows.
func (m *model) weight(key uint32, l int) int32 {
	r := &m.packed[m.at[key%modelBuckets]]
	return int32(r[l/4]>>(16*(l%4))&0xffff) - packBias
}
