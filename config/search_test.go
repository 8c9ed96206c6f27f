package config

import (
	"slices"
	"strings"
	"testing"
)

func TestSearchAndRegistryProblems(t *testing.T) {
	const known = "{name}, {alias}, {domain}, {query}, {siren}"
	tests := []struct {
		name  string
		files map[string]string
		want  []string
	}{
		{
			name: "news_search templates",
			files: map[string]string{"veille.yaml": strings.Replace(minimal, "    owner: alice\n", `    owner: alice
    news_search:
      - "https://news.google.com/rss/search?q={query}&hl=fr"
      - "https://news.example.org/search?q={company}"
      - "https://news.example.org/latest.rss"
      - "https://news.example.org/search?q={name"
      - "news.example.org/search?q={name}"
      - "https://{domain}/feed"
`, 1)},
			want: []string{
				`veille.yaml:11: watchlists[0].news_search[1]: unknown placeholder {company} (known: ` + known + `)`,
				`veille.yaml:12: watchlists[0].news_search[2]: "https://news.example.org/latest.rss" has no placeholder (` + known + `): every prospect would fetch the same URL`,
				`veille.yaml:13: watchlists[0].news_search[3]: "https://news.example.org/search?q={name": "{" at byte 34 is not closed`,
				`veille.yaml:14: watchlists[0].news_search[4]: "news.example.org/search?q={name}" expands to no usable URL: expected an absolute http or https URL, got "news.example.org/search?q=x"`,
				`veille.yaml:15: watchlists[0].news_search[5]: "https://{domain}/feed": placeholders go in the path or the query, after the host`,
			},
		},
		{
			name:  "registries.bodacc template",
			files: map[string]string{"veille.yaml": "registries:\n  bodacc: https://mirror.example/bodacc?q={name}\n" + minimal},
			want: []string{
				`veille.yaml:2: registries.bodacc: unknown placeholder {name} (known: {siren}) (or "off" to read no announcements)`,
			},
		},
		{
			name:  "registries.bodacc without the number",
			files: map[string]string{"veille.yaml": "registries: {bodacc: https://mirror.example/bodacc}\n" + minimal},
			want: []string{
				`veille.yaml:1: registries.bodacc: "https://mirror.example/bodacc" has no placeholder ({siren}): every prospect would fetch the same URL (or "off" to read no announcements)`,
			},
		},
		{
			name: "siren inline and in a CSV",
			files: map[string]string{
				"veille.yaml": minimal + "        siren: 552100555\n      - {name: Armor, siren: 55210055}\n      - {name: Kerlabs, siren: 552 100 554}\n      - {name: Kerlabs Bis, siren: '552100554'}\n    prospects_csv: p.csv\n",
				"p.csv":       "name;siren\nCeltic Foods;SIREN-1\nArmor Lait;732 829 320\nIroise;\n",
			},
			want: []string{
				`veille.yaml:11: watchlists[0].prospects[0].siren: 552100555 fails the SIREN check digit (Luhn): a typo?`,
				`veille.yaml:12: watchlists[0].prospects[1].siren: expected 9 digits, got 8 (55210055): did a spreadsheet drop a leading zero?`,
				`veille.yaml:14: watchlists[0].prospects[3].siren: 552100554 is also Kerlabs's SIREN in watch list "agro"`,
				`p.csv:2: siren: expected a SIREN of 9 digits such as 552 100 554, got "SIREN-1"`,
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			writeFiles(t, tt.files)
			_, err := Load("veille.yaml", Options{Getenv: env(nil)})
			sameLines(t, problemLines(t, err), tt.want)
		})
	}
}

