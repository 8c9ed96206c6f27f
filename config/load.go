package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	_ "time/tzdata" // minimal container images have no zoneinfo; timezones must still load

	"go.yaml.in/yaml/v3"
)

// Options carries what the config package must know but may not import.
type Options struct {
	// Labels are the known signal ids (signals.LabelIDs()). Nil means the
	// nine signals of SIGNALS.md.
	Labels []string
	// Getenv looks up ${NAME} references; nil means os.LookupEnv.
	Getenv func(string) (string, bool)
}

// defaultLabels lets Validate check signal ids when a caller (a test, a
// tool) passes no list; cmd/veille always passes signals.LabelIDs().
var defaultLabels = []string{
	"buzz", "hr_moves", "new_sites", "financial_pub", "development",
	"financial_growth", "difficulty", "innovation", "international",
}

func (o Options) labels() []string {
	if o.Labels == nil {
		return defaultLabels
	}
	return o.Labels
}

func (o Options) getenv() func(string) (string, bool) {
	if o.Getenv == nil {
		return os.LookupEnv
	}
	return o.Getenv
}

// source remembers where each key of the config file was written, so that
// problems found after decoding still point at a line.
type source struct {
	file  string
	lines map[string]int // key path → line of its key (or of the list item)
	// broken are the paths yaml could not decode; Validate stays quiet about
	// them, since their zero values would only add misleading problems.
	broken []string
}

// isBroken reports whether path is, or is inside, a value yaml could not decode.
func (s *source) isBroken(path string) bool {
	if s == nil {
		return false
	}
	for _, b := range s.broken {
		if b == "" || path == b || strings.HasPrefix(path, b+".") || strings.HasPrefix(path, b+"[") {
			return true
		}
	}
	return false
}

// origin is where a prospect was defined: a line of veille.yaml or a CSV row.
type origin struct {
	file string
	line int
	csv  bool
}

// Load reads the config file at path and the CSV watch lists it names,
// expands ${NAME} references, fills defaults, and validates the result. On
// any problem it returns Errors listing all of them.
func Load(path string, opts Options) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, Errors{{File: path, Msg: readError(err)}}
	}
	c, problems := decode(path, data)
	if c == nil {
		sortProblems(problems, path)
		return nil, Errors(problems)
	}
	problems = append(problems, expandEnv(c, opts.getenv())...)
	c.resolvePaths()
	problems = append(problems, c.loadCSVs()...)
	c.applyDefaults()
	problems = append(problems, c.validate(opts)...)
	if len(problems) > 0 {
		sortProblems(problems, path)
		return nil, Errors(problems)
	}
	c.Location, _ = loadLocation(c.Timezone)
	for i := range c.Reps {
		c.Reps[i].Location, _ = loadLocation(c.Reps[i].Timezone)
	}
	return c, nil
}

func readError(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return "cannot read: " + err.Error()
}

