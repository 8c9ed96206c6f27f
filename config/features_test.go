package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestDefaults(t *testing.T) {
	writeFiles(t, map[string]string{"veille.yaml": minimal})
	dir, _ := os.Getwd()
	c, err := Load("veille.yaml", Options{Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		key       string
		got, want any
	}{
		{"timezone", c.Timezone, "UTC"},
		{"location", c.Location.String(), "UTC"},
		{"store", c.Store, filepath.Join(dir, "veille.db")},
		{"retention", c.Retention.D(), 400 * 24 * time.Hour},
		{"listen", c.Listen, "127.0.0.1:9471"},
		{"poll", c.Poll, "*/30 * * * *"},
		{"fetch.timeout", c.Fetch.Timeout.D(), 30 * time.Second},
		{"fetch.max_body", c.Fetch.MaxBody, ByteSize(8 << 20)},
		{"fetch.concurrency", c.Fetch.Concurrency, 16},
		{"fetch.per_host_interval", c.Fetch.PerHostInterval.D(), time.Second},
		{"fetch.robots", *c.Fetch.Robots, true},
		{"fetch.contact", c.Fetch.Contact, ""},
		{"smtp.port", c.SMTP.Port, 587},
		{"smtp.tls", c.SMTP.TLS, "starttls"},
		{"smtp.timeout", c.SMTP.Timeout.D(), 30 * time.Second},
		{"digest.schedule", c.Digest.Schedule, "30 7 * * 1-5"},
		{"digest.language", c.Digest.Language, "fr"},
		{"digest.send_empty", c.Digest.SendEmpty, false},
		{"scoring.half_life", c.Scoring.HalfLife.D(), 30 * 24 * time.Hour},
		{"scoring.item_cap", c.Scoring.ItemCap, 25},
		{"scoring.hot", c.Scoring.Hot, 70},
		{"scoring.potential", c.Scoring.Potential, 40},
		{"reps[0].language", c.Reps[0].Language, "fr"},
		{"reps[0].timezone", c.Reps[0].Timezone, "UTC"},
		{"reps[0].location", c.Reps[0].Location.String(), "UTC"},
		{"prospect owner", c.Watchlists[0].Prospects[0].Owner, "alice"},
	}
	for _, tt := range tests {
		if !reflect.DeepEqual(tt.got, tt.want) {
			t.Errorf("%s = %v, want %v", tt.key, tt.got, tt.want)
		}
	}
}

func TestInheritedValues(t *testing.T) {
	writeFiles(t, map[string]string{"veille.yaml": `timezone: Europe/Paris
listen: ""
digest: {language: en}
scoring: {potential: 0}
smtp: {host: smtp.example.com, from: veille@example.com}
reps:
  - {id: alice, email: alice@example.com}
  - {id: bob, email: bob@example.com, language: fr, timezone: America/Montreal}
watchlists:
  - id: agro
    owner: alice
    prospects:
      - name: A
      - {name: B, owner: bob}
`})
	c, err := Load("veille.yaml", Options{Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "" {
		t.Errorf(`listen = %q, want "" (explicitly disabled)`, c.Listen)
	}
	if c.Scoring.Potential != 0 {
		t.Errorf("scoring.potential = %d, want the 0 written", c.Scoring.Potential)
	}
	if c.Location.String() != "Europe/Paris" {
		t.Errorf("location = %v", c.Location)
	}
	a, _ := c.RepByID("alice")
	b, ok := c.RepByID("bob")
	if !ok || a.Language != "en" || a.Timezone != "Europe/Paris" || b.Language != "fr" || b.Location.String() != "America/Montreal" {
		t.Errorf("reps = %+v / %+v", a, b)
	}
	if _, ok := c.RepByID("carol"); ok {
		t.Error("RepByID(carol) found a rep")
	}
	ps := c.Watchlists[0].Prospects
	if ps[0].Owner != "alice" || ps[1].Owner != "bob" {
		t.Errorf("owners = %q, %q", ps[0].Owner, ps[1].Owner)
	}
	if got := ps[1].Where(); got != "veille.yaml:14" {
		t.Errorf("Where() = %q", got)
	}
}

func TestEnvExpansion(t *testing.T) {
	writeFiles(t, map[string]string{"veille.yaml": `smtp:
  host: ${SMTP_HOST}
  from: veille@example.com
  username: "${SMTP_USER}@example.com"
  password: ${SMTP_PASSWORD}
reps:
  - {id: alice, email: alice@example.com}
watchlists:
  - id: agro
    owner: alice
    prospects:
      - name: A
        fields: {region: "${REGION}", note: "costs $5 and ${ not a var}"}
`})
	vars := map[string]string{
		"SMTP_HOST": "smtp.example.com", "SMTP_USER": "veille",
		"SMTP_PASSWORD": "p$ss${word}", "REGION": "",
	}
	c, err := Load("veille.yaml", Options{Getenv: env(vars)})
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP.Host != "smtp.example.com" || c.SMTP.Username != "veille@example.com" {
		t.Errorf("smtp = %+v", c.SMTP)
	}
	// A value is expanded once: a $ or ${ in the variable's content stays.
	if c.SMTP.Password != "p$ss${word}" {
		t.Errorf("password = %q", c.SMTP.Password)
	}
	f := c.Watchlists[0].Prospects[0].Fields
	if f["region"] != "" || f["note"] != "costs $5 and ${ not a var}" {
		t.Errorf("fields = %q", f)
	}

	_, err = Load("veille.yaml", Options{Getenv: env(map[string]string{"SMTP_HOST": "x"})})
	sameLines(t, problemLines(t, err), []string{
		"veille.yaml:4: smtp.username: environment variable SMTP_USER is not set",
		"veille.yaml:5: smtp.password: environment variable SMTP_PASSWORD is not set",
		"veille.yaml:13: watchlists[0].prospects[0].fields.region: environment variable REGION is not set",
	})
}

func TestSMTPPassword(t *testing.T) {
	writeFiles(t, map[string]string{
		"veille.yaml":  strings.Replace(minimal, "  from: veille@example.com\n", "  from: veille@example.com\n  password_file: secrets/smtp\n", 1),
		"secrets/smtp": "s3cr$t\n",
	})
	c, err := Load("veille.yaml", Options{Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	pw, err := c.SMTPPassword()
	if err != nil || pw != "s3cr$t" {
		t.Errorf("SMTPPassword() = %q, %v", pw, err)
	}
	if err := os.Remove("secrets/smtp"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.SMTPPassword(); err == nil || !strings.Contains(err.Error(), filepath.Join("secrets", "smtp")) {
		t.Errorf("SMTPPassword() with the file gone: %v, want an error naming the file", err)
	}
	// Validate reports the missing file; Load would too.
	err = validateConfig(c, Options{})
	dir, _ := os.Getwd()
	sameLines(t, problemLines(t, err), []string{
		"veille.yaml:4: smtp.password_file: " + filepath.Join(dir, "secrets", "smtp") + ": no such file or directory",
	})

	c.SMTP.PasswordFile = ""
	c.SMTP.Password = "inline"
	if pw, err := c.SMTPPassword(); err != nil || pw != "inline" {
		t.Errorf("SMTPPassword() = %q, %v", pw, err)
	}
}

func TestCSVProspects(t *testing.T) {
	writeFiles(t, map[string]string{
		"veille.yaml": minimal + "    prospects_csv: lists/agro.csv\n",
		// A French Excel export: BOM, ';' separator, a custom column.
		"lists/agro.csv": "\ufeffName;crm_id;Aliases;domain;owner;site;feeds;exclude;Effectif;region\n" +
			"Armor Lait;001;Armor | Armor Laiterie | ;armor-lait.fr;;https://armor-lait.fr;https://armor-lait.fr/feed|https://armor-lait.fr/rss;lait de coco;250;\n" +
			"\n" +
			"\"Celtic; Foods\";;;;alice;;;;12;Bretagne\n",
	})
	c, err := Load("veille.yaml", Options{Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	ps := c.Watchlists[0].Prospects
	if len(ps) != 3 {
		t.Fatalf("%d prospects, want the inline one then 2 from the CSV", len(ps))
	}
	a := ps[1]
	want := Prospect{
		Name: "Armor Lait", CRMID: "001", Aliases: []string{"Armor", "Armor Laiterie"},
		Domain: "armor-lait.fr", Owner: "alice", Site: "https://armor-lait.fr",
		Feeds:   []string{"https://armor-lait.fr/feed", "https://armor-lait.fr/rss"},
		Exclude: []string{"lait de coco"}, Fields: map[string]string{"Effectif": "250"},
		origin: origin{file: filepath.Join("lists", "agro.csv"), line: 2, csv: true},
	}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("CSV row 2:\n got %+v\nwant %+v", a, want)
	}
	b := ps[2]
	if b.Name != "Celtic; Foods" || b.Fields["region"] != "Bretagne" || b.Fields["Effectif"] != "12" || b.Where() != "lists/agro.csv:4" {
		t.Errorf("CSV row 4 = %+v (%s)", b, b.Where())
	}
}

func TestCSVHeaderProblems(t *testing.T) {
	tests := []struct {
		name, csv string
		want      []string
	}{
		{"no name column", "company,domain\nA,a.fr\n", []string{`agro.csv:1: no "name" column (columns: company, domain)`}},
		{"empty and repeated columns", "name,,domain,Domain\nA,,a.fr,a.fr\n", []string{
			`agro.csv:1: column 2 has no name`,
			`agro.csv:1: column "domain" appears twice (columns 3 and 4)`,
		}},
		{"trailing empty columns are ignored", "name;domain;;\nA;https://a.fr;;\nB;b.fr;x;\n", []string{
			`agro.csv:2: domain: expected a domain name such as breizh-conserves.fr, got "https://a.fr"`,
			`agro.csv:3: 3 columns, the header has 2`,
		}},
		{"empty file", "", []string{`agro.csv: empty file: expected a header row such as name,domain,owner`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeFiles(t, map[string]string{"veille.yaml": minimal + "    prospects_csv: agro.csv\n", "agro.csv": tt.csv})
			_, err := Load("veille.yaml", Options{Getenv: env(nil)})
			sameLines(t, problemLines(t, err), tt.want)
		})
	}
}

func TestProblemFormat(t *testing.T) {
	tests := []struct {
		p    Problem
		want string
	}{
		{Problem{File: "veille.yaml", Line: 42, Path: "watchlists[0].points", Msg: "bad"}, "veille.yaml:42: watchlists[0].points: bad"},
		{Problem{File: "veille.yaml", Path: "smtp", Msg: "bad"}, "veille.yaml: smtp: bad"},
		{Problem{File: "veille.yaml", Line: 3, Msg: "bad"}, "veille.yaml:3: bad"},
		{Problem{Path: "smtp.port", Msg: "bad"}, "smtp.port: bad"},
	}
	for _, tt := range tests {
		if got := tt.p.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	errs := Errors{tests[0].p, tests[3].p}
	if got := errs.Error(); got != tests[0].want+"\n"+tests[3].want {
		t.Errorf("Errors.Error() = %q", got)
	}
}

// TestValidateBuiltInCode checks that a Config built in code (no file, no
// lines) is validated too, with key paths only.
func TestValidateBuiltInCode(t *testing.T) {
	c := &Config{}
	c.applyDefaults()
	c.Reps = []Rep{{ID: "alice", Email: "alice@example.com", Language: "fr", Timezone: "UTC"}}
	c.SMTP.Host, c.SMTP.From = "smtp.example.com", "veille@example.com"
	c.Watchlists = []Watchlist{{ID: "w", Owner: "alice", AlertOn: []string{"nope"}}}
	if err := validateConfig(c, Options{Labels: []string{"buzz"}}); err == nil || err.Error() != `watchlists[0].alert_on[0]: unknown signal "nope" (known: buzz)` {
		t.Errorf("Validate() = %v", err)
	}
	c.Watchlists[0].AlertOn = []string{"buzz"}
	if err := validateConfig(c, Options{Labels: []string{"buzz"}}); err != nil {
		t.Errorf("Validate() = %v", err)
	}
}

func TestFullExample(t *testing.T) {
	vars := map[string]string{"SMTP_USER": "veille@example.com"}
	c, err := Load(filepath.Join("testdata", "full.yaml"), Options{Getenv: env(vars)})
	if err != nil {
		t.Fatal(err)
	}
	ps := c.Watchlists[0].Prospects
	if len(ps) != 4 {
		t.Fatalf("%d prospects in the first watch list, want 2 inline + 2 from the CSV", len(ps))
	}
	if ps[0].Owner != "bob" || ps[1].Owner != "alice" || ps[2].Owner != "bob" || ps[3].Owner != "alice" {
		t.Errorf("owners: %q %q %q %q", ps[0].Owner, ps[1].Owner, ps[2].Owner, ps[3].Owner)
	}
	if ps[2].Fields["headcount"] != "250" || ps[0].Fields["headcount"] != "120" {
		t.Errorf("fields: %v / %v", ps[2].Fields, ps[0].Fields)
	}
	if pw, err := c.SMTPPassword(); err != nil || pw != "s3cr$t" {
		t.Errorf("SMTPPassword() = %q, %v", pw, err)
	}
	if c.SMTP.Username != "veille@example.com" || c.Location.String() != "Europe/Paris" || !filepath.IsAbs(c.Store) {
		t.Errorf("username %q, location %v, store %q", c.SMTP.Username, c.Location, c.Store)
	}
	if len(c.Watchlists) < 2 || c.Watchlists[1].ID != "tech" || c.Watchlists[1].Prospects[0].Owner != "bob" {
		t.Errorf("watch lists %+v: want tech second, its first prospect bob's", c.Watchlists)
	}
}

// validateConfig reports every problem of a config built in code, as Load
// reports them.
func validateConfig(c *Config, opts Options) error {
	ps := c.validate(opts)
	sortProblems(ps, c.Path)
	return errorsOrNil(ps)
}
