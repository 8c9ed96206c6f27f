package notify

import (
	"fmt"
	"strings"
	"time"

	"github.com/veille-hq/veille/signals"
)

// catalog holds every sentence of the emails in both languages, so a new
// string cannot be added to one language and forgotten in the other.
type catalog struct {
	Heading, Intro, StillHot, StillHotIntro, Why, Sources, Evidence, Empty, Footer string
	CallToday, Others, OthersIntro, AllLeads                                       string
	Colon                                                                          string // " : " (narrow no-break space) in French typography, ": " in English
	Quote                                                                          [2]string
	AlertHeading, AlertIntro                                                       string
	HealthHeading, HealthIntro, HealthSources, HealthFailed, HealthNever           string
	HealthLastSuccess, HealthFailures, HealthAttempts, HealthQueued, HealthFix     string
	Tier                                                                           map[string]string
	// Label is each signal's short name, as a pill beside a headline; the
	// taxonomy's full names are too long for that.
	Label map[signals.Label]string
	// Link words each kind of link a message offers; Link[""] words one of
	// a kind this catalog does not know yet.
	Link map[signals.LinkKind]string
	// Field names the prospect fields fit rules usually test.
	Field map[string]string
	// Change words a careers page change's counts; its offers follow, one a line.
	Change        func(before, after int) string
	quiet         func(n int) string
	subject       func(kind string, n int, names []string, more int, date string) string // names: the first companies; more: how many others
	alertSubject  func(what string, more int) string                                     // what: "company — signal"
	healthSubject func(sources, silent, failed int, date string) string
	days, months  []string
	dateLayout    func(t time.Time, days, months []string) string

	HealthSilent string
	// silentLine says what a silent source does: its selectors match
	// nothing, or it yields no items any more.
	silentLine func(selector bool, url, since, what, lastYield string) string
}

// Subject kinds: what the companies a digest's subject names have in common.
const (
	subjectHot       = "hot"
	subjectPotential = "potential"
	subjectRising    = "rising"
	subjectNews      = "news"
	subjectNothing   = "nothing"
)