func TestSearchURLs(t *testing.T) {
	w := Watchlist{NewsSearch: []string{
		"https://news.google.com/rss/search?q={query}&hl=fr&gl=FR&ceid=FR:fr",
		"https://www.bing.com/news/search?q={alias}&format=rss",
		"https://news.example.org/site/{domain}.rss",
		"https://news.example.org/search?q={name}+{siren}",
	}}
	tests := []struct {
		name string
		p    Prospect
		want []string
	}{
		{
			name: "every placeholder",
			p:    Prospect{Name: "Breizh Conserves", Aliases: []string{"BZH Conserves", `L"Iroise`}, Domain: "breizh-conserves.fr", SIREN: "552 100 554"},
			want: []string{
				"https://news.google.com/rss/search?q=%22Breizh+Conserves%22+OR+%22BZH+Conserves%22+OR+%22L+Iroise%22&hl=fr&gl=FR&ceid=FR:fr",
				"https://www.bing.com/news/search?q=BZH+Conserves&format=rss",
				"https://www.bing.com/news/search?q=L%22Iroise&format=rss",
				"https://news.example.org/site/breizh-conserves.fr.rss",
				"https://news.example.org/search?q=Breizh+Conserves+552100554",
			},
		},
		{
			name: "a missing value leaves its templates out",
			p:    Prospect{Name: "Café & Co"},
			want: []string{"https://news.google.com/rss/search?q=%22Caf%C3%A9+%26+Co%22&hl=fr&gl=FR&ceid=FR:fr"},
		},
		{
			name: "an alias equal to the name is asked once",
			p:    Prospect{Name: "Kerlabs", Aliases: []string{"Kerlabs"}},
			want: []string{
				"https://news.google.com/rss/search?q=%22Kerlabs%22&hl=fr&gl=FR&ceid=FR:fr",
				"https://www.bing.com/news/search?q=Kerlabs&format=rss",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := w.SearchURLs(tt.p); !slices.Equal(got, tt.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tt.want, "\n  "))
			}
		})
	}
}

// TestBODACCOff: off, unquoted, is the string YAML 1.2 reads, not false.
func TestBODACCOff(t *testing.T) {
	writeFiles(t, map[string]string{"veille.yaml": "registries: {bodacc: off}\n" + minimal + "        siren: 552100554\n"})
	c, err := Load("veille.yaml", Options{Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if u := c.BODACCURL(c.Watchlists[0].Prospects[0].SIRENDigits()); u != "" {
		t.Errorf("BODACCURL with bodacc: off = %q, want none", u)
	}
}

func TestBODACCURL(t *testing.T) {
	tests := []struct {
		template, siren, want string
	}{
		{"", "552100554", strings.Replace(DefaultBODACC, "{siren}", "552100554", 1)},
		{BODACCOff, "552100554", ""},
		{"", "", ""},
		{"http://127.0.0.1:8080/bodacc/{siren}.json", "732829320", "http://127.0.0.1:8080/bodacc/732829320.json"},
	}
	for _, tt := range tests {
		c := &Config{Registries: Registries{BODACC: tt.template}}
		if got := c.BODACCURL(tt.siren); got != tt.want {
			t.Errorf("BODACCURL(%q) with %q = %q, want %q", tt.siren, tt.template, got, tt.want)
		}
	}
	if msg := checkTemplate(DefaultBODACC, bodaccPlaceholders, bodaccPlaceholders); msg != "" {
		t.Errorf("the default BODACC query does not validate: %s", msg)
	}
}

func TestCheckSIREN(t *testing.T) {
	for s, ok := range map[string]bool{
		"552100554": true, "732829320": true, "810379180": true, "833310592": true,
		"552100555": false, "55210055": false, "5521005540": false, "55210055a": false, "": false,
	} {
		if got := checkSIREN(s) == ""; got != ok {
			t.Errorf("checkSIREN(%q) = %q, want valid=%v", s, checkSIREN(s), ok)
		}
	}
}

// FuzzSearchTemplate: a template check accepts expands, for any prospect,
// to absolute http(s) URLs, and nothing panics on any template.
func FuzzSearchTemplate(f *testing.F) {
	f.Add("https://news.google.com/rss/search?q={query}&hl=fr&gl=FR&ceid=FR:fr", "Breizh Conserves", "BZH")
	f.Add("https://www.bing.com/news/search?q={alias}&format=rss", "Café & Co", `L"Iroise`)
	f.Add("https://news.example/{domain}/{siren}.rss", "a", "")
	f.Add("https://{name}.example/", "x y", "")
	f.Fuzz(func(t *testing.T, tmpl, name, alias string) {
		ok := checkTemplate(tmpl, searchPlaceholders, nil) == ""
		w := Watchlist{NewsSearch: []string{tmpl}}
		for _, u := range w.SearchURLs(Prospect{Name: name, Aliases: []string{alias}, Domain: name, SIREN: alias}) {
			if msg := checkURL(u); ok && msg != "" {
				t.Fatalf("template %q passes the check but expands to %q: %s", tmpl, u, msg)
			}
		}
	})
}
