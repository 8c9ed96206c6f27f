package signals

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/publicsuffix"
)

// These tests report how the classifier does on news from outlets it was not
// tuned or trained on: the gathered corpus scored by a model fitted to the
// dev set alone, and a cross-validation over the gathered corpus whose folds
// never split an outlet. They log figures and fail only on a collapse, since
// the hidden evaluation sets are other outlets too.

// sourceDomain names the outlet an item came from: its URL's host without
// "www."/"m." and cut to the registrable part, so that the sub-domains of one
// outlet (ch.zonebourse.com, www.zonebourse.com) count as one.
func sourceDomain(src string) string {
	u, err := url.Parse(strings.TrimSpace(src))
	host := src
	if err == nil && u.Host != "" {
		host = u.Host
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	parts := strings.Split(host, ".")
	keep := 2
	if n := len(parts); n >= 3 && len(parts[n-1]) == 2 && len(parts[n-2]) <= 3 {
		keep = 3 // co.uk, com.au, gouv.fr
	}
	if len(parts) > keep {
		parts = parts[len(parts)-keep:]
	}
	return strings.Join(parts, ".")
}

// domainFold puts every item of one outlet in the same fold.
func domainFold(src string) int {
	return int(hashBytes(hashStart(1), []byte(sourceDomain(src))) % cvFolds)
}

// corpusSplit reads the training corpus's dev set and gathered items,
// dropping a gathered item whose title is a dev item's: scoring it would
// measure memory, not generalisation.
func corpusSplit(t testing.TB) (dev, gathered []devItem) {
	t.Helper()
	dev = readJSONL(t, filepath.Join("testdata", "train", "dev.jsonl"))
	seen := map[string]bool{}
	for _, it := range dev {
		seen[Fold(it.Title)] = true
	}
	for _, it := range readJSONL(t, filepath.Join("testdata", "train", "gathered.jsonl")) {
		if !seen[Fold(it.Title)] {
			gathered = append(gathered, it)
		}
	}
	if len(dev) == 0 || len(gathered) == 0 {
		t.Fatalf("training corpus: %d dev and %d gathered items, need both", len(dev), len(gathered))
	}
	return dev, gathered
}

func trainItems(items []devItem) []TrainItem {
	out := make([]TrainItem, len(items))
	for i, it := range items {
		out[i] = it.train()
	}
	return out
}

func classifyAll(c *Classifier, items []devItem) [][]Label {
	preds := make([][]Label, len(items))
	for i, it := range items {
		preds[i] = c.Classify(Input{Title: it.Title, Summary: it.Summary, Lang: it.Lang, Company: it.Company}).Labels
	}
	return preds
}

// logByLang logs the table for all items and for each language and returns
// the macro-F1 over all items.
func logByLang(t *testing.T, what string, items []devItem, preds [][]Label) float64 {
	t.Helper()
	table, _, macro := score(items, preds, nil)
	t.Logf("%s, all languages:\n%s", what, table)
	for _, lang := range []string{"fr", "en"} {
		var sub []devItem
		var subPreds [][]Label
		for i, it := range items {
			if it.Lang == lang {
				sub, subPreds = append(sub, it), append(subPreds, preds[i])
			}
		}
		if len(sub) == 0 {
			continue
		}
		table, _, _ := score(sub, subPreds, nil)
		t.Logf("%s, %s:\n%s", what, lang, table)
	}
	return macro
}

// TestGatheredOutOfSample trains the model on the dev set alone and scores
// the gathered corpus, beside the lexicon alone on the same items.
func TestGatheredOutOfSample(t *testing.T) {
	dev, gathered := corpusSplit(t)
	base := lexOnly(t)
	scoreOutOfSample(t, "gathered corpus, model trained on the dev set only", base.withModel(base.train(trainItems(dev), defaultTraining)), gathered)
}

// scoreOutOfSample logs what c, and the lexicon alone, score on items from
// outlets c was not tuned or trained on, and fails only on a collapse.
func scoreOutOfSample(t *testing.T, what string, c *Classifier, items []devItem) {
	t.Helper()
	t.Logf("%s: %d items from %d domains", what, len(items), countDomains(items))
	macro := logByLang(t, what, items, classifyAll(c, items))
	lexMacro := logByLang(t, what+", lexicon alone", items, classifyAll(c.withModel(nil), items))
	t.Logf("%s: model+lexicon macro-F1 %.3f, lexicon alone %.3f", what, macro, lexMacro)
	if macro < 0.5 {
		t.Errorf("%s: macro-F1 %.3f: the classifier no longer generalises", what, macro)
	}
}

// TestGatheredGroupedCV cross-validates over the gathered corpus with folds
// grouped by source domain: each fold is scored by a model trained on the
// dev set and the other folds, so no outlet is both trained on and scored.
func TestGatheredGroupedCV(t *testing.T) {
	t.Parallel()
	dev, gathered := corpusSplit(t)
	base := lexOnly(t)
	preds := make([][]Label, len(gathered))
	var sizes [cvFolds]int
	for k := range cvFolds {
		fit := trainItems(dev)
		for _, it := range gathered {
			if domainFold(it.Source) != k {
				fit = append(fit, it.train())
			}
		}
		c := base.withModel(base.train(fit, defaultTraining))
		for i, it := range gathered {
			if domainFold(it.Source) == k {
				preds[i] = c.Classify(Input{Title: it.Title, Summary: it.Summary, Lang: it.Lang, Company: it.Company}).Labels
				sizes[k]++
			}
		}
	}
	domains := map[string]bool{}
	for _, it := range gathered {
		domains[sourceDomain(it.Source)] = true
	}
	t.Logf("gathered corpus: %d items from %d domains, fold sizes %v", len(gathered), len(domains), sizes)
	macro := logByLang(t, "gathered corpus, 5-fold cross-validated grouped by source domain", gathered, preds)
	lexPreds := classifyAll(base.withModel(nil), gathered)
	lexMacro := logByLang(t, "gathered corpus, lexicon alone", gathered, lexPreds)
	t.Logf("gathered corpus, grouped CV: model+lexicon macro-F1 %.3f, lexicon alone %.3f", macro, lexMacro)
	t.Logf("where the model departs from the lexicon (grouped CV):\n%s", modelFlips(gathered, preds, lexPreds))
	if macro < 0.5 {
		t.Errorf("grouped cross-validated macro-F1 %.3f on the gathered corpus: the classifier no longer generalises", macro)
	}
}

// modelFlips tabulates, per label, the labels the model added to the
// lexicon's and those it removed, each split by whether the item's own
// labels agree: the model earns its place only if it fixes more than it
// breaks.
func modelFlips(items []devItem, preds, lexPreds [][]Label) string {
	type flips struct{ addRight, addWrong, dropRight, dropWrong int }
	per := map[Label]*flips{}
	for _, l := range Labels() {
		per[l] = &flips{}
	}
	for i, it := range items {
		for _, l := range Labels() {
			got, lex, want := slices.Contains(preds[i], l), slices.Contains(lexPreds[i], l), slices.Contains(it.Labels, string(l))
			switch {
			case got && !lex && want:
				per[l].addRight++
			case got && !lex:
				per[l].addWrong++
			case !got && lex && !want:
				per[l].dropRight++
			case !got && lex:
				per[l].dropWrong++
			}
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%-17s %9s %9s %10s %10s\n", "label", "add-right", "add-wrong", "drop-right", "drop-wrong")
	var tot flips
	for _, l := range Labels() {
		f := per[l]
		fmt.Fprintf(&b, "%-17s %9d %9d %10d %10d\n", l, f.addRight, f.addWrong, f.dropRight, f.dropWrong)
		tot.addRight += f.addRight
		tot.addWrong += f.addWrong
		tot.dropRight += f.dropRight
		tot.dropWrong += f.dropWrong
	}
	fmt.Fprintf(&b, "%-17s %9d %9d %10d %10d\n", "all", tot.addRight, tot.addWrong, tot.dropRight, tot.dropWrong)
	return b.String()
}

func TestSourceDomain(t *testing.T) {
	tests := []struct{ src, want string }{
		{"https://www.zonebourse.com/cours/action/x", "zonebourse.com"},
		{"https://ch.zonebourse.com/a", "zonebourse.com"},
		{"https://m.chainstoreage.com/news", "chainstoreage.com"},
		{"https://www.independent.co.uk/news/business", "independent.co.uk"},
		{"http://honoluluadvertiser.com./article", "honoluluadvertiser.com"},
		{"businessfacilities.com", "businessfacilities.com"},
	}
	for _, tt := range tests {
		if got := sourceDomain(tt.src); got != tt.want {
			t.Errorf("sourceDomain(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
	if domainFold("https://www.zonebourse.com/a") != domainFold("https://ch.zonebourse.com/b") {
		t.Errorf("one outlet's sub-domains fall in different folds")
	}
}

// TestNewOutlets scores each file of testdata/eval, items from outlets
// that neither the lexicon's phrasings nor the model's training saw (the
// trainer does not read them), with the embedded classifier beside the
// lexicon alone, then all the files together. Like the holdout half, they
// are looked at as tables only: reading their misses would make them more
// sets the lexicon was written against. An item fails the test when its
// title or its outlet is in the training corpus, a tune file or another
// eval file: it would measure memory, not generalisation, and the files
// would not be independent samples.
func TestNewOutlets(t *testing.T) {
	files := evalFiles(t)
	dev, gathered := corpusSplit(t)
	titles, outlets := map[string]string{}, map[string]string{}
	for _, it := range append(dev, gathered...) {
		titles[Fold(it.Title)] = "the training corpus"
		outlets[outlet(it.Source)] = "the training corpus"
	}
	for _, it := range tuneOutlets(t) {
		titles[Fold(it.Title)] = tuneDir
		outlets[outlet(it.Source)] = tuneDir
	}
	c := testClassifier(t)
	var all []devItem
	for _, f := range files {
		items := readJSONL(t, f)
		for _, it := range items {
			if where, ok := titles[Fold(it.Title)]; ok && where != f {
				t.Fatalf("%s: %s is in %s too", f, it.ID, where)
			}
			if where, ok := outlets[outlet(it.Source)]; ok && where != f {
				t.Fatalf("%s: %s comes from %s, an outlet of %s too", f, it.ID, outlet(it.Source), where)
			}
		}
		for _, it := range items {
			titles[Fold(it.Title)], outlets[outlet(it.Source)] = f, f
		}
		scoreOutOfSample(t, "new outlets, "+filepath.Base(f)+", embedded classifier", c, items)
		all = append(all, items...)
	}
	scoreOutOfSample(t, "new outlets, all files, embedded classifier", c, all)
}

// outlet is the registrable domain of src's host by the public suffix
// list, so that two blogs of one hosting platform are two outlets and the
// sub-domains of one site are one. sourceDomain, which groups the folds
// and the halves, stays as it is: regrouping would move items the lexicon
// was tuned on into the holdout half.
func outlet(src string) string {
	if u, err := url.Parse(strings.TrimSpace(src)); err == nil && u.Hostname() != "" {
		if d, err := publicsuffix.EffectiveTLDPlusOne(strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")); err == nil {
			return d
		}
	}
	return sourceDomain(src)
}

// The files of testdata/tune hold items from outlets that neither the
// corpus nor the eval files hold, whose misses lexicon phrasings are looked
// for in, as in the gathered corpus's tune half: the eval files measure
// whether those phrasings carry over to outlets nobody read while writing
// them.
const tuneDir = "testdata/tune"

func tuneOutlets(t testing.TB) []devItem {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(tuneDir, "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("testdata/tune: no *.jsonl file (%v)", err)
	}
	var items []devItem
	for _, f := range files {
		items = append(items, readJSONL(t, f)...)
	}
	return items
}

// TestTuneOutlets scores the tune files with the embedded classifier,
// beside the lexicon alone. SIGNALS_EVAL_VERBOSE=1 lists every item whose
// labels differ.
func TestTuneOutlets(t *testing.T) {
	items := tuneOutlets(t)
	c := testClassifier(t)
	scoreOutOfSample(t, "tune outlets, embedded classifier", c, items)
	if os.Getenv("SIGNALS_EVAL_VERBOSE") != "" {
		score(items, classifyAll(c, items), func(s string) { t.Log("TUNE ", s) })
	}
}

// evalFiles lists testdata/eval's files of labelled items.
func evalFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "eval", "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("testdata/eval: no *.jsonl file (%v)", err)
	}
	return files
}

// TestMoreDataStudy (SIGNALS_EVAL_STUDY=1, some seconds) asks whether
// training on more gathered items helps on outlets none of them came from:
// each file of testdata/eval is scored by models trained on the corpus
// alone and on the corpus plus the other files, with four seeds each, since
// a retrain alone moves a figure by about a point.
func TestMoreDataStudy(t *testing.T) {
	if os.Getenv("SIGNALS_EVAL_STUDY") == "" {
		t.Skip("a study, not a check: SIGNALS_EVAL_STUDY=1 runs it")
	}
	dev, gathered := corpusSplit(t)
	corpus := append(trainItems(dev), trainItems(gathered)...)
	files := evalFiles(t)
	sets := make([][]devItem, len(files))
	for i, f := range files {
		sets[i] = readJSONL(t, f)
	}
	base := lexOnly(t)
	for i, f := range files {
		more := slices.Clone(corpus)
		for j := range sets {
			if j != i {
				more = append(more, trainItems(sets[j])...)
			}
		}
		for _, fit := range []struct {
			what  string
			items []TrainItem
		}{{"corpus", corpus}, {"corpus + other files", more}} {
			var sum [3]float64 // all, en, fr
			for _, seed := range []uint64{14, 15, 16, 17} {
				tr := defaultTraining
				tr.seed = seed
				c := base.withModel(base.train(fit.items, tr))
				for k, lang := range []string{"", "en", "fr"} {
					var sub []devItem
					for _, it := range sets[i] {
						if lang == "" || it.Lang == lang {
							sub = append(sub, it)
						}
					}
					_, _, macro := score(sub, classifyAll(c, sub), nil)
					sum[k] += macro / 4
				}
			}
			t.Logf("%s, trained on the %s (%d items): macro-F1 %.3f, en %.3f, fr %.3f (mean of 4 seeds)",
				filepath.Base(f), fit.what, len(fit.items), sum[0], sum[1], sum[2])
		}
	}
}
