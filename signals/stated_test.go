package signals

import (
	"reflect"
	"testing"
)

func TestStatedClassification(t *testing.T) {
	ev := func(term string) []Evidence { return []Evidence{{Term: term, Field: "summary"}} }
	tests := []struct {
		name string
		it   Item
		want Classification
	}{
		{"none stated", Item{Stated: true}, Classification{Labels: []Label{}}},
		{
			"taxonomy order, evidence kept",
			Item{Stated: true, Hints: []Label{FinancialGrowth, HRMoves}, Evidence: map[Label][]Evidence{HRMoves: ev("Président"), FinancialGrowth: ev("capital")}},
			Classification{Labels: []Label{HRMoves, FinancialGrowth}, Evidence: EvidenceList{given: []LabelEvidence{{HRMoves, ev("Président")}, {FinancialGrowth, ev("capital")}}}},
		},
		{
			"evidence of a label not stated is dropped",
			Item{Stated: true, Hints: []Label{Difficulty}, Evidence: map[Label][]Evidence{Difficulty: ev("redressement"), Buzz: ev("x")}},
			Classification{Labels: []Label{Difficulty}, Evidence: EvidenceList{given: []LabelEvidence{{Difficulty, ev("redressement")}}}},
		},
		{
			"unknown hint ignored",
			Item{Stated: true, Hints: []Label{"nope", NewSites}},
			Classification{Labels: []Label{NewSites}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.it.StatedClassification()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
			if len(got.Labels) > 0 != got.Classified() {
				t.Errorf("Classified() = %v with labels %v", got.Classified(), got.Labels)
			}
		})
	}
}
