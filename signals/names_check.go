package signals

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
)

// commonWords are words news text writes in lower case (one a line,
// folded), drawn from the training corpus by go generate: a company named
// by one of them is found in running text only when it is capitalised, as
// at the start of a sentence, where it is ambiguous.
//
//go:embed common_words.txt
var commonWordsFile string

var commonWords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for w := range strings.SplitSeq(commonWordsFile, "\n") {
		if w = strings.TrimSpace(w); w != "" {
			m[w] = true
		}
	}
	return m
})

// NameWarnings lists what in the companies' names may attribute news to the
// wrong company: a one-word alias (it may be the first word of another
// company's name, as "Mercia" of "Mercia Ventures"), and a one-word name
// that is a common word ("Total", "Orange"). A company with exclude terms
// has been guarded by hand and gets no warning for a one-word alias.
func NameWarnings(companies []Company) []string {
	var out []string
	for _, c := range companies {
		if w := oneWordName(c.Name); w != "" && commonWords()[w] {
			out = append(out, fmt.Sprintf("%s: name %q is a common word: news using the word at the start of a sentence is attributed to it; add aliases with more words or exclude terms", c.Key, c.Name))
		}
		if len(c.Exclude) > 0 {
			continue
		}
		for _, a := range c.Aliases {
			if w := oneWordName(a); w != "" {
				msg := fmt.Sprintf("%s: alias %q is one word (legal form aside): it may begin another company's name, as \"Mercia\" begins \"Mercia Ventures\"; use a longer alias or add exclude terms", c.Key, a)
				if commonWords()[w] {
					msg += "; it is a common word too"
				}
				out = append(out, msg)
			}
		}
	}
	return out
}

// oneWordName returns a name's one word, folded and without legal form,
// or "" when it has more than one.
func oneWordName(name string) string {
	f := string(stripLegal([]byte(Fold(strings.TrimSpace(name)))))
	if f == "" || strings.ContainsAny(f, " -") {
		return ""
	}
	return f
}
