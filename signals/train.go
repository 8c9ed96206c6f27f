package signals

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// TrainItem is one labelled item of the training corpus.
type TrainItem struct {
	ID      string  `json:"id"`
	Lang    string  `json:"lang"`
	Company string  `json:"company"`
	Title   string  `json:"title"`
	Summary string  `json:"summary"`
	Labels  []Label `json:"labels"`
	Source  string  `json:"source"`
}

// TrainModel fits the classifier's model to items over the lexicon lex and
// returns it encoded, as the embedded model file holds it. The same items
// give the same bytes.
func TrainModel(lex *Lexicon, items []TrainItem) ([]byte, error) {
	if len(items) == 0 {
		return nil, fmt.Errorf("train model: no items")
	}
	c, err := newLexClassifier(lex, Extra{})
	if err != nil {
		return nil, fmt.Errorf("train model: %w", err)
	}
	for _, it := range items {
		for _, l := range it.Labels {
			if !l.Valid() {
				return nil, fmt.Errorf("train model: item %s: unknown label %q", it.ID, l)
			}
		}
	}
	return c.train(items, defaultTraining).encode(), nil
}

// training holds the fitting's settings.
type training struct {
	epochs   int
	rate     float64 // AdaGrad's base step
	l2       float64 // weight decay per update of a feature
	minDocs  int     // a feature must occur in this many items: none is learnt from one item alone
	folds    int     // inner folds that pick the thresholds
	seed     uint64
	maxQuant float64 // int8 range
	prior    float64 // starting weight of "the lexicon fired this label" for its label
}

var defaultTraining = training{epochs: 10, rate: 0.1, l2: 0.1, minDocs: 2, folds: 4, seed: 14, maxQuant: 127, prior: 4}

// example is one training item as features and label bits.
type example struct {
	x        []feat
	y        uint16 // the item's labels
	lexFired uint16 // the labels the lexicon fired
}

// examples turns items into features over c's lexicon.
func (c *Classifier) examples(items []TrainItem) []example {
	sc := new(scratch)
	out := make([]example, len(items))
	for i, it := range items {
		in := Input{Title: it.Title, Summary: it.Summary, Lang: it.Lang, Company: it.Company}
		lx := c.lexPass(sc, in)
		feats := c.features(nil, sc, &lx, in)
		// Merge repeated features, so an item's feature list is a set.
		slices.SortFunc(feats, func(a, b feat) int { return int(int64(a.key) - int64(b.key)) })
		merged := feats[:0]
		for _, f := range feats {
			if n := len(merged); n > 0 && merged[n-1].key == f.key {
				merged[n-1].val += f.val
				continue
			}
			merged = append(merged, feat{key: f.key, val: f.val})
		}
		var y uint16
		for _, l := range it.Labels {
			if k := slices.Index(c.labels, l); k >= 0 {
				y |= 1 << k
			}
		}
		out[i] = example{x: merged, y: y, lexFired: lx.fired}
	}
	return out
}

// train fits a model to items: thresholds from inner folds, then the
// weights on all items.
func (c *Classifier) train(items []TrainItem, t training) *model {
	ex := c.examples(items)
	var thr [2][nLabels]float32
	if t.folds > 1 && len(ex) >= 2*t.folds {
		// Scores of each item by a model that did not see it.
		oof := make([][nLabels]float32, len(ex))
		for k := range t.folds {
			var fit []example
			var held []int
			for i := range ex {
				if i%t.folds == k {
					held = append(held, i)
				} else {
					fit = append(fit, ex[i])
				}
			}
			m := fitModel(fit, t)
			for _, i := range held {
				oof[i] = m.scores(ex[i].x)
			}
		}
		for l := range nLabels {
			thr[0][l], thr[1][l] = bestThresholds(ex, oof, l)
		}
	}
	m := fitModel(ex, t)
	m.thr = thr
	m.setFire()
	return m
}

// Threshold grids, in logits. A label the lexicon did not fire needs at
// least minAddThr (a probability of 0.82) to be added: words alone are
// weaker evidence than the lexicon's phrases, and an item unlike the
// training corpus should keep the lexicon's labels rather than gain new
// ones. A label the lexicon fired is dropped only below maxKeepThr (a
// probability of 0.27): the model vetoes the lexicon only when it is sure.
var (
	minAddThr  float32 = 1.5
	maxAddThr  float32 = 3
	minKeepThr float32 = -3
	maxKeepThr float32 = -1
)

