package web

import (
	"testing"

	"github.com/veille-hq/veille/store"
)

func TestChart(t *testing.T) {
	c := catalogFor("fr")
	tests := []struct {
		name        string
		points      []store.HistoryPoint
		ok          bool
		line        string
		first, last string
	}{
		{name: "nothing", ok: false},
		{name: "one day: in the middle", points: []store.HistoryPoint{{Day: "2026-11-23", Score: 50}}, ok: true, line: "331,83", first: "23 nov."},
		{
			name:   "days spread by date, scores clamped to 0-100",
			points: []store.HistoryPoint{{Day: "2026-11-20", Score: 0}, {Day: "2026-11-21", Score: 100}, {Day: "2026-11-24", Score: 140}},
			ok:     true, line: "34,156 182.5,10 628,10", first: "20 nov.", last: "24 nov.",
		},
		{name: "a damaged day is skipped", points: []store.HistoryPoint{{Day: "bad", Score: 10}, {Day: "2026-11-23", Score: 0}}, ok: true, line: "331,156", first: "23 nov."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch, ok := newChart(c, tt.points, 70, 40)
			if ok != tt.ok || ch.Line != tt.line || ch.First != tt.first || ch.Last != tt.last {
				t.Fatalf("chart = %v %q %q %q, want %v %q %q %q", ok, ch.Line, ch.First, ch.Last, tt.ok, tt.line, tt.first, tt.last)
			}
			if ok && len(ch.Rules) != 4 {
				t.Errorf("rules %+v: want 0, 100, potential and hot", ch.Rules)
			}
		})
	}
}
