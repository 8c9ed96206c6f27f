package signals

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
)

//go:embed lexicon/*.txt
var embedded embed.FS

// ruleKind says what a lexicon line does when it matches.
type ruleKind uint8

const (
	kindLabel    ruleKind = iota // adds its weight to a label
	kindNegation                 // cancels label hits that follow it closely
	kindVeto                     // the item carries no signal (broker notes, share moves)
	kindKeyword                  // a watch list's keyword
)

// lexRule is one parsed lexicon line.
type lexRule struct {
	kind   ruleKind
	label  Label
	parts  []string // folded; all must occur in the same field
	weight int
	points int // keyword points
	where  string
	with   []Label
	role   role
	user   bool // from a lexicon_dir file, not the embedded lexicon
}

// Lexicon is the parsed set of lexicon files, ready to build classifiers.
type Lexicon struct {
	rules []lexRule
	// replaced are the labels whose embedded file a lexicon_dir file
	// replaces: the lexicon alone decides them, not the model.
	replaced []Label
}

// The special file stems besides the nine labels.
const (
	negationFile = "negation"
	noneFile     = "none"
)

// NewLexicon parses the embedded lexicon (one file per label; the syntax is
// described at the top of lexicon/buzz.txt) overlaid with files (name →
// content, from the configured lexicon_dir): a file named like an embedded
// one replaces it, any other name adds to the label its stem names (the part
// of the name before the first dot: "development.local.txt" adds to
// development).
func NewLexicon(files map[string][]byte) (*Lexicon, error) {
	embeddedRules, err := parseEmbedded()
	if err != nil {
		return nil, err
	}
	all := maps.Clone(embeddedRules)
	lex := &Lexicon{}
	// In order, so that of two faulty files the first is reported.
	for _, name := range slices.Sorted(maps.Keys(files)) {
		b, base := files[name], path.Base(name)
		if _, ok := embeddedRules[base]; ok {
			if l := Label(strings.TrimSuffix(base, ".txt")); l.Valid() {
				lex.replaced = append(lex.replaced, l)
			}
		}
		rules, err := parseLexiconFile(base, b)
		if err != nil {
			return nil, err
		}
		for i := range rules {
			rules[i].user = true
		}
		all[base] = rules
	}
	slices.Sort(lex.replaced)
	n := 0
	for _, rules := range all {
		n += len(rules)
	}
	lex.rules = make([]lexRule, 0, n)
	for _, name := range slices.Sorted(maps.Keys(all)) {
		lex.rules = append(lex.rules, all[name]...)
	}
	return lex, nil
}

// parseEmbedded parses the embedded lexicon's files (name → rules) once
// per process: every lexicon starts from them, and no rule is written
// after its parse.
var parseEmbedded = sync.OnceValues(func() (map[string][]lexRule, error) {
	entries, err := embedded.ReadDir("lexicon")
	if err != nil {
		return nil, fmt.Errorf("read embedded lexicon: %w", err)
	}
	all := map[string][]lexRule{}
	for _, e := range entries {
		b, err := embedded.ReadFile(path.Join("lexicon", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read embedded lexicon %s: %w", e.Name(), err)
		}
		rules, err := parseLexiconFile(e.Name(), b)
		if err != nil {
			return nil, err
		}
		all[e.Name()] = rules
	}
	return all, nil
})

// Fingerprint writes the lexicon in a canonical form: lexicons that
// classify alike write the same bytes, so a hash of them says whether
// labels found under one hold under the other.
//
// It writes what fmt's "%d|%q|" of the rule count and the replaced labels
// and "%d|%s|%q|%d|%d|%q|%q|%d|%t|" of each rule's fields would, with
// strconv: every plan hashes it, and fmt took most of a plan's build.
func (l *Lexicon) Fingerprint(w io.Writer) {
	b := strconv.AppendInt(nil, int64(len(l.rules)), 10)
	b = appendQuoted(append(b, '|'), l.replaced)
	b = append(b, '|')
	for _, r := range l.rules {
		b = strconv.AppendUint(b, uint64(r.kind), 10)
		b = append(append(append(b, '|'), r.label...), '|')
		b = appendQuoted(b, r.parts)
		b = strconv.AppendInt(append(b, '|'), int64(r.weight), 10)
		b = strconv.AppendInt(append(b, '|'), int64(r.points), 10)
		b = strconv.AppendQuote(append(b, '|'), r.where)
		b = appendQuoted(append(b, '|'), r.with)
		b = strconv.AppendUint(append(b, '|'), uint64(r.role), 10)
		b = strconv.AppendBool(append(b, '|'), r.user)
		b = append(b, '|')
	}
	w.Write(b)
}

// appendQuoted appends ss as fmt's %q writes a slice of strings.
func appendQuoted[S ~string](b []byte, ss []S) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ' ')
		}
		b = strconv.AppendQuote(b, string(s))
	}
	return append(b, ']')
}

