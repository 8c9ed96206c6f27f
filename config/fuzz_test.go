package config

import (
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// FuzzLoad feeds arbitrary bytes to Load: whatever the file holds, Load must
// return a Config or Errors, never panic.
func FuzzLoad(f *testing.F) {
	seeds := []string{
		minimal,
		"",
		"bogus: 1\n",
		"- a\n",
		"smtp: {port: x, port: y}\n",
		"poll: \"TZ=0\"\ndigest: {schedule: \"CRON_TZ=Europe/Paris\"}\n",
		"a: &a [*a]\n",
		"watchlists:\n  - prospects: [{name: x, pages: [{url: 'http://x', item: '@'}]}]\n",
		"retention: ${X}\nsmtp: {password: ${}\n",
		"fetch: {timeout: {a: b}, max_body: [1]}\n",
		"smtp: {" + strings.Repeat("a: 1, ", 200) + "}\n",
	}
	if b, err := os.ReadFile(filepath.Join("testdata", "full.yaml")); err == nil {
		seeds = append(seeds, string(b))
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(dir, "veille.yaml")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Load(p, Options{Getenv: env(map[string]string{"X": "1d"})})
		if (c == nil) == (err == nil) {
			t.Fatalf("Load returned config %v and error %v: want exactly one", c != nil, err)
		}
		if err != nil {
			if _, ok := err.(Errors); !ok {
				t.Fatalf("error is %T, want Errors", err)
			}
		}
	})
}

// TestFullExampleHasEveryKey keeps testdata/full.yaml complete as fields are
// added: every yaml key of Config must appear in it.
func TestFullExampleHasEveryKey(t *testing.T) {
	c, err := Load(filepath.Join("testdata", "full.yaml"), Options{Getenv: env(map[string]string{"SMTP_USER": "u"})})
	if err != nil {
		t.Fatal(err)
	}
	index := regexp.MustCompile(`\[\d+\]`)
	written := map[string]bool{}
	for p := range c.src.lines {
		written[index.ReplaceAllString(p, "[]")] = true
	}
	// smtp.password is the one key left out: it excludes password_file.
	written["smtp.password"] = true
	var missing []string
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		for i := range t.NumField() {
			f := t.Field(i)
			name := yamlName(f)
			if !f.IsExported() || name == "" {
				continue
			}
			p := joinPath(path, name)
			if !written[p] {
				missing = append(missing, p)
			}
			ft := f.Type
			if ft.Kind() == reflect.Slice {
				ft, p = ft.Elem(), p+"[]"
			}
			if ft.Kind() == reflect.Struct {
				walk(ft, p)
			}
		}
	}
	walk(reflect.TypeFor[Config](), "")
	slices.Sort(missing)
	if len(missing) > 0 {
		t.Errorf("testdata/full.yaml lacks %q", missing)
	}
}

// FuzzProspectsCSV feeds arbitrary CRM exports to the CSV reader: it must
// never panic, and every prospect it returns has a name and a row.
func FuzzProspectsCSV(f *testing.F) {
	for _, s := range []string{
		"name,domain\nA,a.fr\n",
		"\ufeffname;aliases;effectif\nA;x| y ||;12\n",
		"name,name\n\"a\n",
		"domain\nx\n",
		"name,,\n,,\nA,,\n",
		"",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, _ := parseProspectsCSV("agro.csv", data)
		for _, p := range ps {
			if p.Name == "" || p.origin.line < 2 {
				t.Fatalf("prospect %+v: want a name and a row after the header", p)
			}
		}
	})
}

// TestLoadHostileSize checks that files made to be slow are refused fast:
// yaml alone reports every pair of duplicate keys.
func TestLoadHostileSize(t *testing.T) {
	writeFiles(t, map[string]string{
		"dups.yaml": "smtp: {" + strings.Repeat("a: 1, ", 20000) + "}\n",
		"unknown.yaml": "smtp:\n" + strings.Repeat("  k: 1\n", 1) + func() string {
			var b strings.Builder
			for i := range 4000 {
				b.WriteString("  k" + strconv.Itoa(i) + ": 1\n")
			}
			return b.String()
		}(),
	})
	if err := os.WriteFile("deep.yaml", []byte("watchlists: "+strings.Repeat("[", 3000)+strings.Repeat("]", 3000)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"dups.yaml", "unknown.yaml", "deep.yaml"} {
		if _, err := Load(name, Options{}); err == nil {
			t.Fatalf("%s: no error", name)
		}
	}
	_, err := Load("dups.yaml", Options{})
	sameLines(t, problemLines(t, err), []string{"dups.yaml:1: a mapping of more than 5000 keys: is this a veille config?"})
	writeFiles(t, map[string]string{"dups.yaml": "smtp: {" + strings.Repeat("a: 1, ", 300) + "}\n"})
	_, err = Load("dups.yaml", Options{})
	sameLines(t, problemLines(t, err), []string{"dups.yaml: 299 duplicate keys: is this a veille config?"})
}
