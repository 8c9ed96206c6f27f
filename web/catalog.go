package web

import (
	"fmt"
	"time"

	"github.com/veille-hq/veille/signals"
)

// catalog holds every string of the pages in both languages, so one
// cannot be added to a language and forgotten in the other.
type catalog struct {
	Lang, Colon                                   string
	Quote                                         [2]string
	Title, MyLeads, Filter, AllTiers, AllLists    string
	Company, Watchlist, TierCol, Score, Trend     string
	LastSignal, Status, NoLeads, Customer         string
	SnoozedUntil, History, NoHistory, News        string
	NoNews, Points, DismissedAs, Undo, Confirm    string
	Recorded, Undone, BackToLeads, BackToLead     string
	ScoreNow, Denied, DeniedExpired, DeniedForged string
	DeniedNotYours, NotFound, NotFoundText        string
	ChartLabel, Sources, Back                     string
	Tier                                          map[signals.Tier]string
	Action                                        map[signals.LinkKind]string // button and link words
	Ask                                           map[signals.LinkKind]string // the confirmation question
	Effect                                        map[signals.LinkKind]string // what confirming does
	Done                                          map[signals.LinkKind]string // what was done
	months                                        []string
}

func catalogFor(lang string) catalog {
	if lang == "fr" {
		return catalog{
			Lang: "fr", Colon: "\u00a0: ", Quote: [2]string{"«\u00a0", "\u00a0»"},
			Title: "Veille", MyLeads: "Mes leads", Filter: "Filtrer", AllTiers: "Tous les niveaux", AllLists: "Toutes les listes",
			Company: "Entreprise", Watchlist: "Liste", TierCol: "Niveau", Score: "Score", Trend: "7 jours",
			LastSignal: "Dernier signal", Status: "Statut", NoLeads: "Aucun lead ne correspond à ce filtre.",
			Customer: "déjà client", SnoozedUntil: "en pause jusqu'au", History: "Score dans le temps",
			NoHistory: "Pas encore d'historique.", News: "Signaux", NoNews: "Aucun signal pour l'instant.",
			Points: "points", DismissedAs: "écarté", Undo: "Annuler", Confirm: "Confirmer",
			Recorded: "C'est noté.", Undone: "Annulé\u00a0: plus rien n'est écarté.", BackToLeads: "Voir mes leads", BackToLead: "Voir la fiche",
			ScoreNow: "Score actuel", Denied: "Lien refusé",
			DeniedExpired:  "Ce lien a expiré. Ouvrez un lien d'un message plus récent.",
			DeniedForged:   "Ce lien n'est pas valide. Ouvrez-le depuis le message reçu, sans le modifier.",
			DeniedNotYours: "Ce lead ne vous est plus attribué.",
			NotFound:       "Page introuvable", NotFoundText: "Cette page n'existe pas ou plus.",
			ChartLabel: "Évolution du score", Sources: "Sources", Back: "Retour",
			Tier: map[signals.Tier]string{signals.Hot: "chaud", signals.Potential: "potentiel", signals.Cold: "froid"},
			Action: map[signals.LinkKind]string{
				signals.LinkWrongCompany: "pas la bonne entreprise", signals.LinkNotRelevant: "pas pertinent",
				signals.LinkCustomer: "déjà client", signals.LinkSnooze: "pause 30 jours",
				signals.LinkCRM: "fiche CRM", signals.LinkSite: "site web",
			},
			Ask: map[signals.LinkKind]string{
				signals.LinkWrongCompany: "Cette nouvelle ne parle pas de %s\u00a0?",
				signals.LinkNotRelevant:  "Cette nouvelle n'est pas un signal utile pour %s\u00a0?",
				signals.LinkCustomer:     "%s est déjà client\u00a0?",
				signals.LinkSnooze:       "Mettre %s en pause 30 jours\u00a0?",
			},
			Effect: map[signals.LinkKind]string{
				signals.LinkWrongCompany: "Elle sera retirée du score et ne reviendra pas, même relue à la source.",
				signals.LinkNotRelevant:  "Elle ne comptera plus dans le score.",
				signals.LinkCustomer:     "Ce lead ne sera plus dans vos messages.",
				signals.LinkSnooze:       "Ce lead ne sera plus dans vos messages pendant 30 jours.",
			},
			Done: map[signals.LinkKind]string{
				signals.LinkWrongCompany: "Nouvelle écartée\u00a0: pas la bonne entreprise.",
				signals.LinkNotRelevant:  "Nouvelle écartée\u00a0: pas pertinente.",
				signals.LinkCustomer:     "Lead marqué déjà client : il ne sera plus dans vos messages.",
				signals.LinkSnooze:       "Lead en pause jusqu'au %s.",
			},
			months: []string{"janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."},
		}
	}
	return catalog{
		Lang: "en", Colon: ": ", Quote: [2]string{"“", "”"},
		Title: "veille", MyLeads: "My leads", Filter: "Filter", AllTiers: "All tiers", AllLists: "All watch lists",
		Company: "Company", Watchlist: "Watch list", TierCol: "Tier", Score: "Score", Trend: "7 days",
		LastSignal: "Last signal", Status: "Status", NoLeads: "No lead matches this filter.",
		Customer: "already a customer", SnoozedUntil: "snoozed until", History: "Score over time",
		NoHistory: "No history yet.", News: "Signals", NoNews: "No signal yet.",
		Points: "points", DismissedAs: "dismissed", Undo: "Undo", Confirm: "Confirm",
		Recorded: "Done.", Undone: "Undone: nothing is dismissed any more.", BackToLeads: "See my leads", BackToLead: "See the lead",
		ScoreNow: "Score now", Denied: "Link refused",
		DeniedExpired:  "This link has expired. Open a link from a more recent message.",
		DeniedForged:   "This link is not valid. Open it from the message you received, unchanged.",
		DeniedNotYours: "This lead is no longer assigned to you.",
		NotFound:       "Page not found", NotFoundText: "This page does not exist, or no longer does.",
		ChartLabel: "Score over time", Sources: "Sources", Back: "Back",
		Tier: map[signals.Tier]string{signals.Hot: "hot", signals.Potential: "potential", signals.Cold: "cold"},
		Action: map[signals.LinkKind]string{
			signals.LinkWrongCompany: "wrong company", signals.LinkNotRelevant: "not relevant",
			signals.LinkCustomer: "already a customer", signals.LinkSnooze: "snooze 30 days",
			signals.LinkCRM: "CRM record", signals.LinkSite: "website",
		},
		Ask: map[signals.LinkKind]string{
			signals.LinkWrongCompany: "Is this news not about %s?",
			signals.LinkNotRelevant:  "Is this news no useful signal for %s?",
			signals.LinkCustomer:     "Is %s already a customer?",
			signals.LinkSnooze:       "Snooze %s for 30 days?",
		},
		Effect: map[signals.LinkKind]string{
			signals.LinkWrongCompany: "It leaves the score and will not come back, even when its source is read again.",
			signals.LinkNotRelevant:  "It no longer counts in the score.",
			signals.LinkCustomer:     "This lead leaves your messages.",
			signals.LinkSnooze:       "This lead leaves your messages for 30 days.",
		},
		Done: map[signals.LinkKind]string{
			signals.LinkWrongCompany: "News dismissed: wrong company.",
			signals.LinkNotRelevant:  "News dismissed: not relevant.",
			signals.LinkCustomer:     "Lead marked as a customer: it leaves your messages.",
			signals.LinkSnooze:       "Lead snoozed until %s.",
		},
		months: []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"},
	}
}

// date is "3 déc. 2026" / "3 Dec 2026".
func (c catalog) date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d %s %d", t.Day(), c.months[t.Month()-1], t.Year())
}

// shortDay is "3 déc." / "3 Dec", for the chart's axis.
func (c catalog) shortDay(t time.Time) string {
	return fmt.Sprintf("%d %s", t.Day(), c.months[t.Month()-1])
}