func parseLexiconFile(name string, content []byte) ([]lexRule, error) {
	stem, _, _ := strings.Cut(path.Base(name), ".")
	kind, label := kindLabel, Label(stem)
	switch stem {
	case negationFile:
		kind, label = kindNegation, ""
	case noneFile:
		kind, label = kindVeto, ""
	default:
		if !label.Valid() {
			return nil, fmt.Errorf("lexicon %s: file name must start with a signal id, %q or %q (known: %s)",
				name, negationFile, noneFile, strings.Join(LabelIDs(), ", "))
		}
	}
	var rules []lexRule
	var sec section
	sc := bufio.NewScanner(bytes.NewReader(content))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") {
			s, err := parseSection(line)
			if err != nil {
				return nil, fmt.Errorf("lexicon %s:%d: %w", name, n, err)
			}
			if kind != kindLabel && (s.with != nil || s.role != roleAny) {
				return nil, fmt.Errorf("lexicon %s:%d: %s takes no section", name, n, stem)
			}
			sec = s
			continue
		}
		r, err := parseRule(line)
		if err != nil {
			return nil, fmt.Errorf("lexicon %s:%d: %w", name, n, err)
		}
		r.kind, r.label, r.where = kind, label, fmt.Sprintf("%s:%d", name, n)
		r.with, r.role = sec.with, sec.role
		if kind != kindLabel && (len(r.parts) > 1 || r.weight != 2) {
			return nil, fmt.Errorf("lexicon %s:%d: %s terms take no weight and no &", name, n, stem)
		}
		rules = append(rules, r)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("lexicon %s: %w", name, err)
	}
	return rules, nil
}

// role says where the watched company must stand for a term to count.
type role uint8

const (
	roleAny role = iota
	// roleActor: the company must not be named just after the term
	// ("X rachète <company>" is not development for the company).
	roleActor
	// rolePassive: the company must not be named just before the term
	// ("<company> racheté par X").
	rolePassive
)

// section is what a "[...]" line sets for the terms below it.
type section struct {
	with []Label // the term counts only when one of these labels fired too
	role role
}

// parseSection reads "[]", "[with label, label]", "[actor]" or "[passive]".
func parseSection(line string) (section, error) {
	var s section
	body, ok := strings.CutSuffix(line[1:], "]")
	if !ok {
		return s, fmt.Errorf("section %q: missing ]", line)
	}
	body = strings.TrimSpace(body)
	switch {
	case body == "":
	case body == "actor":
		s.role = roleActor
	case body == "passive":
		s.role = rolePassive
	case strings.HasPrefix(body, "with "):
		for l := range strings.SplitSeq(strings.TrimPrefix(body, "with "), ",") {
			lab, err := ParseLabel(strings.TrimSpace(l))
			if err != nil {
				return s, fmt.Errorf("section %q: %w", line, err)
			}
			s.with = append(s.with, lab)
		}
	default:
		return s, fmt.Errorf("section %q: want [], [with labels], [actor] or [passive]", line)
	}
	return s, nil
}

// parseRule reads "term", "term = weight" or "term & term [= weight]".
func parseRule(line string) (lexRule, error) {
	r := lexRule{weight: 2}
	if body, w, ok := strings.Cut(line, "="); ok {
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if err != nil {
			return r, fmt.Errorf("weight %q: %w", strings.TrimSpace(w), err)
		}
		r.weight, line = n, body
	}
	for p := range strings.SplitSeq(line, " & ") {
		t, err := foldTerm(p, true)
		if err != nil {
			return r, err
		}
		r.parts = append(r.parts, t)
	}
	return r, nil
}

// foldTerm prepares a term as text is prepared; "<n>" stands for any number.
// With numbers false, digits stay as they are (company names).
func foldTerm(s string, numbers bool) (string, error) {
	var f field
	f.prepare(strings.ReplaceAll(strings.TrimSpace(s), "<n>", "0"), numbers)
	if !strings.ContainsFunc(string(f.text), func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return "", fmt.Errorf("empty term %q: it needs a letter or a digit", strings.TrimSpace(s))
	}
	return string(f.text), nil
}
