package config

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
)

// loadCSVs appends each watch list's CSV prospects after its inline ones. A
// missing file is left to Validate, which reports it at the prospects_csv
// line; every other problem is reported at its CSV row.
func (c *Config) loadCSVs() []Problem {
	var problems []Problem
	for i := range c.Watchlists {
		w := &c.Watchlists[i]
		if w.ProspectsCSV == "" {
			continue
		}
		data, err := readCapped(w.ProspectsCSV, "a prospects CSV")
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			path := fmt.Sprintf("watchlists[%d].prospects_csv", i)
			problems = append(problems, Problem{File: c.Path, Line: c.src.line(path), Path: path, Msg: readError(err)})
			continue
		}
		ps, probs := parseProspectsCSV(w.csvName, data)
		w.Prospects = append(w.Prospects, ps...)
		problems = append(problems, probs...)
	}
	return problems
}

// csvColumns are the columns with a meaning of their own; any other column is
// a custom field that fit rules can test.
var csvColumns = map[string]bool{
	"name": true, "crm_id": true, "aliases": true, "domain": true,
	"owner": true, "site": true, "feeds": true, "exclude": true, "siren": true,
}

// parseProspectsCSV reads a CRM export: a header row, then one prospect a
// row. file is used in messages only.
func parseProspectsCSV(file string, data []byte) ([]Prospect, []Problem) {
	// Excel writes a BOM in front of UTF-8 CSVs, which would otherwise stick
	// to the first column's name.
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = detectComma(data)
	r.FieldsPerRecord = -1 // counted below, to report a row rather than stop
	r.TrimLeadingSpace = true

	var problems []Problem
	bad := func(line int, path, msg string) {
		problems = append(problems, Problem{File: file, Line: line, Path: path, Msg: msg})
	}
	header, err := r.Read()
	if err == io.EOF {
		bad(0, "", "empty file: expected a header row such as name,domain,owner")
		return nil, problems
	}
	if err != nil {
		bad(csvErrLine(err), "", csvErrMsg(err))
		return nil, problems
	}
	// Spreadsheets often export stray empty columns at the right: ignore them
	// (their cells must then be empty too, which the row check below sees).
	for len(header) > 0 && strings.TrimSpace(header[len(header)-1]) == "" {
		header = header[:len(header)-1]
	}
	cols := make([]string, len(header))
	seen := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		if csvColumns[strings.ToLower(h)] {
			h = strings.ToLower(h)
		}
		cols[i] = h
		switch {
		case h == "":
			bad(1, "", fmt.Sprintf("column %d has no name", i+1))
		case seen[h] > 0:
			bad(1, "", fmt.Sprintf("column %q appears twice (columns %d and %d)", h, seen[h], i+1))
		default:
			seen[h] = i + 1
		}
	}
	if seen["name"] == 0 {
		bad(1, "", `no "name" column (columns: `+strings.Join(cols, ", ")+")")
		return nil, problems
	}

	var out []Prospect
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			// The reader cannot resynchronise after a broken quote: stop here.
			bad(csvErrLine(err), "", csvErrMsg(err))
			break
		}
		line, _ := r.FieldPos(0)
		if isBlankRecord(rec) {
			continue
		}
		for len(rec) > len(cols) && strings.TrimSpace(rec[len(rec)-1]) == "" {
			rec = rec[:len(rec)-1]
		}
		if len(rec) != len(cols) {
			bad(line, "", fmt.Sprintf("%d columns, the header has %d", len(rec), len(cols)))
			continue
		}
		p := Prospect{origin: origin{file: file, line: line, csv: true}}
		for i, cell := range rec {
			cell = strings.TrimSpace(cell)
			if cell == "" || cols[i] == "" {
				continue
			}
			switch cols[i] {
			case "name":
				p.Name = cell
			case "crm_id":
				p.CRMID = cell
			case "aliases":
				p.Aliases = splitCell(cell)
			case "domain":
				p.Domain = cell
			case "siren":
				p.SIREN = cell
			case "owner":
				p.Owner = cell
			case "site":
				p.Site = cell
			case "feeds":
				p.Feeds = splitCell(cell)
			case "exclude":
				p.Exclude = splitCell(cell)
			default:
				if p.Fields == nil {
					p.Fields = map[string]string{}
				}
				p.Fields[cols[i]] = cell
			}
		}
		if p.Name == "" {
			bad(line, "name", "empty")
			continue
		}
		out = append(out, p)
	}
	return out, problems
}

// detectComma picks ';' when the header has semicolons and no comma: French
// Excel exports use ';' because ',' is the decimal separator.
func detectComma(data []byte) rune {
	header, _, _ := bytes.Cut(data, []byte("\n"))
	if !bytes.ContainsRune(header, ',') && bytes.ContainsRune(header, ';') {
		return ';'
	}
	return ','
}

// splitCell splits a multi-valued cell: "a | b||c" → [a b c].
func splitCell(s string) []string {
	var out []string
	for _, part := range strings.Split(s, "|") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func isBlankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func csvErrLine(err error) int {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Line
	}
	return 0
}

func csvErrMsg(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return "invalid CSV: " + pe.Err.Error()
	}
	return "invalid CSV: " + err.Error()
}

// ParseProspectsCSV reads a CRM export as prospects_csv does (BOM, ';' or
// ',', the same columns), for tools that turn one into a prospects list.
// file is used in messages only.
func ParseProspectsCSV(file string, data []byte) ([]Prospect, []Problem) {
	return parseProspectsCSV(file, data)
}
