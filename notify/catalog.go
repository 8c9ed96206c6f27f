package notify

import (
	"fmt"
	"strings"
	"time"
)

// catalog holds every sentence of the emails in both languages, so a new
// string cannot be added to one language and forgotten in the other.
type catalog struct {
	Heading, Intro, StillHot, StillHotIntro, Why, Sources, Evidence, Empty, Footer string
	Colon                                                                          string // " : " in French typography, ": " in English
	Quote                                                                          [2]string
	AlertHeading, AlertIntro                                                       string
	HealthHeading, HealthIntro, HealthSources, HealthFailed, HealthNever           string
	HealthLastSuccess, HealthFailures, HealthAttempts, HealthQueued, HealthFix     string
	Tier                                                                           map[string]string
	subject                                                                        func(hot, signals int, date string) string
	alertSubject                                                                   func(signals int, date string) string
	healthSubject                                                                  func(sources, silent, failed int, date string) string
	days, months                                                                   []string
	dateLayout                                                                     func(t time.Time, days, months []string) string

	HealthSilent string
	// silentLine says what a silent source does: its selectors match
	// nothing, or it yields no items any more.
	silentLine func(selector bool, url, since, what, lastYield string) string
}

func catalogFor(lang string) catalog {
	if lang == "fr" {
		return catalog{
			Colon:             "\u00a0: ",
			Quote:             [2]string{"«\u00a0", "\u00a0»"},
			Heading:           "Votre veille du jour",
			Intro:             "Les leads qui ont bougé depuis votre dernier envoi, avec les nouvelles qui les ont fait bouger.",
			StillHot:          "Toujours chauds",
			StillHotIntro:     "Leads chauds sans nouveauté depuis votre dernier envoi.",
			Why:               "Pourquoi",
			Sources:           "Sources",
			Evidence:          "Indices",
			Empty:             "Rien de nouveau aujourd'hui sur vos comptes.",
			Footer:            "Envoyé par veille. Les scores combinent l'adéquation au profil et les signaux récents.",
			AlertHeading:      "Alerte veille",
			AlertIntro:        "Des signaux que vous suivez de près viennent d'arriver.",
			Tier:              map[string]string{"hot": "chaud", "potential": "potentiel", "cold": "froid"},
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
					return fmt.Sprintf("les sélecteurs de %s ne trouvent rien depuis le %s : %s", url, since, what)
				}
				if lastYield == "" {
					return fmt.Sprintf("%s ne donne plus aucun article depuis le %s", url, since)
				}
				return fmt.Sprintf("%s ne donne plus aucun article depuis le %s (derniers le %s)", url, since, lastYield)
			},
			subject: func(hot, n int, date string) string {
				return fmt.Sprintf("veille — %s, %s — %s", plural(hot, "lead chaud", "leads chauds"), plural(n, "nouveau signal", "nouveaux signaux"), date)
			},
			alertSubject: func(n int, date string) string {
				return fmt.Sprintf("veille — alerte : %s — %s", plural(n, "nouveau signal", "nouveaux signaux"), date)
			},
			days:   []string{"dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."},
			months: []string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
			dateLayout: func(t time.Time, days, months []string) string {
				return fmt.Sprintf("%s %d %s", days[t.Weekday()], t.Day(), months[t.Month()-1])
			},
		}
	}
	return catalog{
		Colon:             ": ",
		Quote:             [2]string{"“", "”"},
		Heading:           "Your watch for today",
		Intro:             "Leads that moved since your last digest, with the news that moved them.",
		StillHot:          "Still hot",
		StillHotIntro:     "Hot leads with nothing new since your last digest.",
		Why:               "Why",
		Sources:           "Sources",
		Evidence:          "Evidence",
		Empty:             "Nothing new on your accounts today.",
		Footer:            "Sent by veille. Scores combine profile fit and recent signals.",
		AlertHeading:      "veille alert",
		AlertIntro:        "Signals you asked to hear about at once have just arrived.",
		Tier:              map[string]string{"hot": "hot", "potential": "potential", "cold": "cold"},
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
		subject: func(hot, n int, date string) string {
			return fmt.Sprintf("veille — %s, %s — %s", plural(hot, "hot lead", "hot leads"), plural(n, "new signal", "new signals"), date)
		},
		alertSubject: func(n int, date string) string {
			return fmt.Sprintf("veille — alert: %s — %s", plural(n, "new signal", "new signals"), date)
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
