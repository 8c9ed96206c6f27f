package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	_ "time/tzdata" // minimal container images have no zoneinfo; timezones must still load

	"go.yaml.in/yaml/v3"
)

// Options carries what the config package must know but may not import.
type Options struct {
	// Labels are the known signal ids (signals.LabelIDs()). Nil means the
	// nine signals (signals.LabelIDs).
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
	// broken are the paths whose value could not be read; Validate stays
	// quiet about them, since their zero values would only add misleading
	// problems.
	broken []string
}

// isBroken reports whether path is, or is inside, a value that could not be read.
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
	data, err := readCapped(path, "a veille config")
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

// maxFileSize caps the config and CSV files: decoding costs several times
// a file's size in memory, and no real config or watch list comes near it.
const maxFileSize = 16 << 20

// errTooLarge is a file over maxFileSize; its text is the whole message.
type errTooLarge struct{ what string }

func (e errTooLarge) Error() string {
	return fmt.Sprintf("larger than %d MiB: is this %s?", maxFileSize>>20, e.what)
}

// readCapped reads path whole unless it holds more than maxFileSize bytes;
// what names the expected content for the error.
func readCapped(path, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > maxFileSize {
		return nil, errTooLarge{what}
	}
	// Not a regular file (a pipe) or growing: the limit holds while reading.
	data, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxFileSize {
		return nil, errTooLarge{what}
	}
	return data, nil
}

func readError(err error) string {
	var tl errTooLarge
	if errors.As(err, &tl) {
		return tl.Error()
	}
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
		return nil, []Problem{syntaxProblem(file, data, err)}
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

// syntaxProblem locates an error of YAML syntax. yaml builds no node for
// it: the line is only in its message, "yaml: line N: ...", where N counts
// from 1 for errors of yaml's scanner and from 0 for errors of its parser.
// Parsing again with an empty line inserted after line N tells the two
// apart: an error on line N stays there, one on line N+1 moves down a line.
func syntaxProblem(file string, data []byte, err error) Problem {
	line, msg, ok := splitYAMLError(err)
	if !ok {
		return Problem{File: file, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if shifted, ok := insertEmptyLine(data, line); ok {
		if moved, msg2, ok := splitYAMLError(firstDocumentError(shifted)); ok && moved == line+1 && msg2 == msg {
			line++
		}
	}
	return Problem{File: file, Line: line, Msg: "invalid YAML: " + msg}
}

// splitYAMLError reads the line and the message out of a yaml syntax error.
func splitYAMLError(err error) (line int, msg string, ok bool) {
	if err == nil {
		return 0, "", false
	}
	rest, found := strings.CutPrefix(err.Error(), "yaml: line ")
	if !found {
		return 0, "", false
	}
	n, msg, found := strings.Cut(rest, ": ")
	line, convErr := strconv.Atoi(n)
	if !found || convErr != nil {
		return 0, "", false
	}
	return line, msg, true
}

// insertEmptyLine returns data with an empty line after its line n (1-based,
// counted as yaml counts them), or false when nothing follows line n: an
// error at the end of the file would move with any line added, so it is left
// on the last line.
func insertEmptyLine(data []byte, n int) ([]byte, bool) {
	seen := 0
	for i := 0; i < len(data); {
		size := lineBreak(data[i:])
		if size == 0 {
			i++
			continue
		}
		i += size
		if seen++; seen == n {
			if i == len(data) {
				return nil, false
			}
			// The break is repeated as written: a \n after a lone \r
			// would make one \r\n break, not two.
			out := make([]byte, 0, len(data)+size)
			out = append(out, data[:i]...)
			out = append(out, data[i-size:i]...)
			return append(out, data[i:]...), true
		}
	}
	return nil, false
}

// lineBreak returns the length of the line break b starts with, 0 if none:
// yaml breaks lines at \r\n, \r, \n, NEL, LS and PS.
func lineBreak(b []byte) int {
	switch {
	case bytes.HasPrefix(b, []byte("\r\n")):
		return 2
	case b[0] == '\r' || b[0] == '\n':
		return 1
	case bytes.HasPrefix(b, []byte("\u0085")):
		return 2
	case bytes.HasPrefix(b, []byte("\u2028")), bytes.HasPrefix(b, []byte("\u2029")):
		return 3
	}
	return 0
}

func firstDocumentError(data []byte) error {
	var n yaml.Node
	return yaml.NewDecoder(bytes.NewReader(data)).Decode(&n)
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
	abs(&c.AdminTokenFile)
	abs(&c.PublicSecretFile)
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
