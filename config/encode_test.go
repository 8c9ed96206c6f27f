package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestMarshalRoundTrip writes a config built in code, with every key set and
// the zero values Load must keep (listen: "", scoring.potential: 0, a zero
// per-host interval), and checks that Load reads back the same config.
func TestMarshalRoundTrip(t *testing.T) {
	dir := t.TempDir()
	for _, d := range []string{"lexicon", "templates"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range []string{"secret", "ca.pem"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	no := false
	fifty, fiveHundred := 50.5, 500.0
	want := &Config{
		Timezone:  "Europe/Paris",
		Store:     filepath.Join(dir, "veille.db"),
		Retention: Duration(100 * 24 * time.Hour),
		Listen:    "",
		Poll:      "*/15 * * * *",
		Fetch: Fetch{
			Timeout: Duration(20 * time.Second), MaxBody: 3 << 20, Concurrency: 4, MaxItems: 200,
			PerHostInterval: 0, Robots: &no, Contact: "ops@example.com",
			AllowPrivate: []string{"10.20.0.0/16"},
		},
		SMTP: SMTP{
			Host: "smtp.example.com", Port: 2525, TLS: "tls", AllowInsecure: true,
			Username: "veille", PasswordFile: filepath.Join(dir, "secret"),
			From: "Veille <veille@example.com>", ReplyTo: "sales@example.com",
			Timeout: Duration(10 * time.Second), CAFile: filepath.Join(dir, "ca.pem"),
		},
		Digest:  Digest{Schedule: "0 8 * * 1", Language: "en", SendEmpty: true, Templates: filepath.Join(dir, "templates")},
		Scoring: Scoring{HalfLife: Duration(14 * 24 * time.Hour), ItemCap: 20, Hot: 60, Potential: 0, Points: map[string]int{"development": 20}},
		Reps: []Rep{
			{ID: "alice", Name: "Alice Martin", Email: "alice@example.com", Language: "fr", Timezone: "Europe/Paris"},
			{ID: "bob", Name: "Bob", Email: "bob@example.com", Language: "en", Timezone: "America/Montreal"},
		},
		Admins:           []string{"ops@example.com"},
		LexiconDir:       filepath.Join(dir, "lexicon"),
		AdminTokenFile:   filepath.Join(dir, "secrets", "admin.token"),
		MetricsAuth:      MetricsOff,
		PublicURL:        "https://veille.example.com/reps",
		PublicListen:     "127.0.0.1:9472",
		PublicSecretFile: filepath.Join(dir, "secrets", "public.secret"),
		PublicLinkTTL:    Duration(14 * 24 * time.Hour),
		Registries:       Registries{BODACC: "https://registry.example/records?siren={siren}"},
		Watchlists: []Watchlist{{
			ID: "agro", Owner: "alice",
			Feeds:      []string{"https://news.example.org/eco.rss"},
			NewsSearch: []string{"https://news.example.org/search?q={query}"},
			Keywords:   map[string]int{"appel d'offres": 10, "true": 2},
			Terms:      map[string][]string{"new_sites": {"entrepôt", "1"}},
			Points:     map[string]int{"difficulty": 10},
			AlertOn:    []string{"hr_moves"},
			Fit: []FitRule{
				{Field: "headcount", Min: &fifty, Max: &fiveHundred, Points: 10},
				{Field: "sector", Equals: "agro", Points: 5},
				{Field: "region", In: []string{"Bretagne", "yes"}, Points: -5},
			},
			Prospects: []Prospect{
				{
					Name: "Breizh Conserves", CRMID: "0016000000AbCdE", Aliases: []string{"BZH"},
					Domain: "breizh.example", SIREN: "552100554", Owner: "bob", Site: "https://breizh.example",
					Exclude: []string{"poisson"}, Fields: map[string]string{"headcount": "120", "note": "null"},
					Feeds: []string{"https://breizh.example/feed"},
					Pages: []Page{
						{URL: "https://breizh.example/news", Item: "article.news", Title: "h2", Link: "a@href", Date: "time@datetime", Summary: "p"},
						{URL: "https://breizh.example/jobs", Watch: "changes", Select: ".job-offer"},
					},
				},
				{Name: "0123", Owner: "alice"},
			},
		}},
	}
	text, err := Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range []string{`listen: ""`, "potential: 0", "per_host_interval: 0s", "robots: false", "max_body: 3MiB"} {
		if !strings.Contains(string(text), line) {
			t.Errorf("Marshal output lacks %q:\n%s", line, text)
		}
	}
	if strings.Contains(string(text), "password:") || strings.Contains(string(text), "prospects_csv") {
		t.Errorf("Marshal wrote empty keys:\n%s", text)
	}
	path := filepath.Join(dir, "veille.yaml")
	if err := os.WriteFile(path, text, 0o600); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path, Options{Getenv: env(nil)})
	if err != nil {
		t.Fatalf("Load(Marshal(c)): %v\n%s", err, text)
	}
	got.Path, got.Location, got.src = "", nil, nil
	for i := range got.Reps {
		got.Reps[i].Location = nil
	}
	for i := range got.Watchlists[0].Prospects {
		got.Watchlists[0].Prospects[i].origin = origin{}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Load(Marshal(c)) differs:\n got %+v\nwant %+v\n%s", got, want, text)
	}
}

func TestByteSizeString(t *testing.T) {
	for _, tt := range []struct {
		in   ByteSize
		want string
	}{{0, "0"}, {1000, "1000"}, {1536, "1536"}, {3 << 10, "3KiB"}, {8 << 20, "8MiB"}, {1 << 30, "1GiB"}} {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("ByteSize(%d) = %q, want %q", int64(tt.in), got, tt.want)
		}
		if n, err := ParseByteSize(tt.in.String()); err != nil || n != int64(tt.in) {
			t.Errorf("ParseByteSize(%q) = %d, %v", tt.in.String(), n, err)
		}
	}
}
