// Command train fits the classifier's model to the training corpus
// (signals/testdata/train/*.jsonl) over the embedded lexicon and writes the
// model file that signals embeds. Run it with go generate ./signals.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"

	"github.com/veille-hq/veille/signals"
)

func main() {
	out := flag.String("o", "model.bin", "model file to write")
	dir := flag.String("corpus", filepath.Join("testdata", "train"), "folder of *.jsonl training files")
	flag.Parse()
	if err := run(*dir, *out); err != nil {
		slog.Error("train", "err", err)
		os.Exit(1)
	}
}

func run(dir, out string) error {
	items, err := readCorpus(dir)
	if err != nil {
		return err
	}
	lex, err := signals.NewLexicon(nil)
	if err != nil {
		return err
	}
	b, err := signals.TrainModel(lex, items)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		return fmt.Errorf("write model: %w", err)
	}
	slog.Info("model written", "file", out, "items", len(items), "bytes", len(b))
	return nil
}

// readCorpus reads every *.jsonl file of dir, in name order.
func readCorpus(dir string) ([]signals.TrainItem, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.jsonl"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("read corpus: no *.jsonl file in %s", dir)
	}
	sort.Strings(files)
	var items []signals.TrainItem
	seen := map[string]string{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("read corpus: %w", err)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for n := 1; sc.Scan(); n++ {
			line := bytes.TrimSpace(sc.Bytes())
			if len(line) == 0 {
				continue
			}
			var it signals.TrainItem
			if err := json.Unmarshal(line, &it); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", f, n, err)
			}
			if it.ID == "" || it.Source == "" {
				return nil, fmt.Errorf("%s:%d: every item needs an id and a source", f, n)
			}
			if prev, ok := seen[it.ID]; ok {
				return nil, fmt.Errorf("%s:%d: id %s already in %s", f, n, it.ID, prev)
			}
			seen[it.ID] = f
			items = append(items, it)
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("read %s: %w", f, err)
		}
	}
	return items, nil
}
