package signals

import (
	"reflect"
	"testing"
)

func TestJobChange(t *testing.T) {
	for _, tc := range []struct {
		name  string
		c     JobChange
		title string
	}{
		{"new offers with commas", JobChange{Before: 2, After: 4, Added: []string{"Technicien, équipe de nuit", "Cariste H/F"}},
			"2 → 4 job offers; new: Technicien, équipe de nuit\u2003·\u2003Cariste H/F"},
		{"both ways", JobChange{Before: 3, After: 3, Added: []string{"A"}, Removed: []string{"B", "… (+2)"}},
			"3 → 3 job offers; new: A; removed: B\u2003·\u2003… (+2)"},
		{"removed only", JobChange{Before: 5, After: 4, Removed: []string{"C"}}, "5 → 4 job offers; removed: C"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.c.Title(); got != tc.title {
				t.Errorf("title %q, want %q", got, tc.title)
			}
			got, ok := ParseJobChange(tc.title)
			if !ok || !reflect.DeepEqual(got, tc.c) {
				t.Errorf("parse: %+v, %v; want %+v", got, ok, tc.c)
			}
		})
	}
	// A title from before OfferSep keeps each list whole.
	if got, ok := ParseJobChange("2 → 5 job offers; new: A, B; removed: C"); !ok || !reflect.DeepEqual(got, JobChange{Before: 2, After: 5, Added: []string{"A, B"}, Removed: []string{"C"}}) {
		t.Errorf("legacy title: %+v, %v", got, ok)
	}
	for _, title := range []string{"Breizh recrute 15 conducteurs", "2 → x job offers", "2 → 5 job offers; more", "Recrutement : 15 postes; new: A"} {
		if c, ok := ParseJobChange(title); ok {
			t.Errorf("%q read as a change: %+v", title, c)
		}
	}
}
