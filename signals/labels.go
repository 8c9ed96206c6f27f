package signals

import (
	"fmt"
	"strings"
)

// Label is one of the nine business signals (docs/signals.md).
type Label string

const (
	Buzz            Label = "buzz"
	HRMoves         Label = "hr_moves"
	NewSites        Label = "new_sites"
	FinancialPub    Label = "financial_pub"
	Development     Label = "development"
	FinancialGrowth Label = "financial_growth"
	Difficulty      Label = "difficulty"
	Innovation      Label = "innovation"
	International   Label = "international"
)

// Keyword is the evidence label of a watch list's own keywords; it is not a
// signal and never appears in Classification.Labels.
const Keyword Label = "keyword"

type labelInfo struct {
	label  Label
	points int
	fr, en string
}

// taxonomy returns the nine signals in the documented order. A function, not a
// package variable, so no caller can change it.
func taxonomy() []labelInfo {
	return []labelInfo{
		{Buzz, 5, "Buzz marketing et communication", "Marketing & communication buzz"},
		{HRMoves, 10, "Mouvements RH", "HR moves"},
		{NewSites, 15, "Nouvelles implantations", "New locations"},
		{FinancialPub, 5, "Publications financières", "Financial publications"},
		{Development, 15, "Sociétés en développement", "Companies in development"},
		{FinancialGrowth, 15, "Sociétés en croissance financière", "Companies in financial growth"},
		{Difficulty, -15, "Sociétés en difficulté", "Companies in difficulty"},
		{Innovation, 10, "Sociétés innovantes", "Innovative companies"},
		{International, 10, "Sociétés à l'international", "International companies"},
	}
}

// Labels lists the nine signal ids in the documented order.
func Labels() []Label {
	t := taxonomy()
	out := make([]Label, len(t))
	for i, li := range t {
		out[i] = li.label
	}
	return out
}

// LabelIDs lists the nine ids as strings (for config validation).
func LabelIDs() []string {
	t := taxonomy()
	out := make([]string, len(t))
	for i, li := range t {
		out[i] = string(li.label)
	}
	return out
}

func info(l Label) (labelInfo, bool) {
	for _, li := range taxonomy() {
		if li.label == l {
			return li, true
		}
	}
	return labelInfo{}, false
}

// Valid reports whether l is one of the nine signal ids.
func (l Label) Valid() bool {
	_, ok := info(l)
	return ok
}

// ParseLabel checks a signal id and says which ones exist when it is unknown.
func ParseLabel(s string) (Label, error) {
	l := Label(s)
	if !l.Valid() {
		return "", fmt.Errorf("unknown signal %q (known: %s)", s, strings.Join(LabelIDs(), ", "))
	}
	return l, nil
}

// DefaultPoints is the default score of a label (0 if unknown).
func DefaultPoints(l Label) int {
	li, _ := info(l)
	return li.points
}

// DisplayName is the label's name as sales-intelligence tools print it, in
// "fr" or "en" (anything else gets English).
func (l Label) DisplayName(lang string) string {
	li, ok := info(l)
	if !ok {
		if l == Keyword {
			if lang == "fr" {
				return "Mot-clé"
			}
			return "Keyword"
		}
		return string(l)
	}
	if lang == "fr" {
		return li.fr
	}
	return li.en
}