// decode turns the bytes of a config file into a Config and the problems yaml
// found, each located by key path. A nil Config means decoding could not
// start (empty file, syntax error).
func decode(file string, data []byte) (c *Config, problems []Problem) {
	// yaml reports its own errors by returning them; a panic would be a bug in
	// it on hostile input, and `veille check` must still answer.
	defer func() {
		if r := recover(); r != nil {
			c, problems = nil, []Problem{{File: file, Msg: fmt.Sprintf("cannot parse YAML: %v", r)}}
		}
	}()
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, []Problem{syntaxProblem(file, err)}
	}
	if isEmptyDocument(&root) {
		return nil, []Problem{{File: file, Msg: "empty file: expected keys such as smtp, reps and watchlists"}}
	}
	idx := newIndex(&root)
	if idx.bigLine > 0 {
		// yaml compares every pair of keys of a mapping: refuse the sizes
		// that would take seconds, which no real config reaches.
		return nil, []Problem{{File: file, Line: idx.bigLine, Msg: fmt.Sprintf("a mapping of more than %d keys: is this a veille config?", maxMappingKeys)}}
	}
	if idx.dups > maxDuplicateKeys {
		// yaml would report each pair of equal keys and take minutes on a
		// file made of them: refuse before decoding.
		return nil, []Problem{{File: file, Msg: fmt.Sprintf("%d duplicate keys: is this a veille config?", idx.dups)}}
	}
	c = &Config{Path: file, src: &source{file: file, lines: idx.lines}}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	err := dec.Decode(c)
	c.markInline()
	if err == nil {
		// A second document would be silently ignored: say so instead.
		var extra yaml.Node
		if dec.Decode(&extra) == nil {
			problems = append(problems, Problem{File: file, Line: extra.Line, Msg: "a second YAML document (after ---): veille reads only the first; remove it or merge it into the first"})
		}
		return c, problems
	}
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		if errors.Is(err, io.EOF) {
			return nil, []Problem{{File: file, Msg: "empty file: expected keys such as smtp, reps and watchlists"}}
		}
		return nil, []Problem{syntaxProblem(file, err)}
	}
	for i, msg := range te.Errors {
		if i == maxTypeProblems {
			// Past this, more lines do not help an admin, and locating each
			// one costs a scan of the file's nodes.
			problems = append(problems, Problem{File: file, Msg: fmt.Sprintf("%d more problems not shown", len(te.Errors)-i)})
			break
		}
		p, broken := idx.typeProblem(file, msg)
		problems = append(problems, p)
		if broken != nil {
			c.src.broken = append(c.src.broken, *broken)
		}
	}
	return c, problems
}

// markInline records where each inline prospect was written, so that
// problems about it found later point at the file and line.
func (c *Config) markInline() {
	for i := range c.Watchlists {
		for j := range c.Watchlists[i].Prospects {
			c.Watchlists[i].Prospects[j].origin = origin{
				file: c.Path,
				line: c.src.line(fmt.Sprintf("watchlists[%d].prospects[%d]", i, j)),
			}
		}
	}
}

func isEmptyDocument(root *yaml.Node) bool {
	if root.Kind == 0 {
		return true
	}
	if root.Kind != yaml.DocumentNode {
		return false
	}
	if len(root.Content) == 0 {
		return true
	}
	n := root.Content[0]
	return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null"
}

// parserProblems are the messages of yaml's parser (as opposed to its
// scanner): yaml reports their line counting from 0, scanner lines from 1.
var parserProblems = map[string]bool{
	"did not find expected ',' or ']'":       true,
	"did not find expected ',' or '}'":       true,
	"did not find expected '-' indicator":    true,
	"did not find expected <document start>": true,
	"did not find expected <stream-start>":   true,
	"did not find expected key":              true,
	"did not find expected node content":     true,
	"found duplicate %TAG directive":         true,
	"found duplicate %YAML directive":        true,
	"found incompatible YAML document":       true,
	"found undefined tag handle":             true,
}

var yamlLineRe = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

