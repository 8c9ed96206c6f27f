// Package sample holds a fixed digest and health report: the golden tests
// and the preview program render the same data, so what a reviewer looks at
// in the PNG is what the tests pin down.
package sample

import (
	"time"

	"github.com/veille-hq/veille/signals"
)

// At is the fixed clock: Monday 23 November 2026, 07:30 in Paris.
var At = time.Date(2026, 11, 23, 6, 30, 0, 0, time.UTC)

// Digest is a rep's morning digest: a hot lead with two news items (one
// covered by two outlets, one a careers page change) and the links a digest can carry (CRM, site, web
// view, feedback), a rising potential lead with a keyword-only item, a cold
// lead with bad news, four quiet leads and two still-hot leads.
func Digest(lang string) signals.Digest {
	const (
		raise   = "Breizh Conserves lève 12 M€ pour doubler sa capacité à Quimper"
		tender  = "Laiterie du Léon remporte le marché des cantines du Finistère"
		export  = "Laiterie du Léon vise l'export vers le Japon"
		layoffs = "Salaisons du Méné annonce un plan de départs volontaires"
	)
	// A careers page change: offer titles hold commas, so they are listed
	// one a line.
	hire := signals.JobChange{Before: 2, After: 4, Added: []string{"Conducteur de ligne H/F, équipe de nuit", "Technicien de maintenance, CDI"}}.Title()
	web := "https://veille.example.com/r/alice"
	feedback := func(id string) []signals.Link {
		return []signals.Link{
			{Kind: signals.LinkWrongCompany, URL: web + "/feedback/wrong_company/" + id + "?sig=x1"},
			{Kind: signals.LinkNotRelevant, URL: web + "/feedback/not_relevant/" + id + "?sig=x2"},
		}
	}
	return signals.Digest{
		Rep:   signals.Rep{ID: "alice", Name: "Alice Martin", Email: "alice@example.com", Language: lang, Timezone: "Europe/Paris"},
		At:    At,
		Links: []signals.Link{{Kind: signals.LinkWeb, URL: web + "?sig=x0"}},
		Quiet: 4,
		Leads: []signals.DigestLead{
			{
				Lead: signals.Lead{Watchlist: "agro", Company: "Breizh Conserves", CRMID: "0016000000AbCdE", Score: 82.4, Tier: signals.Hot, Trend7d: 12.2,
					Why: []signals.Contribution{
						{What: "financial_growth, new_sites: " + raise, Points: 25},
						{What: "sector in agroalimentaire, conserverie", Points: 10},
						{What: "hr_moves: " + hire, Points: 9.6},
						{What: "headcount ≥ 50", Points: 10},
						{What: "development: Breizh Conserves remporte un appel d'offres", Points: 8},
						{What: "keyword: La conserverie bretonne recrute", Points: 2},
					}},
				Links: []signals.Link{
					{Kind: signals.LinkCRM, URL: "https://crm.example.com/accounts/0016000000AbCdE"},
					{Kind: signals.LinkSite, URL: "https://breizh-conserves.example"},
					{Kind: signals.LinkWeb, URL: web + "/lead/agro/breizh?sig=x3"},
					{Kind: signals.LinkCustomer, URL: web + "/feedback/customer/agro/breizh?sig=x4"},
					{Kind: signals.LinkSnooze, URL: web + "/feedback/snooze/agro/breizh?sig=x5"},
				},
				SignalLinks: map[string][]signals.Link{"s1": feedback("s1"), "s2": feedback("s2")},
				New: []signals.Signal{
					{ID: "s2", Title: hire, URL: "https://breizh.example/carrieres",
						Labels:    []signals.Label{signals.HRMoves},
						Sources:   []signals.SourceRef{{Source: "changes:breizh", URL: "https://breizh.example/carrieres"}},
						FirstSeen: At.Add(-3 * time.Hour),
						Evidence:  map[signals.Label][]signals.Evidence{signals.HRMoves: {{Term: "recrutement", Field: "title"}}}},
					{ID: "s1", Title: raise, URL: "https://ouest-eco.example/breizh-leve-12m",
						Labels: []signals.Label{signals.FinancialGrowth, signals.NewSites},
						Sources: []signals.SourceRef{
							{Source: "feed:ouest-eco", URL: "https://www.ouest-eco.example/breizh-leve-12m"},
							{Source: "feed:agrodistri", URL: "https://agrodistri.example/actu/4512"},
						},
						Published: At.Add(-20 * time.Hour), FirstSeen: At.Add(-9 * time.Hour),
						Evidence: map[signals.Label][]signals.Evidence{
							signals.FinancialGrowth: {{Term: "lève 12 M€", Field: "title"}},
							signals.NewSites:        {{Term: "doubler sa capacité", Field: "title"}},
						}},
				},
			},
			{
				Lead: signals.Lead{Watchlist: "agro", Company: "Laiterie du Léon", Score: 54, Tier: signals.Potential, Trend7d: 6.4,
					Why: []signals.Contribution{
						{What: "development: " + tender, Points: 15},
						{What: "sector = agroalimentaire", Points: 10},
						{What: "headcount ≥ 50, headcount ≤ 500", Points: 10},
						{What: "keyword: " + export, Points: 5},
						{What: "headcount ≥ 50", Points: 4},
						{What: "region = Bretagne", Points: 2},
					}},
				Links: []signals.Link{{Kind: signals.LinkSite, URL: "https://laiterie-du-leon.example"}},
				New: []signals.Signal{
					{ID: "s3", Title: tender, URL: "https://marches.example/avis/2026-4417",
						Labels:    []signals.Label{signals.Development},
						Sources:   []signals.SourceRef{{Source: "feed:boamp", URL: "https://marches.example/avis/2026-4417"}},
						Published: At.Add(-40 * time.Hour), FirstSeen: At.Add(-12 * time.Hour),
						Evidence: map[signals.Label][]signals.Evidence{signals.Development: {{Term: "remporte le marché", Field: "title"}}}},
					{ID: "s4", Title: export, URL: "https://ouest-eco.example/leon-japon",
						Sources:   []signals.SourceRef{{Source: "feed:ouest-eco", URL: "https://ouest-eco.example/leon-japon"}},
						FirstSeen: At.Add(-14 * time.Hour),
						Evidence:  map[signals.Label][]signals.Evidence{signals.Keyword: {{Term: "export", Field: "title", Points: 5}}}},
				},
			},
			{
				Lead: signals.Lead{Watchlist: "agro", Company: "Salaisons du Méné", Score: 0, Tier: signals.Cold, Trend7d: -20,
					Why: []signals.Contribution{{What: "difficulty: " + layoffs, Points: -15}, {What: "sector = agroalimentaire", Points: 10}}},
				Links:       []signals.Link{{Kind: signals.LinkCRM, URL: "https://crm.example.com/accounts/0016000000XyZ"}},
				SignalLinks: map[string][]signals.Link{"s5": feedback("s5")},
				New: []signals.Signal{
					{ID: "s5", Title: layoffs, URL: "https://ouest-eco.example/mene-plan",
						Labels:    []signals.Label{signals.Difficulty},
						Sources:   []signals.SourceRef{{Source: "feed:ouest-eco", URL: "https://ouest-eco.example/mene-plan"}},
						FirstSeen: At.Add(-5 * time.Hour),
						Evidence:  map[signals.Label][]signals.Evidence{signals.Difficulty: {{Term: "plan de départs", Field: "title"}}}},
				},
			},
		},
		StillHot: []signals.DigestLead{
			{Lead: signals.Lead{Company: "Armor Logistique", Score: 75, Tier: signals.Hot, Trend7d: -2},
				Links: []signals.Link{{Kind: signals.LinkCRM, URL: "https://crm.example.com/accounts/0016000000AbC"}}},
			{Lead: signals.Lead{Company: "Cidrerie de Cornouaille", Score: 71, Tier: signals.Hot}},
		},
	}
}

