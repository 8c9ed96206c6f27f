package signals

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func init() {
	if v := os.Getenv("TR"); v != "" {
		fmt.Sscanf(v, "%d %g %g %g %d %d", &defaultTraining.epochs, &defaultTraining.rate, &defaultTraining.l2, &defaultTraining.prior, &defaultTraining.minDocs, &defaultTraining.folds)
	}
}

func TestTune(t *testing.T) {
	if os.Getenv("TR") == "" {
		t.Skip()
	}
	items := devSet(t)
	preds := crossValidate(t, items)
	_, mi, ma := score(items, preds, nil)
	lex, _ := NewLexicon(nil)
	base, _ := newLexClassifier(lex, Extra{})
	c := base.withModel(base.train(trainCorpus(t), defaultTraining))
	bad := 0
	traps := readJSONL(t, filepath.Join("testdata", "traps.jsonl"))
	for _, it := range traps {
		got := c.Classify(Input{Title: it.Title, Summary: it.Summary, Lang: it.Lang, Company: it.Company})
		want := []Label{}
		for _, l := range it.Labels {
			want = append(want, Label(l))
		}
		if !slices.Equal(got.Labels, want) {
			bad++
			if os.Getenv("V") != "" {
				t.Logf("%s got %v want %v", it.Title, got.Labels, want)
			}
		}
	}
	ex := readJSONL(t, filepath.Join("testdata", "examples.jsonl"))
	_, _, exm := evaluate(c, ex, nil)
	t.Logf("CV micro %.3f macro %.3f | traps wrong %d/%d | examples macro %.3f", mi, ma, bad, len(traps), exm)
}

func init() {
	if v := os.Getenv("MINTHR"); v != "" {
		fmt.Sscanf(v, "%d", &minThrStep)
	}
}

func init() {
	if v := os.Getenv("MINADD"); v != "" {
		fmt.Sscanf(v, "%g", &minAddThr)
	}
}
