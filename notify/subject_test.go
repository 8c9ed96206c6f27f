package notify

import (
	"testing"

	"github.com/veille-hq/veille/signals"
)

// TestSubjects pins what a rep reads before opening a message: the
// companies to look at first, in the rep's language.
func TestSubjects(t *testing.T) {
	r, err := NewRenderer(Options{From: "veille@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	news := func(company string, tier signals.Tier, trend float64, labels ...signals.Label) signals.DigestLead {
		s := signals.Signal{ID: company, Title: company + " news", URL: "https://news.example/" + company, Labels: labels, FirstSeen: at.Add(-1e9)}
		if len(labels) == 0 {
			s.Evidence = map[signals.Label][]signals.Evidence{signals.Keyword: {{Term: "export", Points: 5}}}
		}
		return signals.DigestLead{Lead: signals.Lead{Company: company, Tier: tier, Trend7d: trend}, New: []signals.Signal{s}}
	}
	hot := func(names ...string) []signals.DigestLead {
		var out []signals.DigestLead
		for _, n := range names {
			out = append(out, news(n, signals.Hot, 5, signals.FinancialGrowth))
		}
		return out
	}
	cold := news("Cidrerie", signals.Cold, 0, signals.Buzz)
	for _, tc := range []struct {
		name     string
		leads    []signals.DigestLead
		stillHot []signals.DigestLead
		fr, en   string
	}{
		{"nothing new", nil, nil,
			"Rien de nouveau — lun. 23 nov.", "Nothing new — Mon 23 Nov"},
		{"one hot", append(hot("Kerlann"), cold), nil,
			"1 lead chaud\u202f: Kerlann — lun. 23 nov.", "1 hot lead: Kerlann — Mon 23 Nov"},
		{"three hot, one still hot", append(hot("Kerlann", "Le Goff"), cold), []signals.DigestLead{{Lead: signals.Lead{Company: "Légumerie de l'Elorn", Tier: signals.Hot}}},
			"3 leads chauds\u202f: Kerlann, Le Goff, Légumerie de l'Elorn — lun. 23 nov.", "3 hot leads: Kerlann, Le Goff, Légumerie de l'Elorn — Mon 23 Nov"},
		{"five hot", hot("A", "B", "C", "D", "E"), nil,
			"5 leads chauds\u202f: A, B, C et 2 autres — lun. 23 nov.", "5 hot leads: A, B, C and 2 more — Mon 23 Nov"},
		{"none hot, two potential", []signals.DigestLead{news("Le Goff", signals.Potential, -3, signals.Development), news("Kerlann", signals.Potential, 4, signals.HRMoves), cold}, nil,
			"2 leads potentiels\u202f: Le Goff, Kerlann — lun. 23 nov.", "2 potential leads: Le Goff, Kerlann — Mon 23 Nov"},
		{"only rising cold leads", []signals.DigestLead{news("Kerlann", signals.Cold, 10, signals.Buzz), cold}, nil,
			"1 lead en hausse\u202f: Kerlann — lun. 23 nov.", "1 rising lead: Kerlann — Mon 23 Nov"},
		{"only news", []signals.DigestLead{cold, news("Le Goff", signals.Cold, -5)}, nil,
			"2 nouveaux signaux\u202f: Cidrerie, Le Goff — lun. 23 nov.", "2 new signals: Cidrerie, Le Goff — Mon 23 Nov"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for lang, want := range map[string]string{"fr": tc.fr, "en": tc.en} {
				d := signals.Digest{Rep: signals.Rep{ID: "alice", Email: "alice@example.com", Language: lang, Timezone: "Europe/Paris"}, At: at, Leads: tc.leads, StillHot: tc.stillHot}
				m, err := r.Digest(d)
				if err != nil {
					t.Fatal(err)
				}
				if m.Subject != want {
					t.Errorf("%s: %q, want %q", lang, m.Subject, want)
				}
			}
		})
	}
}

func TestAlertSubjects(t *testing.T) {
	r, err := NewRenderer(Options{From: "veille@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	lead := func(company string, labels ...signals.Label) signals.DigestLead {
		s := signals.Signal{ID: company, Title: company + " news", Labels: labels, FirstSeen: at}
		if len(labels) == 0 {
			s.Evidence = map[signals.Label][]signals.Evidence{signals.Keyword: {{Term: "export", Points: 5}}}
		}
		return signals.DigestLead{Lead: signals.Lead{Company: company, Tier: signals.Potential}, New: []signals.Signal{s}}
	}
	for _, tc := range []struct {
		name   string
		leads  []signals.DigestLead
		fr, en string
	}{
		{"one lead", []signals.DigestLead{lead("Kerlann", signals.FinancialGrowth, signals.NewSites)},
			"Alerte\u202f: Kerlann — croissance financière", "Alert: Kerlann — financial growth"},
		{"keyword only", []signals.DigestLead{lead("Kerlann")},
			"Alerte\u202f: Kerlann — mot-clé", "Alert: Kerlann — keyword"},
		{"three leads", []signals.DigestLead{lead("Kerlann", signals.HRMoves), lead("Le Goff", signals.Buzz), lead("Elorn", signals.Buzz)},
			"Alerte\u202f: Kerlann — mouvement RH (+ 2 leads)", "Alert: Kerlann — HR move (+ 2 leads)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for lang, want := range map[string]string{"fr": tc.fr, "en": tc.en} {
				m, err := r.Alerts(signals.Alerts{Rep: signals.Rep{ID: "alice", Email: "alice@example.com", Language: lang}, At: at, Leads: tc.leads})
				if err != nil {
					t.Fatal(err)
				}
				if m.Subject != want {
					t.Errorf("%s: %q, want %q", lang, m.Subject, want)
				}
			}
		})
	}
}
