package sources

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/veille-hq/veille/signals"
)

// TestBODACCDecode reads recorded answers of the BODACC API and checks the
// labels each notice states, with the words that state them.
func TestBODACCDecode(t *testing.T) {
	type want struct {
		id       string
		labels   []signals.Label
		evidence string // the evidence of the first label
		title    string
	}
	tests := []struct {
		fixture string
		want    []want
	}{
		{"552100554.json", []want{
			{"A202401350012", []signals.Label{signals.Difficulty}, "Jugement d'ouverture d'une procédure de redressement judiciaire",
				"BODACC · Procédures collectives : Jugement d'ouverture d'une procédure de redressement judiciaire"},
			// The managers the notice names, rather than its description.
			{"B202401310087", []signals.Label{signals.HRMoves}, "Président : LE GALL Yann en remplacement de KERGOAT Anne. Directeur général : MORVAN Erwan",
				"BODACC · Modifications diverses : Président : LE GALL Yann en remplacement de KERGOAT Anne. Directeur général : MORVAN Erwan"},
			// The capital the notice states (150 000) against the one an
			// older notice of the answer states (100 000).
			{"B202401200044", []signals.Label{signals.FinancialGrowth}, "Capital : 150 000,00 EUR",
				"BODACC · Modifications diverses : Modification survenue sur le capital."},
			{"A202401150101", []signals.Label{signals.NewSites}, "Création d'un établissement secondaire",
				"BODACC · Créations : Création d'un établissement secondaire"},
			{"A202401100033", nil, "", "BODACC · Ventes et cessions : Achat d'un fonds par une personne morale"},
			{"C202400900010", []signals.Label{signals.FinancialPub}, "Comptes annuels et rapports",
				"BODACC · Dépôts des comptes : Comptes annuels et rapports"},
			{"B202400850021", nil, "", "BODACC · Modifications diverses : Président : KERGOAT Anne (Avis rectificatif)"},
			{"B202400420007", nil, "", "BODACC · Modifications diverses : Modification survenue sur la dénomination."},
		}},
		{"732829320.json", []want{
			{"B202401400009", nil, "", "BODACC · Radiations"},
			{"A202401390004", nil, "", "BODACC · Procédures collectives : Jugement de clôture pour extinction du passif"},
			{"A202401380002", []signals.Label{signals.Difficulty}, "Jugement prononçant la liquidation judiciaire",
				"BODACC · Procédures collectives : Jugement prononçant la liquidation judiciaire"},
			{"B202401300001", []signals.Label{signals.Difficulty}, "Réduction du capital social. Modification survenue sur le capital.",
				"BODACC · Modifications diverses : Réduction du capital social. Modification survenue sur le capital."},
			// A location-gérance leases the business: no manager changes.
			{"B202401250003", nil, "", "BODACC · Modifications diverses : Mise en location-gérance du fonds de commerce au profit de la société MINOTERIE DU LEON EXPLOITATION."},
			{"A202401200005", []signals.Label{signals.NewSites}, "Immatriculation d'une personne morale suite à transfert de son siège social",
				"BODACC · Immatriculations : Immatriculation d'une personne morale suite à transfert de son siège social"},
			// Records without id, with an unreadable date or a field of
			// the wrong type are left out; a nested part that does not
			// decode leaves the notice to its family.
			{"A202400900001", []signals.Label{signals.NewSites}, "Créations", "BODACC · Créations"},
		}},
		{"empty.json", nil},
	}
	for _, tt := range tests {
		t.Run(tt.fixture, func(t *testing.T) {
			got, err := bodacc{}.decode(readFixture(t, filepath.Join("bodacc", tt.fixture)))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d notices, want %d", len(got), len(tt.want))
			}
			for i, w := range tt.want {
				a := got[i]
				if a.ID != w.id || !slices.Equal(a.Labels, w.labels) || a.Title != w.title {
					t.Errorf("notice %d: %s %v %q, want %s %v %q", i, a.ID, a.Labels, a.Title, w.id, w.labels, w.title)
				}
				if len(w.labels) > 0 && a.Evidence[w.labels[0]] != w.evidence {
					t.Errorf("%s: evidence %q, want %q", a.ID, a.Evidence[w.labels[0]], w.evidence)
				}
				if a.Published.IsZero() || !strings.Contains(a.URL, a.ID) || a.Text == "" {
					t.Errorf("%s: published %v, url %q, text %q", a.ID, a.Published, a.URL, a.Text)
				}
			}
		})
	}
}

