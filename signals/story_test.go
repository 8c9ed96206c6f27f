package signals

import (
	"testing"
	"time"
)

func TestTitleWordsSimilarity(t *testing.T) {
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
		{"Penmore Robotics opens Boston office", "Penmore Robotics appoints new COO", false},
		{"", "Penmore Robotics appoints new COO", false},
	} {
		got := NewTitleWords(tc.a).Similarity(NewTitleWords(tc.b))
		if (got >= SameStoryThreshold) != tc.same {
			t.Errorf("similarity of %q and %q = %.2f; same story = %v", tc.a, tc.b, got, tc.same)
		}
		if back := NewTitleWords(tc.b).Similarity(NewTitleWords(tc.a)); back != got {
			t.Errorf("not symmetric: %.2f vs %.2f", got, back)
		}
	}
}

func FuzzTitleWordsSimilarity(f *testing.F) {
	f.Add("Breizh Conserves lève 12 M€", "Breizh Conserves lève 12 millions")
	f.Fuzz(func(t *testing.T, a, b string) {
		s := NewTitleWords(a).Similarity(NewTitleWords(b))
		if s < 0 || s > 1 {
			t.Fatalf("similarity %v out of 0–1", s)
		}
	})
}

func TestScoreShownMatchesTier(t *testing.T) {
	p := DefaultPolicy()
	p.Fit = []FitRule{{Field: "x", Equals: "y", Points: 39.96}}
	r := Score(map[string]string{"x": "y"}, nil, p, time.Time{})
	if r.Score != 40 || r.Tier != Potential {
		t.Errorf("score %v tier %s: a lead shown as 40 must be potential", r.Score, r.Tier)
	}
}