// thrStep is the grids' step.
const thrStep = 0.1

// bestThresholds picks label l's logit thresholds, for items whose lexicon
// did not fire l and for those where it did, that maximise its F1 on scores
// by models that did not see the items.
func bestThresholds(ex []example, scores [][nLabels]float32, l int) (off, on float32) {
	bestF := -1.0
	for a := minAddThr; a <= maxAddThr+thrStep/2; a += thrStep {
		for k := minKeepThr; k <= maxKeepThr+thrStep/2; k += thrStep {
			var tp, fp, fn int
			for i, e := range ex {
				t := a
				if e.lexFired&(1<<l) != 0 {
					t = k
				}
				got, want := scores[i][l] > t, e.y&(1<<l) != 0
				switch {
				case got && want:
					tp++
				case got:
					fp++
				case want:
					fn++
				}
			}
			f := 0.0
			if tp > 0 {
				f = 2 * float64(tp) / float64(2*tp+fp+fn)
			}
			if f > bestF {
				bestF, off, on = f, a, k
			}
		}
	}
	return off, on
}

// fitModel runs logistic regression with AdaGrad over ex and quantises the
// weights.
func fitModel(ex []example, t training) *model {
	docs := map[uint32]int{}
	for _, e := range ex {
		for _, f := range e.x {
			docs[f.key]++
		}
	}
	index := map[uint32]int32{}
	var keys []uint32
	for _, e := range ex {
		for _, f := range e.x {
			if _, ok := index[f.key]; !ok && docs[f.key] >= t.minDocs {
				index[f.key] = int32(len(keys))
				keys = append(keys, f.key)
			}
		}
	}
	w := make([][nLabels]float64, len(keys))
	g := make([][nLabels]float64, len(keys))
	var bias, gb [nLabels]float64
	// The model starts from the lexicon's decision (a label fires when its
	// terms fired it) and learns where to depart from it.
	for l := range nLabels {
		bias[l] = -t.prior / 2
		if k, ok := index[lexFiredKey(l)]; ok {
			w[k][l] = t.prior
		}
	}
	// Each example's features, as weight rows and values, are looked up
	// once rather than once an epoch; features below minDocs have no row.
	type weighted struct {
		k   int32
		val float64
	}
	rows := make([][]weighted, len(ex))
	for i, e := range ex {
		for _, f := range e.x {
			if k, ok := index[f.key]; ok {
				rows[i] = append(rows[i], weighted{k, float64(f.val)})
			}
		}
	}
	order := make([]int, len(ex))
	for i := range order {
		order[i] = i
	}
	rng := rand.New(rand.NewPCG(t.seed, t.seed^0x5eed))
	for range t.epochs {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, i := range order {
			var s [nLabels]float64
			s = bias
			for _, f := range rows[i] {
				for l := range nLabels {
					s[l] += w[f.k][l] * f.val / one
				}
			}
			for l := range nLabels {
				y := 0.0
				if ex[i].y&(1<<l) != 0 {
					y = 1
				}
				grad := 1/(1+math.Exp(-s[l])) - y
				gb[l] += grad * grad
				bias[l] -= t.rate * grad / (math.Sqrt(gb[l]) + 1e-8)
				for _, f := range rows[i] {
					k := f.k
					gr := grad*f.val/one + t.l2*w[k][l]
					g[k][l] += gr * gr
					w[k][l] -= t.rate * gr / (math.Sqrt(g[k][l]) + 1e-8)
				}
			}
		}
	}
	maxAbs := 0.0
	for _, r := range w {
		for _, v := range r {
			maxAbs = max(maxAbs, math.Abs(v))
		}
	}
	scale := maxAbs / t.maxQuant
	if scale == 0 {
		scale = 1
	}
	m := &model{scale: float32(scale), rows: make([][nLabels]int8, modelBuckets)}
	for l := range nLabels {
		m.bias[l] = float32(bias[l])
	}
	for k, key := range keys {
		for l, v := range w[k] {
			m.rows[key][l] = int8(math.Round(v / scale))
		}
	}
	m.pack()
	return m
}
