package config

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Limits that keep a hostile or mistaken file (a CSV pasted as YAML, an alias
// bomb) from making Load slow or its answer unreadable.
const (
	maxDuplicateKeys = 100
	maxMappingKeys   = 5000
	maxScanDepth     = 32
	maxProblems      = 200
	// A value reached through aliases is read once per alias: a file may
	// visit this many times its own number of nodes, plus a margin.
	aliasFactor = 10
	aliasMargin = 1000
)

// decoder reads a parsed YAML document into a Config by walking its nodes
// beside the Config's type. Each problem is located at its own node, and a
// bad value does not stop the others from being read, so one pass finds
// every problem.
type decoder struct {
	file     string
	src      *source
	problems []Problem
	hidden   int // problems past maxProblems, only counted
	lastLine int // the last line of a hidden problem
	budget   int // node visits left
}

// full reports whether further problems are only counted.
func (d *decoder) full() bool { return len(d.problems) >= maxProblems }

func (d *decoder) add(line int, path, format string, args ...any) {
	if d.full() {
		d.hidden++
		d.lastLine = max(d.lastLine, line)
		return
	}
	d.problems = append(d.problems, Problem{File: d.file, Line: line, Path: path, Msg: fmt.Sprintf(format, args...)})
}

// fail records that the value at path could not be read: Validate stays quiet
// about it, since its zero value would only add misleading problems.
func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) bool {
	d.add(n.Line, path, format, args...)
	d.src.broken = append(d.src.broken, path)
	return false
}

// finish returns the problems, with a count of those left out placed at the
// last line they concern, so that it sorts after the ones shown.
func (d *decoder) finish() []Problem {
	if d.hidden > 0 {
		d.problems = append(d.problems, Problem{File: d.file, Line: d.lastLine, Msg: fmt.Sprintf("%d more problems not shown", d.hidden)})
	}
	return d.problems
}

// textValue is a type written as one YAML scalar in a syntax of its own.
type textValue interface {
	parse(string) error
	expected() string
}

// value reads n into v, the field at path. It reports false when n could not
// be read, leaving v at its zero value.
func (d *decoder) value(n *yaml.Node, v reflect.Value, path string) bool {
	d.budget--
	if d.budget < 0 {
		if d.budget == -1 {
			d.add(n.Line, path, "too many values reached through aliases: is this a veille config?")
		}
		return false
	}
	n = resolve(n)
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		// An empty value leaves the key at its zero value, as an empty
		// list or mapping would.
		return true
	}
	if tv, ok := v.Addr().Interface().(textValue); ok {
		if n.Kind != yaml.ScalarNode {
			return d.fail(n, path, "expected %s, got %s", tv.expected(), describe(n))
		}
		if err := tv.parse(n.Value); err != nil {
			return d.fail(n, path, "%s", err)
		}
		return true
	}
	switch v.Kind() {
	case reflect.Pointer:
		elem := reflect.New(v.Type().Elem())
		if !d.value(n, elem.Elem(), path) {
			return false
		}
		v.Set(elem)
		return true
	case reflect.Struct:
		return d.structure(n, v, path)
	case reflect.Slice:
		return d.list(n, v, path)
	case reflect.Map:
		return d.mapping(n, v, path)
	}
	if n.Kind != yaml.ScalarNode {
		return d.fail(n, path, "expected %s, got %s", expected(v.Type()), describe(n))
	}
	// yaml reads the scalar itself, so quoting, tags and number syntax
	// behave as everywhere else in YAML.
	if err := n.Decode(v.Addr().Interface()); err != nil {
		return d.fail(n, path, "expected %s, got %s", expected(v.Type()), describe(n))
	}
	return true
}

func (d *decoder) structure(n *yaml.Node, v reflect.Value, path string) bool {
	if n.Kind != yaml.MappingNode {
		return d.fail(n, path, "expected a mapping, got %s", describe(n))
	}
	fields := map[string]int{}
	var names []string
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if name := yamlName(f); f.IsExported() && name != "" {
			fields[name] = i
			names = append(names, name)
		}
	}
	ok := true
	for _, kv := range d.pairs(n, path, 0) {
		p := joinPath(path, kv.name)
		i, known := fields[kv.name]
		if !known {
			if d.full() {
				d.add(kv.key.Line, p, "unknown key") // only counted
			} else {
				d.add(kv.key.Line, p, "unknown key %q (%s)", kv.name, suggest(kv.name, names))
			}
			continue
		}
		d.src.lines[p] = kv.key.Line
		ok = d.value(kv.val, v.Field(i), p) && ok
	}
	return ok
}

func (d *decoder) list(n *yaml.Node, v reflect.Value, path string) bool {
	if n.Kind != yaml.SequenceNode {
		return d.fail(n, path, "expected a list, got %s", describe(n))
	}
	// Every item keeps its place, even one that could not be read, so that
	// the paths of the next ones match the file.
	s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
	ok := true
	for i, item := range n.Content {
		p := fmt.Sprintf("%s[%d]", path, i)
		d.src.lines[p] = item.Line
		ok = d.value(item, s.Index(i), p) && ok
	}
	v.Set(s)
	return ok
}

