package demo

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

var update = flag.Bool("update", false, "rewrite manifest.jsonl from corpus.yaml")

// manifestLine is the line format of the classifier corpus (signals/testdata/train), so the
// demo's items can be fed to `veille classify --format jsonl` and scored with
// the same tooling as the evaluation set.
type manifestLine struct {
	ID      string   `json:"id"`
	Lang    string   `json:"lang"`
	Company string   `json:"company"`
	Title   string   `json:"title"`
	Summary string   `json:"summary"`
	Labels  []string `json:"labels"`
	Source  string   `json:"source"`
}

// TestManifestJSONL keeps manifest.jsonl in step with corpus.yaml; run
// `go test ./examples/demo -run ManifestJSONL -update` after editing the corpus.
func TestManifestJSONL(t *testing.T) {
	c := corpusT(t)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	write := func(o *outlet, it *item, id, company string) {
		summary := it.Summary
		if o.Source.HTML != "" {
			doc, err := goquery.NewDocumentFromReader(strings.NewReader(strings.ReplaceAll(summary, "><", "> <")))
			if err != nil {
				t.Fatal(err)
			}
			summary = strings.Join(strings.Fields(doc.Text()), " ")
		}
		labels := it.Labels
		if labels == nil {
			labels = []string{}
		}
		if err := enc.Encode(manifestLine{
			ID: id, Lang: o.Lang, Company: company, Title: it.Title,
			Summary: summary, Labels: labels, Source: "veille demo: " + o.feedPath(),
		}); err != nil {
			t.Fatal(err)
		}
	}
	for _, co := range c.Companies {
		for _, it := range sortedByAge(&co.outlet) {
			write(&co.outlet, it, co.Slug+"/"+it.ID, co.Name)
		}
	}
	// A regional item is listed once per company it is about (its id
	// suffixed with @company); items about
	// no company are left out, as the evaluation set only holds items about
	// a company.
	for _, it := range sortedByAge(&c.Regional) {
		for _, slug := range it.About {
			write(&c.Regional, it, c.Regional.Slug+"/"+it.ID+"@"+slug, c.company(slug).Name)
		}
	}
	if *update {
		if err := os.WriteFile("manifest.jsonl", b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile("manifest.jsonl")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, b.Bytes()) {
		t.Error("manifest.jsonl is out of date with corpus.yaml: run go test ./examples/demo -run ManifestJSONL -update")
	}
}
