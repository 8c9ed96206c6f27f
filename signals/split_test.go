package signals

import (
	"os"
	"testing"
)

// The gathered corpus is split in two halves by a hash of each item's source
// domain, so that no outlet sits in both: lexicon phrasings are looked for
// in the misses of the tune half only, and the holdout half measures, rarely,
// whether they carry over to outlets nobody read while writing them.

// holdoutDomain reports whether src's outlet belongs to the holdout half.
// The hash namespace differs from domainFold's, so the halves cut across
// the grouped cross-validation's folds.
func holdoutDomain(src string) bool {
	return hashBytes(hashStart(2), []byte(sourceDomain(src)))%2 == 1
}

// gatheredHalves returns the dev set and the gathered corpus split into its
// tune and holdout halves.
func gatheredHalves(t testing.TB) (dev, tune, holdout []devItem) {
	t.Helper()
	dev, gathered := corpusSplit(t)
	for _, it := range gathered {
		if holdoutDomain(it.Source) {
			holdout = append(holdout, it)
		} else {
			tune = append(tune, it)
		}
	}
	if len(tune) == 0 || len(holdout) == 0 {
		t.Fatalf("gathered corpus split into %d tune and %d holdout items, need both", len(tune), len(holdout))
	}
	return dev, tune, holdout
}

func countDomains(items []devItem) int {
	d := map[string]bool{}
	for _, it := range items {
		d[sourceDomain(it.Source)] = true
	}
	return len(d)
}

// TestSplitTune scores the tune half: cross-validated over its own
// domain-grouped folds (each fold scored by a model trained on the dev set
// and the tune half's other folds, never on the holdout half), beside the
// lexicon alone. SIGNALS_EVAL_VERBOSE=1 lists every item whose labels differ.
func TestSplitTune(t *testing.T) {
	t.Parallel()
	dev, tune, _ := gatheredHalves(t)
	base := lexOnly(t)
	preds := make([][]Label, len(tune))
	for k := range cvFolds {
		fit := trainItems(dev)
		for _, it := range tune {
			if domainFold(it.Source) != k {
				fit = append(fit, it.train())
			}
		}
		c := base.withModel(base.train(fit, defaultTraining))
		for i, it := range tune {
			if domainFold(it.Source) == k {
				preds[i] = c.Classify(Input{Title: it.Title, Summary: it.Summary, Lang: it.Lang, Company: it.Company}).Labels
			}
		}
	}
	t.Logf("tune half: %d items from %d domains", len(tune), countDomains(tune))
	macro := logByLang(t, "tune half, grouped CV", tune, preds)
	lexPreds := classifyAll(base.withModel(nil), tune)
	lexMacro := logByLang(t, "tune half, lexicon alone", tune, lexPreds)
	if os.Getenv("SIGNALS_EVAL_VERBOSE") != "" {
		score(tune, preds, func(s string) { t.Log("CV   ", s) })
		score(tune, lexPreds, func(s string) { t.Log("LEX  ", s) })
	}
	t.Logf("tune half: model+lexicon macro-F1 %.3f, lexicon alone %.3f", macro, lexMacro)
	if macro < 0.5 {
		t.Errorf("tune half macro-F1 %.3f: the classifier no longer generalises", macro)
	}
}

// TestSplitHoldout scores the holdout half with a model trained on the dev
// set and the tune half only, beside the lexicon alone. It prints no item:
// reading holdout misses would turn it into a second tune half.
func TestSplitHoldout(t *testing.T) {
	t.Parallel()
	dev, tune, holdout := gatheredHalves(t)
	base := lexOnly(t)
	scoreOutOfSample(t, "holdout half, model trained on dev + tune half", base.withModel(base.train(append(trainItems(dev), trainItems(tune)...), defaultTraining)), holdout)
}

func TestHoldoutSplitKeepsOutlets(t *testing.T) {
	if holdoutDomain("https://www.zonebourse.com/a") != holdoutDomain("https://ch.zonebourse.com/b") {
		t.Errorf("one outlet's sub-domains fall in different halves")
	}
	var in, out int
	for _, d := range []string{"a.com", "b.com", "c.com", "d.com", "e.com", "f.com", "g.com", "h.com", "i.com", "j.com", "k.com", "l.com"} {
		if holdoutDomain(d) {
			in++
		} else {
			out++
		}
	}
	if in == 0 || out == 0 {
		t.Errorf("12 domains split %d/%d: the hash does not split", in, out)
	}
}