func (d *decoder) mapping(n *yaml.Node, v reflect.Value, path string) bool {
	if n.Kind != yaml.MappingNode {
		return d.fail(n, path, "expected a mapping, got %s", describe(n))
	}
	t := v.Type()
	pairs := d.pairs(n, path, 0)
	m := reflect.MakeMapWithSize(t, len(pairs))
	ok := true
	for _, kv := range pairs {
		p := joinPath(path, kv.name)
		d.src.lines[p] = kv.key.Line
		val := reflect.New(t.Elem()).Elem()
		if !d.value(kv.val, val, p) {
			ok = false
			continue
		}
		m.SetMapIndex(reflect.ValueOf(kv.name).Convert(t.Key()), val)
	}
	v.Set(m)
	return ok
}

// pair is one key of a mapping with its value.
type pair struct {
	key, val *yaml.Node
	name     string
}

// pairs lists the keys of mapping n in file order, reporting keys written
// twice and bringing in the keys of merged mappings (<<: *anchor) that the
// mapping does not set itself.
func (d *decoder) pairs(n *yaml.Node, path string, depth int) []pair {
	seen := make(map[string]*yaml.Node, len(n.Content)/2)
	var own, merged []pair
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			merged = append(merged, d.merge(val, path, depth)...)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			d.add(k.Line, path, "expected a key name, got %s", describe(resolve(k)))
			continue
		}
		if first, dup := seen[k.Value]; dup {
			d.add(k.Line, joinPath(path, k.Value), "duplicate key (first at line %d)", first.Line)
			continue
		}
		seen[k.Value] = k
		own = append(own, pair{key: k, val: val, name: k.Value})
	}
	for _, kv := range merged {
		if seen[kv.name] == nil {
			seen[kv.name] = kv.key
			own = append(own, kv)
		}
	}
	return own
}

// merge returns the keys a merge key brings in: those of one mapping, or of
// a list of mappings where the first to set a key wins.
func (d *decoder) merge(n *yaml.Node, path string, depth int) []pair {
	d.budget--
	if depth > maxScanDepth || d.budget < 0 {
		d.add(n.Line, path, "merges (<<) nested too deep or too many times: is this a veille config?")
		return nil
	}
	n = resolve(n)
	switch n.Kind {
	case yaml.MappingNode:
		return d.pairs(n, path, depth+1)
	case yaml.SequenceNode:
		var all []pair
		for _, item := range n.Content {
			if item = resolve(item); item.Kind != yaml.MappingNode {
				d.add(item.Line, path, "<<: expected a mapping to merge, got %s", describe(item))
				continue
			}
			all = append(all, d.pairs(item, path, depth+1)...)
		}
		return all
	}
	d.add(n.Line, path, "<<: expected a mapping or a list of mappings to merge, got %s", describe(n))
	return nil
}

// resolve returns the node an alias stands for.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n.Kind == yaml.AliasNode && n.Alias != nil && i < maxScanDepth; i++ {
		n = n.Alias
	}
	return n
}

// expected names a Go type the way the config's documentation would.
func expected(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int64:
		return "a whole number"
	case reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list"
	}
	return "a mapping"
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		return "an alias"
	}
	return strconv.Quote(n.Value)
}

// scan is what Load checks on the whole node tree before decoding: the size
// of the tree, and the signs of a file that is not a config at all.
type scan struct {
	nodes   int
	dups    int // keys written twice in their mapping
	bigLine int // line of a mapping with more than maxMappingKeys keys
}

func scanTree(n *yaml.Node, s *scan, depth int) {
	s.nodes++
	// veille's keys nest about six deep; deeper values are errors that the
	// decoder reports without going down.
	if depth > maxScanDepth {
		return
	}
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			scanTree(c, s, depth+1)
		}
	case yaml.MappingNode:
		if len(n.Content)/2 > maxMappingKeys && s.bigLine == 0 {
			s.bigLine = n.Line
		}
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.Kind == yaml.ScalarNode {
				if seen[k.Value] {
					s.dups++
				}
				seen[k.Value] = true
			}
			scanTree(n.Content[i+1], s, depth+1)
		}
	}
	// Aliases are not followed: the decoder counts the visits they cost.
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// suggest names the known key closest to a mistyped one, or lists them all
// when none is close.
func suggest(name string, known []string) string {
	// More than two edits, or half the name, away is another word.
	best, bestDist := "", 3
	for _, k := range known {
		if d := EditDistance(strings.ToLower(name), k); d < bestDist && 2*d < len(name) {
			best, bestDist = k, d
		}
	}
	if best != "" {
		return fmt.Sprintf("did you mean %s?", best)
	}
	return "known: " + strings.Join(known, ", ")
}

// EditDistance is the Levenshtein distance between two strings, in bytes,
// or 3 when their lengths alone put them more than two edits apart: the
// "did you mean" of keys and of commands never suggests a word that far.
func EditDistance(a, b string) int {
	if len(a) > len(b)+2 || len(b) > len(a)+2 {
		return 3 // more than two edits apart: not worth comparing
	}
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
