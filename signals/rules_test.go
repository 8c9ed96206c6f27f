package signals

import (
	"slices"
	"testing"
	"time"
)

func TestMatches(t *testing.T) {
	m, err := NewMatcher([]Company{{Key: "agro/breizh", Name: "Breizh Conserves"}, {Key: "agro/armor", Name: "Armor Logistique"}})
	if err != nil {
		t.Fatal(err)
	}
	it := Item{Title: "Armor Logistique et Breizh Conserves s'associent"}
	for _, tc := range []struct {
		name   string
		owners []string
		shared bool
		want   []string
	}{
		{"own feed: its owners only, once", []string{"agro/breizh", "agro/breizh"}, false, []string{"agro/breizh"}},
		{"shared feed: every company mentioned", nil, true, []string{"agro/armor", "agro/breizh"}},
		{"owned and shared: the owner once", []string{"agro/breizh"}, true, []string{"agro/armor", "agro/breizh"}},
	} {
		var keys []string
		for _, mt := range Matches(m, tc.owners, tc.shared, it) {
			keys = append(keys, mt.Key)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, keys, tc.want)
		}
	}
}

func TestDigestAdd(t *testing.T) {
	now := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	sig := func(id string, ago time.Duration) Signal {
		return Signal{ID: id, FirstSeen: now.Add(-ago), Labels: []Label{FinancialGrowth}, Strength: Strong}
	}
	d := Digest{At: now}
	sent := func(id string) bool { return id == "sent" }
	d.Add(Lead{Company: "A", Tier: Potential, Score: 50}, []Signal{sig("old", 2*time.Hour), sig("new", time.Hour), sig("sent", time.Hour)}, sent)
	d.Add(Lead{Company: "B", Tier: Hot, Score: 80}, []Signal{sig("b", 3*time.Hour)}, sent)
	d.Add(Lead{Company: "C", Tier: Hot, Score: 75}, []Signal{sig("sent", time.Hour)}, sent)
	d.Add(Lead{Company: "D", Tier: Hot, Score: 90}, nil, sent)
	d.Add(Lead{Company: "E", Tier: Cold, Score: 5}, nil, sent)
	d.Add(Lead{Company: "F", Tier: Potential, Score: 45}, []Signal{sig("sent", time.Hour)}, sent)
	d.Sort()
	var got []string
	for _, dl := range d.Leads {
		got = append(got, dl.Lead.Company)
		for _, s := range dl.New {
			got = append(got, s.ID)
		}
	}
	for _, l := range d.StillHot {
		got = append(got, "still:"+l.Lead.Company)
	}
	if want := []string{"B", "b", "A", "new", "old", "still:D", "still:C"}; !slices.Equal(got, want) {
		t.Errorf("digest %v, want %v", got, want)
	}
	if d.Quiet != 2 {
		t.Errorf("%d quiet leads, want 2 (E and F)", d.Quiet)
	}
}

func TestAddOutlet(t *testing.T) {
	s := Signal{Sources: []SourceRef{{Source: "feed0", URL: "u0"}}, Strength: Weak}
	if s.AddOutlet(SourceRef{Source: "feed0", URL: "u0"}, Strong) || s.Strength != Weak {
		t.Errorf("an outlet already listed changed the signal: %+v", s)
	}
	for i := 1; i < MaxOutlets+3; i++ {
		if !s.AddOutlet(SourceRef{Source: "feed", URL: string(rune('a' + i))}, Strong) {
			t.Fatalf("outlet %d: no change", i)
		}
	}
	if len(s.Sources) != MaxOutlets || s.MoreOutlets != 3 || s.Strength != Strong {
		t.Errorf("%d listed, %d more, strength %v; want %d listed, 3 more, strong", len(s.Sources), s.MoreOutlets, s.Strength, MaxOutlets)
	}
}
