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
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/veille-hq/veille/signals"
)

func main() {
	out := flag.String("o", "model.bin", "model file to write")
	wordsOut := flag.String("words", "common_words.txt", "common words file to write")
	dir := flag.String("corpus", filepath.Join("testdata", "train"), "folder of *.jsonl training files")
	flag.Parse()
	if err := run(*dir, *out, *wordsOut); err != nil {
		slog.Error("train", "err", err)
		os.Exit(1)
	}
}

func run(dir, out, wordsOut string) error {
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
	words := commonWords(items)
	if err := os.WriteFile(wordsOut, []byte(strings.Join(words, "\n")+"\n"), 0o644); err != nil {
		return fmt.Errorf("write common words: %w", err)
	}
	slog.Info("common words written", "file", wordsOut, "words", len(words))
	return nil
}

// minCommon is how many times a word must appear in lower case in the
// corpus to count as a common word.
const minCommon = 2

// commonWords lists, folded and sorted, the words of three letters or more
// that the corpus writes in lower case at least minCommon times.
func commonWords(items []signals.TrainItem) []string {
	n := map[string]int{}
	for _, it := range items {
		for _, text := range []string{it.Title, it.Summary} {
			for w := range strings.FieldsFuncSeq(text, func(r rune) bool { return !unicode.IsLetter(r) }) {
				r, _ := utf8.DecodeRuneInString(w)
				if utf8.RuneCountInString(w) >= 3 && unicode.IsLower(r) {
					n[signals.Fold(w)]++
				}
			}
		}
	}
	var out []string
	for w, k := range n {
		if k >= minCommon {
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
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
