package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
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

// decode turns the bytes of a config file into a Config and the problems
// found on the way, each located at its node. A nil Config means decoding
// could not start (empty file, syntax error).
func decode(file string, data []byte) (c *Config, problems []Problem) {
	// yaml reports its own errors by returning them; a panic would be a bug in
	// it on hostile input, and `veille check` must still answer.
	defer func() {
		if r := recover(); r != nil {
			c, problems = nil, []Problem{{File: file, Msg: fmt.Sprintf("cannot parse YAML: %v", r)}}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, []Problem{{File: file, Msg: emptyFile}}
		}
		return nil, []Problem{syntaxProblem(file, err)}
	}
	if isEmptyDocument(&root) {
		return nil, []Problem{{File: file, Msg: emptyFile}}
	}
	var s scan
	scanTree(&root, &s, 0)
	if s.bigLine > 0 {
		return nil, []Problem{{File: file, Line: s.bigLine, Msg: fmt.Sprintf("a mapping of more than %d keys: is this a veille config?", maxMappingKeys)}}
	}
	if s.dups > maxDuplicateKeys {
		return nil, []Problem{{File: file, Msg: fmt.Sprintf("%d duplicate keys: is this a veille config?", s.dups)}}
	}
	c = &Config{Path: file, src: &source{file: file, lines: map[string]int{}}}
	d := &decoder{file: file, src: c.src, budget: aliasFactor*s.nodes + aliasMargin}
	d.value(root.Content[0], reflect.ValueOf(c).Elem(), "")
	c.markInline()
	// A second document would be silently ignored: say so instead.
	var extra yaml.Node
	if dec.Decode(&extra) == nil {
		d.add(extra.Line, "", "a second YAML document (after ---): veille reads only the first; remove it or merge it into the first")
	}
	return c, d.finish()
}

const emptyFile = "empty file: expected keys such as smtp, reps and watchlists"

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