func TestBODACCDecodeRejects(t *testing.T) {
	for name, body := range map[string]string{
		"API error":      string(readFixture(t, filepath.Join("bodacc", "error.json"))),
		"HTML":           "<!doctype html><title>Maintenance</title>",
		"results object": `{"results": {"id": "A1"}}`,
		"empty":          "",
	} {
		if _, err := (bodacc{}).decode([]byte(body)); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

// TestBODACCItem checks what the watcher receives: stated labels, with
// evidence located in the notice's text.
func TestBODACCItem(t *testing.T) {
	notices, err := bodacc{}.decode(readFixture(t, filepath.Join("bodacc", "552100554.json")))
	if err != nil {
		t.Fatal(err)
	}
	it := notices[0].Item("BODACC")
	if !it.Stated || !slices.Equal(it.Hints, []signals.Label{signals.Difficulty}) || it.Lang != "fr" || it.GUID != "BODACC:A202401350012" {
		t.Fatalf("item %+v", it)
	}
	ev := it.Evidence[signals.Difficulty]
	if len(ev) != 1 || ev[0].Field != "summary" || !strings.HasPrefix(it.Summary[ev[0].Offset:], ev[0].Term) {
		t.Errorf("evidence %+v does not point into the summary %q", ev, it.Summary)
	}
	if want := time.Date(2024, 7, 12, 0, 0, 0, 0, time.UTC); !it.Published.Equal(want) {
		t.Errorf("published %v, want %v", it.Published, want)
	}
	cls := it.StatedClassification()
	if !slices.Equal(cls.Labels, []signals.Label{signals.Difficulty}) {
		t.Errorf("stated classification %+v", cls)
	}
	if none := notices[4].Item("BODACC"); !none.Stated || len(none.Hints) != 0 || none.StatedClassification().Classified() {
		t.Errorf("a sale of business states no label: %+v", none)
	}
}

// TestFetchBODACC queries a recorded API through the fetcher: items on the
// first fetch, a conditional GET after, and errors of the right kind.
func TestFetchBODACC(t *testing.T) {
	answer := readFixture(t, filepath.Join("bodacc", "552100554.json"))
	var queries []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		queries = append(queries, r.URL.RawQuery)
		switch r.URL.Path {
		case "/records":
			if r.Header.Get("If-None-Match") == `"v1"` {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", `"v1"`)
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
			w.Write(answer)
		case "/bad-query":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			w.Write(readFixture(t, filepath.Join("bodacc", "error.json")))
		case "/maintenance":
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body>Maintenance en cours</body></html>"))
		}
	}))
	defer srv.Close()
	f := testFetcher(t, Options{})
	src := signals.NewSource(signals.KindBODACC, srv.URL+"/records?where=registre%20like%20%22552100554%22", signals.PageSpec{})
	if err := Validate(src); err != nil {
		t.Fatal(err)
	}
	res, st, err := f.Fetch(context.Background(), src, signals.SourceState{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Items) != 8 || res.Items[0].SourceID != src.ID || !res.Items[0].Stated {
		t.Fatalf("%d items, first %+v", len(res.Items), res.Items)
	}
	if queries[0] != `where=registre%20like%20%22552100554%22` {
		t.Errorf("query %q", queries[0])
	}
	res, _, err = f.Fetch(context.Background(), src, st)
	if err != nil || !res.NotModified {
		t.Errorf("second fetch: not modified %v, %v", res.NotModified, err)
	}
	for path, kind := range map[string]signals.ErrorKind{"/bad-query": signals.ErrHTTP, "/maintenance": signals.ErrParse} {
		_, st, err := f.Fetch(context.Background(), signals.NewSource(signals.KindBODACC, srv.URL+path, signals.PageSpec{}), signals.SourceState{})
		var fe *FetchError
		if !errors.As(err, &fe) || st.ErrorKind != kind || st.Failures != 1 {
			t.Errorf("%s: error %v, kind %q, failures %d; want kind %q", path, err, st.ErrorKind, st.Failures, kind)
		}
	}
}

// FuzzBODACCDecode feeds arbitrary answers to the decoder: it never
// panics, and every notice it returns has an id, a date, known labels and
// evidence found in its text.
func FuzzBODACCDecode(f *testing.F) {
	// Small seeds: the recorded answers (up to 12 KB) slow the mutator
	// down to a few inputs a minute; the unit tests read them whole.
	for _, name := range []string{"empty.json", "error.json"} {
		f.Add(readFixture(f, filepath.Join("bodacc", name)))
	}
	f.Add([]byte(`{"results":[{"id":"A1","dateparution":"2024-07-12","familleavis":"collective","familleavis_lib":"Procédures collectives","registre":"552 100 554,552100554",` +
		`"jugement":"{\"famille\": \"Jugement d'ouverture\", \"nature\": \"Jugement d'ouverture d'une procédure de redressement judiciaire\"}"},` +
		`{"id":"A2","dateparution":"2024-06-12","familleavis":"creation","listeetablissements":"{\"etablissement\": [{\"origineFonds\": \"Création\"}]}","acte":{"creation":{"categorieCreation":"Création d'un établissement secondaire"}}}]}`))
	f.Add([]byte(`{"results":[{"id":"A1","dateparution":"2024-01-02","familleavis":"modification","modificationsgenerales":{"descriptif":"capital"},"listepersonnes":"{\"personne\":[{\"capital\":{\"montantCapital\":12}}]}"}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		notices, err := bodacc{}.decode(body)
		if err != nil {
			return
		}
		for _, a := range notices {
			if a.ID == "" || a.Published.IsZero() || a.Title == "" || !utf8.ValidString(a.Title) {
				t.Fatalf("notice %+v", a)
			}
			it := a.Item("BODACC")
			for _, l := range a.Labels {
				if !slices.Contains(signals.Labels(), l) {
					t.Fatalf("unknown label %q", l)
				}
				if a.Evidence[l] == "" {
					t.Fatalf("label %s without evidence: %+v", l, a)
				}
				for _, ev := range it.Evidence[l] {
					text := it.Summary
					if ev.Field == "title" {
						text = it.Title
					}
					if ev.Offset < 0 || ev.Offset > len(text) || !strings.HasPrefix(text[ev.Offset:], ev.Term) {
						t.Fatalf("evidence %+v not at its offset in %q", ev, text)
					}
				}
			}
		}
	})
}
