package signals

import (
	"math"
	"testing"
	"time"
)

func ptr(f float64) *float64 { return &f }

func TestSignalPoints(t *testing.T) {
	p := DefaultPolicy()
	tests := []struct {
		name string
		p    Policy
		s    Signal
		want float64
	}{
		{"one label", p, Signal{Labels: []Label{Development}, Strength: Strong}, 15},
		{"two labels", p, Signal{Labels: []Label{Development, International}, Strength: Strong}, 25},
		{"capped", p, Signal{Labels: []Label{Development, NewSites, International}, Strength: Strong}, 25},
		{"negative capped", Policy{ItemCap: 10, Points: map[Label]int{Difficulty: -30}}, Signal{Labels: []Label{Difficulty}, Strength: Strong}, -10},
		{"weak is half", p, Signal{Labels: []Label{Development}, Strength: Weak}, 7.5},
		{"weak after cap", p, Signal{Labels: []Label{Development, NewSites, International}, Strength: Weak}, 12.5},
		{"override", Policy{ItemCap: 25, Points: map[Label]int{Difficulty: 20}}, Signal{Labels: []Label{Difficulty}, Strength: Strong}, 20},
		{"keyword points", p, Signal{Labels: []Label{Buzz}, Strength: Strong, Evidence: map[Label][]Evidence{Keyword: {{Term: "ERP", Points: 8}}}}, 13},
		{"backlog", p, Signal{Labels: []Label{Development}, Strength: Strong, Backlog: true}, 0},
		{"difficulty dominates", p, Signal{Labels: []Label{HRMoves, Development, Difficulty}, Strength: Strong}, -15},
		{"difficulty dominates keywords", p, Signal{Labels: []Label{Difficulty}, Strength: Strong, Evidence: map[Label][]Evidence{Keyword: {{Term: "ERP", Points: 8}}}}, -15},
		{"difficulty keeps negative keywords", p, Signal{Labels: []Label{Difficulty, Development}, Strength: Strong, Evidence: map[Label][]Evidence{Keyword: {{Term: "rival", Points: -5}}}}, -20},
		{"positive difficulty adds", Policy{ItemCap: 25, Points: map[Label]int{Difficulty: 15}}, Signal{Labels: []Label{Difficulty, Development}, Strength: Strong}, 25},
		{"keyword once per item", p, Signal{Labels: []Label{Buzz}, Strength: Strong, Evidence: map[Label][]Evidence{Keyword: {
			{Term: "ERP", Field: "title", Points: 8}, {Term: "erp", Field: "summary", Points: 8}, {Term: "ERP", Field: "summary", Offset: 40, Points: 8},
		}}}, 13},
		{"two keywords", p, Signal{Strength: Strong, Evidence: map[Label][]Evidence{Keyword: {
			{Term: "ERP", Field: "title", Points: 8}, {Term: "cloud", Field: "summary", Points: 4}, {Term: "ERP", Field: "summary", Points: 8},
		}}}, 12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.SignalPoints(tt.s); got != tt.want {
				t.Errorf("SignalPoints = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestScore(t *testing.T) {
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	p := DefaultPolicy()
	p.Fit = []FitRule{
		{Field: "headcount", Min: ptr(50), Points: 20},
		{Field: "sector", In: []string{"Agroalimentaire", "Food"}, Points: 10},
		{Field: "region", Equals: "bretagne", Points: 5},
		{Field: "revenue", Max: ptr(1e6), Points: -10},
	}
	sig := func(title string, age time.Duration, labels ...Label) Signal {
		return Signal{Title: title, FirstSeen: now.Add(-age), Labels: labels, Strength: Strong}
	}
	tests := []struct {
		name      string
		fields    map[string]string
		sigs      []Signal
		wantScore float64
		wantFit   float64
		wantTier  Tier
		wantWhy   []Contribution
	}{
		{"fit only", map[string]string{"headcount": "120", "sector": "food", "region": "Bretagne"}, nil, 35, 35, Cold, []Contribution{{"headcount ≥ 50", 20}, {"sector in Agroalimentaire, Food", 10}, {"region = bretagne", 5}}},
		{"unparsable number", map[string]string{"headcount": "many", "revenue": "n/a"}, nil, 0, 0, Cold, nil},
		{"negative fit clamps to 0", map[string]string{"revenue": "1000"}, nil, 0, -10, Cold, []Contribution{{"revenue ≤ 1000000", -10}}},
		{"fresh signal", map[string]string{"headcount": "50"}, []Signal{sig("Usine", 0, NewSites, Development)}, 45, 20, Potential, []Contribution{{"new_sites, development: Usine", 25}, {"headcount ≥ 50", 20}}},
		{"one half-life", nil, []Signal{sig("Rachat", 30*day, Development)}, 7.5, 0, Cold, []Contribution{{"development: Rachat", 7.5}}},
		{"two half-lives", nil, []Signal{sig("Rachat", 60*day, Development)}, 3.8, 0, Cold, []Contribution{{"development: Rachat", 3.8}}},
		{"future ignored", nil, []Signal{sig("Later", -day, Development)}, 0, 0, Cold, nil},
		{"clamped to 100", map[string]string{"headcount": "500", "sector": "Food", "region": "bretagne"}, []Signal{
			sig("A", 0, Development, NewSites), sig("B", 0, FinancialGrowth, HRMoves), sig("C", 0, Development),
		}, 100, 35, Hot, nil},
		{"difficulty subtracts", map[string]string{"headcount": "80"}, []Signal{sig("PSE", 0, Difficulty)}, 5, 20, Cold, []Contribution{{"headcount ≥ 50", 20}, {"difficulty: PSE", -15}}},
		{"difficulty with positive labels never raises", map[string]string{"headcount": "80"}, []Signal{sig("Administration", 0, HRMoves, Development, Difficulty)}, 5, 20, Cold, []Contribution{{"headcount ≥ 50", 20}, {"hr_moves, development, difficulty: Administration", -15}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Score(tt.fields, tt.sigs, p, now)
			if math.Abs(r.Score-tt.wantScore) > 1e-9 || r.Fit != tt.wantFit || r.Tier != tt.wantTier {
				t.Errorf("Score = %v fit %v tier %s, want %v fit %v tier %s", r.Score, r.Fit, r.Tier, tt.wantScore, tt.wantFit, tt.wantTier)
			}
			if tt.wantWhy != nil && !equalWhy(r.Why, tt.wantWhy) {
				t.Errorf("Why = %v, want %v", r.Why, tt.wantWhy)
			}
		})
	}
}

func equalWhy(a, b []Contribution) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestTier(t *testing.T) {
	p := DefaultPolicy()
	custom := Policy{Hot: 50, Potential: 20}
	tests := []struct {
		p     Policy
		score float64
		want  Tier
	}{
		{p, 70, Hot}, {p, 69.9, Potential}, {p, 40, Potential}, {p, 39.9, Cold}, {p, 0, Cold},
		{custom, 50, Hot}, {custom, 20, Potential}, {custom, 19, Cold},
	}
	for _, tt := range tests {
		t.Run(string(tt.want), func(t *testing.T) {
			if got := tt.p.Tier(tt.score); got != tt.want {
				t.Errorf("Tier(%v) = %s, want %s", tt.score, got, tt.want)
			}
		})
	}
}

// The store returns a lead's signals in key order, which has nothing to do
// with their points: the explanation must not follow it.
func TestScoreWhyIgnoresSignalOrder(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	a := Signal{Title: "Alpha opens a plant", Labels: []Label{NewSites}, Strength: Strong, FirstSeen: now}
	b := Signal{Title: "Alpha launches a range", Labels: []Label{Development}, Strength: Strong, FirstSeen: now}
	p := DefaultPolicy()
	p.Fit = []FitRule{{Field: "headcount", Min: ptr(50), Points: 15}}
	fields := map[string]string{"headcount": "80"}
	one := Score(fields, []Signal{a, b}, p, now).Why
	two := Score(fields, []Signal{b, a}, p, now).Why
	if len(one) != 3 {
		t.Fatalf("why = %v, want three lines", one)
	}
	for i := range one {
		if one[i] != two[i] {
			t.Fatalf("why depends on the signals' order:\n%v\n%v", one, two)
		}
	}
}