// SourceReport is an admins' notice with one source that never worked, one that
// stopped two days ago, a newsroom whose selectors match nothing since a
// redesign, a feed that no longer yields items, and one message the server
// refused for good.
func SourceReport() signals.SourceReport {
	return signals.SourceReport{
		At: At, Admins: []string{"ops@example.com", "it@example.com"}, Timezone: "Europe/Paris",
		Sources: []signals.FailingSource{
			{ID: "feed:1a2b", Kind: "feed", URL: "https://news.example/eco.rss", Failures: 9, LastSuccess: At.Add(-50 * time.Hour), LastAttempt: At.Add(-time.Hour), LastError: "GET https://news.example/eco.rss: 403 Forbidden", ErrorKind: "blocked"},
			{ID: "site:3c4d", Kind: "site", URL: "https://armor-logistique.example/", Failures: 4, LastAttempt: At.Add(-2 * time.Hour), LastError: "no feed found on https://armor-logistique.example/", ErrorKind: "not_a_feed"},
		},
		Silent: []signals.SilentSource{
			{ID: "page:5e6f", Kind: "page", URL: "https://penfret.example/actualites", Silence: signals.SilenceSelector, Since: At.Add(-30 * time.Hour), What: `item "article.news", date "time@datetime"`, LastYield: At.Add(-31 * time.Hour)},
			{ID: "feed:7a8b", Kind: "feed", URL: "https://kerloc.example/feed", Silence: signals.SilenceEmpty, Since: At.Add(-72 * time.Hour), LastYield: At.Add(-73 * time.Hour)},
		},
		Failed: []signals.FailedMessage{
			{ID: 17, Kind: "digest", Rep: "bob", To: []string{"bob@example.com"}, Subject: "veille — 1 lead chaud, 3 nouveaux signaux — dim. 22 nov.", Attempts: 1, Created: At.Add(-24 * time.Hour), LastError: "550 5.1.1 mailbox unavailable"},
		},
	}
}
