package config

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Problem is one thing wrong with a configuration, located as precisely as the
// input allows so that an admin can go straight to it.
type Problem struct {
	File string // the config file or CSV, as the caller named it
	Line int    // 1-based; 0 when the problem concerns the file as a whole
	Path string // key path such as watchlists[0].prospects[2].feeds[1], or a CSV column
	Msg  string
}

// Error formats the problem as FILE:LINE: key.path: message, dropping the
// parts that are unknown.
func (p Problem) Error() string {
	var b strings.Builder
	if p.File != "" {
		b.WriteString(p.File)
		if p.Line > 0 {
			fmt.Fprintf(&b, ":%d", p.Line)
		}
		b.WriteString(": ")
	} else if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Path != "" {
		b.WriteString(p.Path)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Errors is every problem found; Load and Validate return it so that one run
// of `veille check` shows the admin all there is to fix.
type Errors []Problem

func (e Errors) Error() string {
	lines := make([]string, len(e))
	for i, p := range e {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// sortProblems orders problems as an editor would walk them: the main file
// first, then the other files (CSVs) by name, each by line.
func sortProblems(ps []Problem, mainFile string) {
	slices.SortStableFunc(ps, func(a, b Problem) int {
		am, bm := a.File == mainFile, b.File == mainFile
		if am != bm {
			if am {
				return -1
			}
			return 1
		}
		if c := cmp.Compare(a.File, b.File); c != 0 {
			return c
		}
		return cmp.Compare(a.Line, b.Line)
	})
}

// errorsOrNil avoids returning a non-nil error interface holding an empty list.
func errorsOrNil(ps []Problem) error {
	if len(ps) == 0 {
		return nil
	}
	return Errors(ps)
}