func catalogFor(lang string) catalog {
	if lang == "fr" {
		return catalog{
			Colon:         "\u202f: ",
			Quote:         [2]string{"«\u00a0", "\u00a0»"},
			Heading:       "Votre veille du jour",
			Intro:         "Les leads qui ont bougé depuis votre dernier envoi, avec les nouvelles qui les ont fait bouger.",
			CallToday:     "À appeler aujourd'hui",
			AllLeads:      "tous vos leads",
			Others:        "Autres leads",
			OthersIntro:   "Leads froids : des nouvelles, rien d'urgent.",
			StillHot:      "Toujours chauds",
			StillHotIntro: "Leads chauds sans nouveauté depuis votre dernier envoi.",
			Why:           "Pourquoi",
			Sources:       "Sources",
			Evidence:      "Indices",
			Empty:         "Rien de nouveau aujourd'hui sur vos comptes.",
			Footer:        "Envoyé par veille. Les scores combinent l'adéquation au profil et les signaux récents.",
			AlertHeading:  "Alerte veille",
			AlertIntro:    "Des signaux que vous suivez de près viennent d'arriver.",
			Tier:          map[string]string{"hot": "chaud", "potential": "potentiel", "cold": "froid"},
			Label: map[signals.Label]string{
				signals.Buzz: "communication", signals.HRMoves: "mouvement RH", signals.NewSites: "nouveau site",
				signals.FinancialPub: "publication financière", signals.Development: "développement",
				signals.FinancialGrowth: "croissance financière", signals.Difficulty: "difficulté",
				signals.Innovation: "innovation", signals.International: "international", signals.Keyword: "mot-clé",
			},
			Link: map[signals.LinkKind]string{
				signals.LinkCRM: "fiche CRM", signals.LinkSite: "site web", signals.LinkWeb: "voir dans veille",
				signals.LinkWrongCompany: "pas la bonne entreprise", signals.LinkNotRelevant: "pas pertinent",
				signals.LinkCustomer: "déjà client", signals.LinkSnooze: "masquer 30 jours", "": "lien",
			},
			Field: map[string]string{
				"headcount": "effectif", "sector": "secteur", "region": "région", "country": "pays", "city": "ville",
				"revenue": "chiffre d'affaires", "industry": "secteur", "size": "taille", "department": "département",
			},
			Change: func(before, after int) string { return fmt.Sprintf("Offres d'emploi\u202f: %d → %d", before, after) },
			quiet: func(n int) string {
				return "+ " + plural(n, "lead sans nouveauté", "leads sans nouveauté")
			},
			HealthHeading:     "Santé de veille",
			HealthIntro:       "Ce qui est en panne ou muet depuis plus d'un jour et les messages que le serveur SMTP a refusés. Les commerciaux ne reçoivent pas cet avis.",
			HealthSources:     "Sources en échec",
			HealthFailed:      "Messages non remis",
			HealthNever:       "jamais réussie",
			HealthLastSuccess: "dernier succès",
			HealthFailures:    "échecs consécutifs",
			HealthAttempts:    "tentatives",
			HealthQueued:      "en file depuis",
			HealthFix:         "Pour agir : veille sources --failing (ou --silent, puis veille discover URL pour de nouveaux sélecteurs), puis veille outbox retry ID (renvoyer) ou veille outbox drop ID (abandonner).",
			HealthSilent:      "Sources muettes",
			healthSubject: func(src, silent, failed int, date string) string {
				return "veille — santé : " + nonZero(plural(src, "source en échec", "sources en échec"), plural(silent, "source muette", "sources muettes"), plural(failed, "message non remis", "messages non remis")) + " — " + date
			},
			silentLine: func(selector bool, url, since, what, lastYield string) string {
				if selector {
					return fmt.Sprintf("les sélecteurs de %s ne trouvent rien depuis le %s\u202f: %s", url, since, what)
				}
				if lastYield == "" {
					return fmt.Sprintf("%s ne donne plus aucun article depuis le %s", url, since)
				}
				return fmt.Sprintf("%s ne donne plus aucun article depuis le %s (derniers le %s)", url, since, lastYield)
			},
			subject: func(kind string, n int, names []string, more int, date string) string {
				var what string
				switch kind {
				case subjectHot:
					what = plural(n, "lead chaud", "leads chauds")
				case subjectPotential:
					what = plural(n, "lead potentiel", "leads potentiels")
				case subjectRising:
					what = plural(n, "lead en hausse", "leads en hausse")
				case subjectNews:
					what = plural(n, "nouveau signal", "nouveaux signaux")
				default:
					return "Rien de nouveau — " + date
				}
				if more > 0 {
					return fmt.Sprintf("%s\u202f: %s et %d autres — %s", what, strings.Join(names, ", "), more, date)
				}
				return what + "\u202f: " + strings.Join(names, ", ") + " — " + date
			},
			alertSubject: func(what string, more int) string {
				s := "Alerte\u202f: " + what
				if more > 0 {
					s += fmt.Sprintf(" (+ %s)", plural(more, "lead", "leads"))
				}
				return s
			},
			days:   []string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."},
			months: []string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
			dateLayout: func(t time.Time, days, months []string) string {
				return fmt.Sprintf("%s %d %s", days[t.Weekday()], t.Day(), months[t.Month()-1])
			},
		}
	}
	return catalog{
		Colon:         ": ",
		Quote:         [2]string{"“", "”"},
		Heading:       "Your watch for today",
		Intro:         "Leads that moved since your last digest, with the news that moved them.",
		CallToday:     "Call today",
		AllLeads:      "all your leads",
		Others:        "Other leads",
		OthersIntro:   "Cold leads: news, nothing urgent.",
		StillHot:      "Still hot",
		StillHotIntro: "Hot leads with nothing new since your last digest.",
		Why:           "Why",
		Sources:       "Sources",
		Evidence:      "Evidence",
		Empty:         "Nothing new on your accounts today.",
		Footer:        "Sent by veille. Scores combine profile fit and recent signals.",
		AlertHeading:  "veille alert",
		AlertIntro:    "Signals you asked to hear about at once have just arrived.",
		Tier:          map[string]string{"hot": "hot", "potential": "potential", "cold": "cold"},
		Label: map[signals.Label]string{
			signals.Buzz: "buzz", signals.HRMoves: "HR move", signals.NewSites: "new site",
			signals.FinancialPub: "financial report", signals.Development: "development",
			signals.FinancialGrowth: "financial growth", signals.Difficulty: "difficulty",
			signals.Innovation: "innovation", signals.International: "international", signals.Keyword: "keyword",
		},
		Link: map[signals.LinkKind]string{
			signals.LinkCRM: "CRM record", signals.LinkSite: "website", signals.LinkWeb: "open in veille",
			signals.LinkWrongCompany: "wrong company", signals.LinkNotRelevant: "not relevant",
			signals.LinkCustomer: "already a customer", signals.LinkSnooze: "snooze 30 days", "": "link",
		},
		Field: map[string]string{
			"headcount": "headcount", "sector": "sector", "region": "region", "country": "country", "city": "city",
			"revenue": "revenue", "industry": "industry", "size": "size", "department": "department",
		},
		Change: func(before, after int) string { return fmt.Sprintf("Job offers: %d → %d", before, after) },
		quiet: func(n int) string {
			return "+ " + plural(n, "lead with nothing new", "leads with nothing new")
		},
		HealthHeading:     "veille health",
		HealthIntro:       "What has been broken or silent for over a day and the messages the SMTP server refused. Reps do not get this notice.",
		HealthSources:     "Failing sources",
		HealthFailed:      "Undelivered messages",
		HealthNever:       "never succeeded",
		HealthLastSuccess: "last success",
		HealthFailures:    "consecutive failures",
		HealthAttempts:    "attempts",
		HealthQueued:      "queued",
		HealthFix:         "To act: veille sources --failing (or --silent, then veille discover URL for new selectors), then veille outbox retry ID (send again) or veille outbox drop ID (give up).",
		HealthSilent:      "Silent sources",
		healthSubject: func(src, silent, failed int, date string) string {
			return "veille — health: " + nonZero(plural(src, "failing source", "failing sources"), plural(silent, "silent source", "silent sources"), plural(failed, "undelivered message", "undelivered messages")) + " — " + date
		},
		silentLine: func(selector bool, url, since, what, lastYield string) string {
			if selector {
				return fmt.Sprintf("selectors of %s match nothing since %s: %s", url, since, what)
			}
			if lastYield == "" {
				return fmt.Sprintf("%s yields no items since %s", url, since)
			}
			return fmt.Sprintf("%s yields no items since %s (last ones on %s)", url, since, lastYield)
		},
		subject: func(kind string, n int, names []string, more int, date string) string {
			var what string
			switch kind {
			case subjectHot:
				what = plural(n, "hot lead", "hot leads")
			case subjectPotential:
				what = plural(n, "potential lead", "potential leads")
			case subjectRising:
				what = plural(n, "rising lead", "rising leads")
			case subjectNews:
				what = plural(n, "new signal", "new signals")
			default:
				return "Nothing new — " + date
			}
			if more > 0 {
				return fmt.Sprintf("%s: %s and %d more — %s", what, strings.Join(names, ", "), more, date)
			}
			return what + ": " + strings.Join(names, ", ") + " — " + date
		},
		alertSubject: func(what string, more int) string {
			s := "Alert: " + what
			if more > 0 {
				s += fmt.Sprintf(" (+ %s)", plural(more, "lead", "leads"))
			}
			return s
		},
		days:   []string{"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"},
		months: []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
		dateLayout: func(t time.Time, days, months []string) string {
			return fmt.Sprintf("%s %d %s", days[t.Weekday()], t.Day(), months[t.Month()-1])
		},
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// nonZero joins the counts that are not "0 ...": an admin's subject names
// only what is wrong.
func nonZero(parts ...string) string {
	var out []string
	for _, p := range parts {
		if !strings.HasPrefix(p, "0 ") {
			out = append(out, p)
		}
	}
	return strings.Join(out, ", ")
}

// shortDate is "lun. 23 nov." / "Mon 23 Nov".
func (c catalog) shortDate(t time.Time) string { return c.dateLayout(t, c.days, c.months) }

// label is a signal's short name; an unknown id shows as it is.
func (c catalog) label(l signals.Label) string {
	if s, ok := c.Label[l]; ok {
		return s
	}
	return string(l)
}

// link words a link's kind.
func (c catalog) link(k signals.LinkKind) string {
	if s, ok := c.Link[k]; ok && k != "" {
		return s
	}
	return c.Link[""]
}

// field names a prospect field; a custom field shows as it is.
func (c catalog) field(f string) string {
	if s, ok := c.Field[strings.ToLower(f)]; ok {
		return s
	}
	return f
}
