package config

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// writeFiles writes files into a fresh folder and makes it the working
// directory, so that Load("veille.yaml") reports short, stable file names.
func writeFiles(t *testing.T, files map[string]string) {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
}

func env(vars map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := vars[k]
		return v, ok
	}
}

// problemLines returns each problem of err as its formatted line.
func problemLines(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	var errs Errors
	if !errors.As(err, &errs) {
		t.Fatalf("error is %T, not config.Errors: %v", err, err)
	}
	lines := make([]string, len(errs))
	for i, p := range errs {
		lines[i] = p.Error()
	}
	return lines
}

func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n got:\n  %s\n want:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

// minimal is the smallest valid file; cases below start from it.
const minimal = `smtp:
  host: smtp.example.com
  from: veille@example.com
reps:
  - {id: alice, name: Alice, email: alice@example.com}
watchlists:
  - id: agro
    owner: alice
    prospects:
      - name: Breizh Conserves
`

const knownSignals = "buzz, hr_moves, new_sites, financial_pub, development, financial_growth, difficulty, innovation, international"

func TestLoadMinimal(t *testing.T) {
	writeFiles(t, map[string]string{"veille.yaml": minimal})
	c, err := Load("veille.yaml", Options{Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Watchlists[0].Prospects[0].Owner; got != "alice" {
		t.Errorf("prospect owner = %q, want alice (inherited from its watch list)", got)
	}
}

func TestLoadProblems(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		env   map[string]string
		want  []string
	}{
		{
			name:  "unknown key at top level and in a flow mapping",
			files: map[string]string{"veille.yaml": "bogus: 1\n" + strings.Replace(minimal, "name: Alice,", "name: Alice, colour: red,", 1)},
			want: []string{
				`veille.yaml:1: bogus: unknown key "bogus" (known: timezone, store, retention, listen, poll, fetch, smtp, digest, scoring, reps, admins, lexicon_dir, registries, watchlists, admin_token_file, metrics_auth, crm_url, public_url, public_listen, public_secret_file, public_link_ttl)`,
				`veille.yaml:6: reps[0].colour: unknown key "colour" (known: id, name, email, language, timezone, webhook)`,
			},
		},
		{
			name:  "the same unknown key twice on one line",
			files: map[string]string{"veille.yaml": minimal + "admins: [a@example.com]\nfit: 1\nscoring: {points: {buzz: 1}, hott: 1, hott2: 2}\nreps2: [{x: 1}, {x: 2}]\n"},
			want: []string{
				`veille.yaml:12: fit: unknown key "fit" (known: timezone, store, retention, listen, poll, fetch, smtp, digest, scoring, reps, admins, lexicon_dir, registries, watchlists, admin_token_file, metrics_auth, crm_url, public_url, public_listen, public_secret_file, public_link_ttl)`,
				`veille.yaml:13: scoring.hott: unknown key "hott" (did you mean hot?)`,
				`veille.yaml:13: scoring.hott2: unknown key "hott2" (did you mean hot?)`,
				`veille.yaml:14: reps2: unknown key "reps2" (did you mean reps?)`,
			},
		},
		{
			name:  "unknown keys in list items on one line",
			files: map[string]string{"veille.yaml": strings.Replace(minimal, "reps:\n  - {id: alice, name: Alice, email: alice@example.com}\n", "reps: [{id: alice, email: alice@example.com, x: 1}, {id: bob, email: bob@example.com, x: 2}]\n", 1)},
			want: []string{
				`veille.yaml:4: reps[0].x: unknown key "x" (known: id, name, email, language, timezone, webhook)`,
				`veille.yaml:4: reps[1].x: unknown key "x" (known: id, name, email, language, timezone, webhook)`,
			},
		},
		{
			name:  "wrong type",
			files: map[string]string{"veille.yaml": minimal + "fetch:\n  concurrency: many\n  robots: perhaps\n  timeout: [1]\n"},
			want: []string{
				`veille.yaml:12: fetch.concurrency: expected a whole number, got "many"`,
				`veille.yaml:13: fetch.robots: expected true or false, got "perhaps"`,
				`veille.yaml:14: fetch.timeout: expected a duration such as 30s or 30d, got a list`,
			},
		},
		{
			name:  "wrong type for a list",
			files: map[string]string{"veille.yaml": minimal + "admins: ops@example.com\n"},
			want:  []string{`veille.yaml:11: admins: expected a list, got "ops@example.com"`},
		},
		{
			name:  "bad duration and size",
			files: map[string]string{"veille.yaml": minimal + "retention: 3 weeks\nfetch: {max_body: 8 megs}\n"},
			want: []string{
				`veille.yaml:11: retention: invalid duration "3 weeks" (use e.g. 30s, 15m, 12h, 30d)`,
				`veille.yaml:12: fetch.max_body: invalid size "8 megs" (use e.g. 8MiB, 512KiB)`,
			},
		},
		{
			name:  "duplicate key",
			files: map[string]string{"veille.yaml": strings.Replace(minimal, "  from: veille@example.com\n", "  from: veille@example.com\n  host: other.example.com\n", 1)},
			want:  []string{`veille.yaml:4: smtp.host: duplicate key (first at line 2)`},
		},
		{
			name:  "a duplicate key does not hide the rest of its mapping",
			files: map[string]string{"veille.yaml": strings.Replace(minimal, "  from: veille@example.com\n", "  from: veille@example.com\n  host: other.example.com\n  port: many\n", 1)},
			want: []string{
				`veille.yaml:4: smtp.host: duplicate key (first at line 2)`,
				`veille.yaml:5: smtp.port: expected a whole number, got "many"`,
			},
		},
		{
			name:  "wrong types inside lists and maps",
			files: map[string]string{"veille.yaml": minimal + "    keywords: {appel: many, appel: 2, salon: 3}\n    terms: {buzz: salon}\nadmins: [ops@example.com, [x]]\n"},
			want: []string{
				`veille.yaml:11: watchlists[0].keywords.appel: duplicate key (first at line 11)`,
				`veille.yaml:11: watchlists[0].keywords.appel: expected a whole number, got "many"`,
				`veille.yaml:12: watchlists[0].terms.buzz: expected a list, got "salon"`,
				`veille.yaml:13: admins[1]: expected a string, got a list`,
			},
		},
		{
			name:  "bad merge key",
			files: map[string]string{"veille.yaml": minimal + "fetch: {<<: 1}\n"},
			want:  []string{`veille.yaml:11: fetch: <<: expected a mapping or a list of mappings to merge, got "1"`},
		},
		{
			name:  "a value reached through an alias is located at its anchor",
			files: map[string]string{"veille.yaml": "x: &bad many\n" + minimal + "fetch: {concurrency: *bad}\n"},
			want: []string{
				`veille.yaml:1: x: unknown key "x" (known: timezone, store, retention, listen, poll, fetch, smtp, digest, scoring, reps, admins, lexicon_dir, registries, watchlists, admin_token_file, metrics_auth, crm_url, public_url, public_listen, public_secret_file, public_link_ttl)`,
				`veille.yaml:1: fetch.concurrency: expected a whole number, got "many"`,
			},
		},
		{
			name: "duplicate ids and names",
			files: map[string]string{"veille.yaml": `smtp: {host: smtp.example.com, from: veille@example.com}
reps:
  - {id: alice, email: alice@example.com}
  - {id: alice, email: alice2@example.com}
watchlists:
  - id: agro
    owner: alice
    prospects:
      - name: Breizh Conserves
      - name: breizh conserves
  - id: agro
    owner: alice
`},
			want: []string{
				`veille.yaml:4: reps[1].id: duplicate rep id "alice"`,
				`veille.yaml:10: watchlists[0].prospects[1].name: duplicate prospect "breizh conserves" in watch list "agro" (first at veille.yaml:9)`,
				`veille.yaml:11: watchlists[1].id: duplicate watch list id "agro"`,
			},
		},
		{
			name: "unknown rep and missing owner",
			files: map[string]string{"veille.yaml": `smtp: {host: smtp.example.com, from: veille@example.com}
reps:
  - {id: alice, email: alice@example.com}
watchlists:
  - id: agro
    owner: bob
    prospects:
      - name: A
      - {name: B, owner: carol}
  - id: tech
    prospects:
      - name: C
`},
			want: []string{
				`veille.yaml:6: watchlists[0].owner: unknown rep "bob" (known: alice)`,
				`veille.yaml:9: watchlists[0].prospects[1].owner: unknown rep "carol" (known: alice)`,
				`veille.yaml:12: watchlists[1].prospects[0].owner: required: set owner on the prospect or on its watch list`,
			},
		},
		{
			name: "unknown signal",
			files: map[string]string{"veille.yaml": minimal + `    points: {difficulty: 10, finance: 5}
    terms:
      new_sites: [entrepôt]
      sites: [usine]
    alert_on: [hr_moves, hiring]
scoring:
  points: {buzz: 1, buzzz: 2}
`},
			want: []string{
				`veille.yaml:11: watchlists[0].points: unknown signal "finance" (known: ` + knownSignals + `)`,
				`veille.yaml:14: watchlists[0].terms: unknown signal "sites" (known: ` + knownSignals + `)`,
				`veille.yaml:15: watchlists[0].alert_on[1]: unknown signal "hiring" (known: ` + knownSignals + `)`,
				`veille.yaml:17: scoring.points: unknown signal "buzzz" (known: ` + knownSignals + `)`,
			},
		},
		{
			name:  "bad cron, including inputs that panic robfig/cron",
			files: map[string]string{"veille.yaml": minimal + "poll: \"CRON_TZ=Europe/Paris\"\ndigest:\n  schedule: TZ=0\n"},
			want: []string{
				`veille.yaml:11: poll: invalid cron expression "CRON_TZ=Europe/Paris": expected 5 fields such as "30 7 * * 1-5", optionally after CRON_TZ=Area/City`,
				`veille.yaml:13: digest.schedule: invalid cron expression "TZ=0": expected 5 fields such as "30 7 * * 1-5", optionally after CRON_TZ=Area/City`,
			},
		},
		{
			name:  "bad cron fields",
			files: map[string]string{"veille.yaml": minimal + "poll: every day\ndigest: {schedule: \"61 7 * * *\"}\n"},
			want: []string{
				`veille.yaml:11: poll: invalid cron expression "every day": expected exactly 5 fields, found 2: [every day]`,
				`veille.yaml:12: digest.schedule: invalid cron expression "61 7 * * *": end of range (61) above maximum (59): 61`,
			},
		},
		{
			name: "bad URL",
			files: map[string]string{"veille.yaml": minimal + `        site: breizh-conserves.fr
        feeds: [https://ok.example/feed, "ftp://x.example/feed"]
    feeds: [/news.rss]
`},
			want: []string{
				`veille.yaml:11: watchlists[0].prospects[0].site: expected an absolute http or https URL, got "breizh-conserves.fr"`,
				`veille.yaml:12: watchlists[0].prospects[0].feeds[1]: expected an absolute http or https URL, got "ftp://x.example/feed"`,
				`veille.yaml:13: watchlists[0].feeds[0]: expected an absolute http or https URL, got "/news.rss"`,
			},
		},
		{
			name: "bad selector and page modes",
			files: map[string]string{"veille.yaml": minimal + `        pages:
          - {url: https://x.example/news, item: "article[", link: "a@href", date: "@datetime"}
          - {url: https://x.example/jobs, watch: changes}
          - {url: https://x.example/a, title: h2}
          - {url: https://x.example/b, watch: always, select: "li >> a"}
`},
			want: []string{
				`veille.yaml:12: watchlists[0].prospects[0].pages[0].item: invalid CSS selector "article[": expected identifier, found EOF instead`,
				`veille.yaml:13: watchlists[0].prospects[0].pages[1].select: required with watch: changes: the selector of the elements to count`,
				`veille.yaml:14: watchlists[0].prospects[0].pages[2].item: required: the selector of one news item on the page (or set watch: changes)`,
				`veille.yaml:15: watchlists[0].prospects[0].pages[3].watch: expected "changes" or nothing, got "always"`,
				`veille.yaml:15: watchlists[0].prospects[0].pages[3].select: invalid CSS selector "li >> a": expected identifier, found > instead`,
			},
		},
		{
			name:  "missing CSV",
			files: map[string]string{"veille.yaml": minimal + "    prospects_csv: lists/agro.csv\n"},
			want:  []string{`veille.yaml:11: watchlists[0].prospects_csv: lists/agro.csv: no such file`},
		},
		{
			name: "CSV bad rows",
			files: map[string]string{
				"veille.yaml": minimal + "    prospects_csv: agro.csv\n",
				"agro.csv":    "name,domain,owner,site,feeds\nA,a.fr,,,\n,b.fr,alice,,\nC,c.fr\nD,d.fr,zoe,,\nF,f.fr,,f.fr,https://f.fr/rss|/feed\nE,\"e.fr\n",
			},
			want: []string{
				`agro.csv:3: name: empty`,
				`agro.csv:4: 2 columns, the header has 5`,
				`agro.csv:5: owner: unknown rep "zoe" (known: alice)`,
				`agro.csv:6: site: expected an absolute http or https URL, got "f.fr"`,
				`agro.csv:6: feeds: expected an absolute http or https URL, got "/feed"`,
				`agro.csv:7: invalid CSV: extraneous or missing " in quoted-field`,
			},
		},
		{
			name: "CSV prospect duplicates an inline one",
			files: map[string]string{
				"veille.yaml": minimal + "    prospects_csv: agro.csv\n",
				"agro.csv":    "name;effectif\nBREIZH CONSERVES;120\n",
			},
			want: []string{`agro.csv:2: name: duplicate prospect "BREIZH CONSERVES" in watch list "agro" (first at veille.yaml:10)`},
		},
		{
			name:  "three problems are all reported",
			files: map[string]string{"veille.yaml": "timezone: Europe/Pariss\n" + minimal + "listen: localhost\nscoring: {hot: 30}\n"},
			want: []string{
				`veille.yaml:1: timezone: unknown time zone "Europe/Pariss" (use an IANA name such as Europe/Paris)`,
				`veille.yaml:12: listen: expected host:port such as 127.0.0.1:9471, got "localhost"`,
				`veille.yaml:13: scoring.hot: must be above scoring.potential (40), got 30`,
			},
		},
		{
			name:  "unset environment variable",
			files: map[string]string{"veille.yaml": minimal + "lexicon_dir: ${LEXICON}/fr\n"},
			want:  []string{`veille.yaml:11: lexicon_dir: environment variable LEXICON is not set`},
		},
		{
			name: "smtp checks",
			files: map[string]string{"veille.yaml": `smtp: {host: mail.example.com, port: 70000, tls: none, from: "not an address", password: x, password_file: secret}
admins: [ops@example.com, ops]
`},
			want: []string{
				`veille.yaml:1: smtp.tls: none sends the password and mail in clear to mail.example.com: set allow_insecure: true to accept that`,
				`veille.yaml:1: smtp.port: must be between 1 and 65535, got 70000`,
				`veille.yaml:1: smtp.from: invalid email address "not an address"`,
				`veille.yaml:1: smtp.password_file: set password or password_file, not both`,
				`veille.yaml:1: smtp.password_file: ` + "$DIR" + `/secret: no such file or directory`,
				`veille.yaml:2: admins[1]: invalid email address "ops"`,
			},
		},
		{
			name: "fit rules",
			files: map[string]string{"veille.yaml": minimal + `    fit:
      - {field: headcount, min: 50, equals: "50", points: 10}
      - {min: 10, max: 5, points: 3}
      - {field: sector, in: [agro]}
`},
			want: []string{
				`veille.yaml:12: watchlists[0].fit[0]: needs exactly one test: min and/or max, equals, or in`,
				`veille.yaml:13: watchlists[0].fit[1].field: required: the prospect field the rule tests`,
				`veille.yaml:13: watchlists[0].fit[1].min: must not be above max (10 > 5)`,
				`veille.yaml:14: watchlists[0].fit[2].points: required: the points the rule adds (negative to subtract)`,
			},
		},
		{
			name:  "languages, zones and directories",
			files: map[string]string{"veille.yaml": strings.Replace(minimal, "email: alice@example.com}", "email: alice@example.com, language: de, timezone: Mars/Olympus}", 1) + "digest: {language: es, templates: veille.yaml}\n"},
			want: []string{
				`veille.yaml:5: reps[0].language: expected fr or en, got "de"`,
				`veille.yaml:5: reps[0].timezone: unknown time zone "Mars/Olympus" (use an IANA name such as Europe/Paris)`,
				`veille.yaml:11: digest.language: expected fr or en, got "es"`,
				`veille.yaml:11: digest.templates: $DIR/veille.yaml is not a directory`,
			},
		},
		{
			name:  "explicit zero is kept and reported",
			files: map[string]string{"veille.yaml": minimal + "fetch: {concurrency: 0, timeout: 0s}\n"},
			want: []string{
				`veille.yaml:11: fetch.timeout: must be more than 0`,
				`veille.yaml:11: fetch.concurrency: must be at least 1`,
			},
		},
		{
			name:  "ids that cannot name a file",
			files: map[string]string{"veille.yaml": strings.Replace(strings.Replace(minimal, "id: alice,", "id: ../alice,", 1), "owner: alice", "owner: ../alice", 1) + "  - id: \"agro bretagne\"\n    owner: ../alice\n"},
			want: []string{
				`veille.yaml:5: reps[0].id: "../alice": use letters, digits, '.', '_' and '-' (it names files and URLs)`,
				`veille.yaml:11: watchlists[1].id: "agro bretagne": use letters, digits, '.', '_' and '-' (it names files and URLs)`,
			},
		},
		{
			name:  "second document",
			files: map[string]string{"veille.yaml": minimal + "---\ntimezone: UTC\n"},
			want:  []string{`veille.yaml:11: a second YAML document (after ---): veille reads only the first; remove it or merge it into the first`},
		},
		{
			name:  "empty file",
			files: map[string]string{"veille.yaml": "# nothing yet\n"},
			want:  []string{`veille.yaml: empty file: expected keys such as smtp, reps and watchlists`},
		},
		{
			name:  "syntax error",
			files: map[string]string{"veille.yaml": "smtp:\n  host: [a\nreps: 1\n"},
			want:  []string{`veille.yaml:2: invalid YAML: did not find expected ',' or ']'`},
		},
		{
			name:  "syntax error reported by the parser, not the scanner",
			files: map[string]string{"veille.yaml": "timezone: UTC\npoll: x\n- c\n"},
			want:  []string{`veille.yaml:3: invalid YAML: did not find expected key`},
		},
		{
			name:  "syntax error in a file with CRLF line ends",
			files: map[string]string{"veille.yaml": "timezone: UTC\r\npoll: x\r\n- c\r\n"},
			want:  []string{`veille.yaml:3: invalid YAML: did not find expected key`},
		},
		{
			name:  "syntax error at the end of the file is on its last line",
			files: map[string]string{"veille.yaml": "smtp:\n  host: {"},
			want:  []string{`veille.yaml:2: invalid YAML: did not find expected node content`},
		},
		{
			name:  "tab in indentation",
			files: map[string]string{"veille.yaml": "admins:\n\t- ops@example.com\n"},
			want:  []string{`veille.yaml:2: invalid YAML: found character that cannot start any token`},
		},
		{
			name:  "top level is not a mapping",
			files: map[string]string{"veille.yaml": "- a\n- b\n"},
			want:  []string{`veille.yaml:1: expected a mapping, got a list`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeFiles(t, tt.files)
			dir, _ := os.Getwd()
			_, err := Load("veille.yaml", Options{Getenv: env(tt.env)})
			want := make([]string, len(tt.want))
			for i, w := range tt.want {
				want[i] = strings.ReplaceAll(w, "$DIR", dir)
			}
			sameLines(t, problemLines(t, err), want)
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	writeFiles(t, nil)
	_, err := Load("nope.yaml", Options{})
	sameLines(t, problemLines(t, err), []string{"nope.yaml: cannot read: no such file or directory"})
}

// TestLoadAliasesAndMerges checks that anchors, aliases and merge keys read
// as YAML defines them: a mapping's own keys win over merged ones.
func TestLoadAliasesAndMerges(t *testing.T) {
	writeFiles(t, map[string]string{"veille.yaml": `smtp: {host: smtp.example.com, from: veille@example.com}
reps:
  - &alice {id: alice, email: alice@example.com, language: en}
  - {<<: *alice, id: bob, email: bob@example.com}
watchlists:
  - id: agro
    owner: alice
    fit: &fit
      - {field: headcount, min: 50, points: 10}
    prospects:
      - &breizh {name: Breizh Conserves, fields: {headcount: "120"}}
  - id: tech
    owner: bob
    fit: *fit
    prospects:
      - {<<: [{name: Penmore, domain: a.example}, *breizh], crm_id: "42"}
`})
	c, err := Load("veille.yaml", Options{Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	bob, _ := c.RepByID("bob")
	if bob.Email != "bob@example.com" || bob.Language != "en" {
		t.Errorf("bob = %+v, want his own email and alice's language", bob)
	}
	tech := c.Watchlists[1]
	if len(tech.Fit) != 1 || *tech.Fit[0].Min != 50 {
		t.Errorf("tech fit = %+v, want the aliased rule", tech.Fit)
	}
	p := tech.Prospects[0]
	if p.Name != "Penmore" || p.Domain != "a.example" || p.CRMID != "42" || p.Fields["headcount"] != "120" {
		t.Errorf("merged prospect = %+v", p)
	}
	if got := p.Where(); got != "veille.yaml:16" {
		t.Errorf("Where() = %q, want the line of the merging item", got)
	}
}

// TestLoadManyProblems checks that a file with hundreds of mistakes gets a
// readable answer, and that aliases cannot multiply a small file into a huge
// config.
func TestLoadManyProblems(t *testing.T) {
	var unknown strings.Builder
	unknown.WriteString(minimal + "fetch:\n")
	for i := range 250 {
		fmt.Fprintf(&unknown, "  k%d: 1\n", i)
	}
	// A hundred watch lists of a hundred prospects of a hundred pages, in
	// a few kilobytes.
	bomb := "x: &pages [" + strings.Repeat("{url: https://a.example/}, ", 100) + "]\n" +
		"y: &prospect {name: A, pages: *pages}\n" +
		"z: &prospects [" + strings.Repeat("*prospect, ", 100) + "]\n" +
		"w: &list {id: agro, owner: alice, prospects: *prospects}\n" +
		strings.Replace(minimal, "watchlists:\n", "watchlists: ["+strings.Repeat("*list, ", 100)+"]\nunused:\n", 1)
	writeFiles(t, map[string]string{"unknown.yaml": unknown.String(), "bomb.yaml": bomb})

	_, err := Load("unknown.yaml", Options{Getenv: env(nil)})
	got := problemLines(t, err)
	if len(got) != 201 || got[200] != "unknown.yaml:261: 50 more problems not shown" {
		t.Errorf("%d problems, last %q: want 200 and a count of the rest", len(got), got[len(got)-1])
	}

	_, err = Load("bomb.yaml", Options{Getenv: env(nil)})
	got = problemLines(t, err)
	if !slices.ContainsFunc(got, func(l string) bool { return strings.Contains(l, "too many values reached through aliases") }) {
		t.Errorf("alias bomb: problems %q, want the aliases refused", got)
	}
}

// TestLoadSizeLimit checks that a config or a CSV over 16 MiB is refused
// with a message saying so, before it is decoded.
func TestLoadSizeLimit(t *testing.T) {
	big := func(t *testing.T, name string) {
		t.Helper()
		// A sparse file: the size is real, the disk and the test stay small.
		if err := os.Truncate(name, maxFileSize+1); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("config", func(t *testing.T) {
		writeFiles(t, map[string]string{"veille.yaml": minimal})
		big(t, "veille.yaml")
		_, err := Load("veille.yaml", Options{})
		sameLines(t, problemLines(t, err), []string{"veille.yaml: larger than 16 MiB: is this a veille config?"})
	})
	t.Run("prospects csv", func(t *testing.T) {
		writeFiles(t, map[string]string{
			"veille.yaml":   strings.Replace(minimal, "    prospects:\n      - name: Breizh Conserves\n", "    prospects_csv: prospects.csv\n", 1),
			"prospects.csv": "name\nBreizh Conserves\n",
		})
		big(t, "prospects.csv")
		_, err := Load("veille.yaml", Options{})
		lines := problemLines(t, err)
		if len(lines) != 1 || !strings.HasSuffix(lines[0], "larger than 16 MiB: is this a prospects CSV?") {
			t.Errorf("problems %q, want one saying the CSV is larger than 16 MiB", lines)
		}
	})
	t.Run("just under the limit is read", func(t *testing.T) {
		writeFiles(t, map[string]string{"veille.yaml": minimal + strings.Repeat("#", maxFileSize-len(minimal)-1) + "\n"})
		if _, err := Load("veille.yaml", Options{}); err != nil {
			t.Errorf("a %d-byte config: %v", maxFileSize, err)
		}
	})
}

// TestFetchLimitsAndPrivateRanges checks fetch.max_items and
// fetch.allow_private: defaults, the ranges read, and each bad entry
// reported at its own line.
func TestFetchLimitsAndPrivateRanges(t *testing.T) {
	writeFiles(t, map[string]string{"veille.yaml": minimal + "fetch:\n  max_items: 40\n  allow_private:\n    - 10.20.0.0/16\n    - 192.168.1.10\n    - fd00::1/8\n"})
	c, err := Load("veille.yaml", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.Fetch.AllowPrivatePrefixes() {
		got = append(got, p.String())
	}
	if c.Fetch.MaxItems != 40 || strings.Join(got, " ") != "10.20.0.0/16 192.168.1.10/32 fd00::/8" {
		t.Errorf("max_items %d, allow_private %q", c.Fetch.MaxItems, got)
	}

	writeFiles(t, map[string]string{"veille.yaml": minimal})
	if c, err := Load("veille.yaml", Options{}); err != nil || c.Fetch.MaxItems != DefaultMaxItems || len(c.Fetch.AllowPrivatePrefixes()) != 0 {
		t.Errorf("defaults: %v, max_items %d; want %d and no private range", err, c.Fetch.MaxItems, DefaultMaxItems)
	}

	writeFiles(t, map[string]string{"veille.yaml": minimal + "fetch:\n  max_items: 0\n  allow_private:\n    - 10.20.0.0/16\n    - intranet.local\n    - 10.0.0.0/33\n"})
	_, err = Load("veille.yaml", Options{})
	sameLines(t, problemLines(t, err), []string{
		`veille.yaml:12: fetch.max_items: must be at least 1`,
		`veille.yaml:15: fetch.allow_private[1]: "intranet.local" is not a CIDR range nor an IP address (e.g. 10.20.0.0/16, fd00::/8, 192.168.1.10)`,
		`veille.yaml:16: fetch.allow_private[2]: "10.0.0.0/33" is not a CIDR range nor an IP address (e.g. 10.20.0.0/16, fd00::/8, 192.168.1.10)`,
	})
}