func syntaxProblem(file string, err error) Problem {
	msg := err.Error()
	if m := yamlLineRe.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		if parserProblems[m[2]] {
			line++
		}
		return Problem{File: file, Line: line, Msg: "invalid YAML: " + m[2]}
	}
	return Problem{File: file, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

// Limits that keep a hostile or mistaken file (a CSV pasted as YAML) from
// making Load slow.
const (
	maxDuplicateKeys = 100
	maxMappingKeys   = 5000
	maxIndexDepth    = 32
	maxTypeProblems  = 200
)

// located is a node of the parsed file with the key path it sits at.
type located struct {
	node *yaml.Node
	path string
	used bool // already matched to a yaml error: the next error on the same line is about another node
}

// index maps the parsed node tree to key paths. yaml's TypeError messages
// carry only a line, and several keys can share one line in flow style, so
// matching also uses the key name or the value.
type index struct {
	dups    int // duplicate keys: yaml reports every pair, quadratic in their number
	bigLine int // line of a mapping with more than maxMappingKeys keys
	lines   map[string]int
	keys    []*located
	values  []*located
}

func newIndex(root *yaml.Node) *index {
	idx := &index{lines: map[string]int{}}
	if root.Kind == yaml.DocumentNode && len(root.Content) > 0 {
		idx.values = append(idx.values, &located{node: root.Content[0]})
		idx.walk(root.Content[0], "", 0)
	}
	return idx
}

func joinPath(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

func (idx *index) walk(n *yaml.Node, path string, depth int) {
	// veille's keys nest about six deep; deeper values are errors anyway and
	// their paths, growing with depth, would cost quadratic time and memory.
	if depth > maxIndexDepth {
		return
	}
	switch n.Kind {
	case yaml.MappingNode:
		if len(n.Content)/2 > maxMappingKeys && idx.bigLine == 0 {
			idx.bigLine = n.Line
		}
		seen := make(map[string]bool, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind == yaml.ScalarNode {
				if seen[k.Value] {
					idx.dups++
				}
				seen[k.Value] = true
			}
			p := joinPath(path, k.Value)
			if _, dup := idx.lines[p]; !dup {
				idx.lines[p] = k.Line
			}
			idx.keys = append(idx.keys, &located{node: k, path: p})
			idx.values = append(idx.values, &located{node: v, path: p})
			idx.walk(v, p, depth+1)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			idx.lines[p] = item.Line
			idx.values = append(idx.values, &located{node: item, path: p})
			idx.walk(item, p, depth+1)
		}
	}
	// Aliases are not followed: the path of an aliased value is the alias's,
	// and following them would let a hostile file blow up the index.
}

var (
	typeLineRe  = regexp.MustCompile(`^line (\d+): (.*)$`)
	unknownRe   = regexp.MustCompile(`^field (.+) not found in type \S+$`)
	dupKeyRe    = regexp.MustCompile(`^mapping key (".*") already defined at line (\d+)$`)
	dupFieldRe  = regexp.MustCompile(`^field (.+) already set in type \S+$`)
	columnRe    = regexp.MustCompile(`^column (\d+): (.*)$`)
	unmarshalRe = regexp.MustCompile("^cannot unmarshal (\\S+?)(?: `(.*)`)? into (.+)$")
)

// typeProblem turns one of yaml's TypeError lines into a located Problem
// with a message written for an admin rather than a Go programmer. broken is
// the path of the value left undecoded, if any.
func (idx *index) typeProblem(file, msg string) (_ Problem, broken *string) {
	m := typeLineRe.FindStringSubmatch(msg)
	if m == nil {
		return Problem{File: file, Msg: msg}, nil
	}
	line, _ := strconv.Atoi(m[1])
	rest := m[2]
	p := Problem{File: file, Line: line, Msg: rest}
	if m := unknownRe.FindStringSubmatch(rest); m != nil {
		p.Path = idx.key(line, m[1])
		p.Msg = fmt.Sprintf("unknown key %q", m[1])
		return p, nil
	}
	if m := dupKeyRe.FindStringSubmatch(rest); m != nil {
		name, err := strconv.Unquote(m[1])
		if err != nil {
			name = m[1]
		}
		p.Path = idx.key(line, name)
		p.Msg = fmt.Sprintf("duplicate key (first at line %s)", m[2])
		// yaml skips the whole mapping that holds a duplicate key.
		parent := parentPath(p.Path)
		return p, &parent
	}
	if m := dupFieldRe.FindStringSubmatch(rest); m != nil {
		p.Path = idx.key(line, m[1])
		p.Msg = "duplicate key"
		return p, nil
	}
	if m := unmarshalRe.FindStringSubmatch(rest); m != nil {
		n := idx.value(line, func(n *yaml.Node) bool {
			switch m[1] {
			case "!!seq":
				return n.Kind == yaml.SequenceNode
			case "!!map":
				return n.Kind == yaml.MappingNode
			}
			if n.Kind != yaml.ScalarNode {
				return false
			}
			v := m[2]
			if strings.HasSuffix(v, "...") && len(n.Value) > 10 {
				return strings.HasPrefix(n.Value, strings.TrimSuffix(v, "..."))
			}
			return n.Value == v
		})
		if n == nil {
			p.Msg = fmt.Sprintf("expected %s", expected(m[3]))
			return p, nil
		}
		p.Path = n.path
		p.Msg = fmt.Sprintf("expected %s, got %s", expected(m[3]), describe(n.node))
		return p, &p.Path
	}
	// Errors from our own unmarshalers (Duration, ByteSize) carry the column
	// too, since a line can hold several values.
	if m := columnRe.FindStringSubmatch(rest); m != nil {
		col, _ := strconv.Atoi(m[1])
		p.Msg = m[2]
		if n := idx.value(line, func(n *yaml.Node) bool { return n.Column == col }); n != nil {
			p.Path = n.path
			return p, &p.Path
		}
	}
	return p, nil
}

// parentPath is the path of the mapping or list holding path.
func parentPath(path string) string {
	if i := strings.LastIndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return ""
}

func (idx *index) key(line int, name string) string {
	for _, k := range idx.keys {
		if !k.used && k.node.Line == line && k.node.Value == name {
			k.used = true
			return k.path
		}
	}
	return ""
}

func (idx *index) value(line int, match func(*yaml.Node) bool) *located {
	for _, v := range idx.values {
		if !v.used && v.node.Line == line && match(v.node) {
			v.used = true
			return v
		}
	}
	return nil
}

// expected names a Go type the way the config's documentation would.
func expected(goType string) string {
	switch {
	case goType == "int" || goType == "int64":
		return "a whole number"
	case goType == "float64" || goType == "*float64":
		return "a number"
	case goType == "bool" || goType == "*bool":
		return "true or false"
	case goType == "string":
		return "a string"
	case strings.HasPrefix(goType, "[]"):
		return "a list"
	default: // maps and structs
		return "a mapping"
	}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	return strconv.Quote(n.Value)
}

// line returns the line of path, or of its nearest parent that was written
// in the file (a defaulted key has no line of its own).
func (s *source) line(path string) int {
	if s == nil {
		return 0
	}
	for path != "" {
		if l, ok := s.lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return 0
		}
		path = path[:i]
	}
	return 0
}

// has reports whether path was written in the file, to tell an absent key
// from one set to its zero value (listen: "" disables the server).
func (s *source) has(path string) bool {
	if s == nil {
		return false
	}
	_, ok := s.lines[path]
	return ok
}

// resolve returns p made absolute, relative paths being taken from the
// config file's folder.
func (c *Config) resolve(p string) string {
	if !filepath.IsAbs(p) {
		p = filepath.Join(filepath.Dir(c.Path), p)
	}
	if a, err := filepath.Abs(p); err == nil {
		p = a
	}
	return p
}

// resolvePaths makes relative file paths relative to the config's folder, so
// that veille behaves the same whatever directory it is started from.
func (c *Config) resolvePaths() {
	dir := filepath.Dir(c.Path)
	abs := func(p *string) {
		if *p != "" {
			*p = c.resolve(*p)
		}
	}
	abs(&c.Store)
	abs(&c.LexiconDir)
	abs(&c.Digest.Templates)
	abs(&c.SMTP.PasswordFile)
	abs(&c.SMTP.CAFile)
	for i := range c.Watchlists {
		w := &c.Watchlists[i]
		// The CSV's short name is kept for messages (agro.csv:5: ...).
		w.csvName = w.ProspectsCSV
		if w.csvName != "" && !filepath.IsAbs(w.csvName) {
			w.csvName = filepath.Join(dir, w.csvName)
		}
		abs(&w.ProspectsCSV)
	}
}
