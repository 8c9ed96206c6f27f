package signals

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/classify_golden.jsonl from the current classifier")

// TestClassifyGolden compares the labels and evidence of every item of the
// corpus (and of the examples and traps, also with a label the source
// implies) with testdata/classify_golden.jsonl, so that work on the
// classifier's speed provably changes no output. A lexicon or corpus change
// that is meant to change outputs rewrites the file:
// go generate ./signals && go test ./signals -run ClassifyGolden -update
func TestClassifyGolden(t *testing.T) {
	c := testClassifier(t)
	var items []devItem
	for _, name := range []string{"train/dev.jsonl", "train/gathered.jsonl", "examples.jsonl", "traps.jsonl"} {
		items = append(items, readJSONL(t, filepath.Join("testdata", name))...)
	}
	nCorpus := len(items) - len(readJSONL(t, filepath.Join("testdata", "examples.jsonl"))) - len(readJSONL(t, filepath.Join("testdata", "traps.jsonl")))
	type line struct {
		ID    string  `json:"id"`
		Hints []Label `json:"hints,omitempty"`
		Classification
	}
	var got bytes.Buffer
	enc := json.NewEncoder(&got)
	for i, it := range items {
		in := Input{Title: it.Title, Summary: it.Summary, Lang: it.Lang, Company: it.Company}
		runs := [][]Label{nil}
		if i >= nCorpus {
			runs = append(runs, []Label{Innovation})
		}
		for _, h := range runs {
			in.Hints = h
			if err := enc.Encode(line{ID: it.ID, Hints: h, Classification: c.Classify(in)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	path := filepath.Join("testdata", "classify_golden.jsonl")
	if *updateGolden {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s (write it with -update): %v", path, err)
	}
	gl, wl := bytes.Split(got.Bytes(), []byte("\n")), bytes.Split(want, []byte("\n"))
	if len(gl) != len(wl) {
		t.Fatalf("%d outputs, golden file holds %d (rewrite it with -update if the corpus changed on purpose)", len(gl), len(wl))
	}
	bad := 0
	for i := range gl {
		if !bytes.Equal(gl[i], wl[i]) {
			if bad++; bad <= 10 {
				t.Errorf("output changed:\n got  %s\n want %s", gl[i], wl[i])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d outputs changed (rewrite the golden file with -update only when the change is meant)", bad, len(gl))
	}
}
