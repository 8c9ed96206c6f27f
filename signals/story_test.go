package signals

import (
	"testing"
	"time"
)

// Headlines alone: an outlet's rewrite is the same story, another news
// of the company is not.
func TestSameStoryByTitle(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		same bool
	}{
		{"Breizh Conserves lève 12 millions d'euros pour doubler sa production",
			"BREIZH CONSERVES LÈVE 12 MILLIONS D'EUROS POUR DOUBLER SA PRODUCTION", true},
		{"Breizh Conserves lève 12 millions d'euros pour doubler sa production",
			"Breizh Conserves lève 12 millions d'euros pour doubler sa production à Lorient", true},
		{"Penmore Robotics raises £28m Series B to scale warehouse robots",
			"Penmore Robotics raises £28m in Series B round to scale its warehouse robots", true},
		{"Breizh Conserves lève 12 millions d'euros", "Breizh Conserves nomme un nouveau directeur général", false},
		{"Breizh Conserves lève 12 millions d'euros", "Breizh Conserves lève 15 millions d'euros", false},
		{"Penmore Robotics opens Boston office", "Penmore Robotics appoints new COO", false},
		{"", "Penmore Robotics appoints new COO", false},
	} {
		a, b := TitleStoryPrint(tc.a, "Breizh Conserves"), TitleStoryPrint(tc.b, "Breizh Conserves")
		if got := SameStory(a, b); got != tc.same {
			t.Errorf("SameStory(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.same)
		}
	}
}

func TestScoreShownMatchesTier(t *testing.T) {
	p := DefaultPolicy()
	p.Fit = []FitRule{{Field: "x", Equals: "y", Points: 39.96}}
	r := Score(map[string]string{"x": "y"}, nil, p, time.Time{})
	if r.Score != 40 || r.Tier != Potential {
		t.Errorf("score %v tier %s: a lead shown as 40 must be potential", r.Score, r.Tier)
	}
}
