package signals

import (
	"bytes"
	"fmt"
	"testing"
)

// TestLexiconFingerprintFormat checks Fingerprint against the fmt verbs it
// stands for: stores keep hashes of it, which a change of its bytes would
// turn into a rescan of every item.
func TestLexiconFingerprintFormat(t *testing.T) {
	for _, files := range []map[string][]byte{
		nil,
		{
			"difficulty.txt":        []byte("fermeture = 1\n[with financial_growth]\nplan \"social\" & usine = -1\n[actor]\nrachète\n"),
			"development.local.txt": []byte("ouvre une usine\n[passive]\nracheté par = 0\n"),
		},
	} {
		lex, err := NewLexicon(files)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		fmt.Fprintf(&want, "%d|%q|", len(lex.rules), lex.replaced)
		for _, r := range lex.rules {
			fmt.Fprintf(&want, "%d|%s|%q|%d|%d|%q|%q|%d|%t|", r.kind, r.label, r.parts, r.weight, r.points, r.where, r.with, r.role, r.user)
		}
		var got bytes.Buffer
		lex.Fingerprint(&got)
		if !bytes.Equal(got.Bytes(), want.Bytes()) {
			t.Errorf("lexicon of %d files: Fingerprint differs from its fmt form at byte %d", len(files), firstDiff(got.Bytes(), want.Bytes()))
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
