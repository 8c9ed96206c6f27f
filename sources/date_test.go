package sources

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }
	tests := []struct {
		in   string
		want time.Time
		ok   bool
	}{
		// French human dates.
		{"12 mars 2025", day(2025, 3, 12), true},
		{"lundi 3 mars 2025", day(2025, 3, 3), true},
		{"Lundi 3 Mars 2025 à 14h30", day(2025, 3, 3), true},
		{"1er avril 2024", day(2024, 4, 1), true},
		{"le 1er février 2025", day(2025, 2, 1), true},
		{"15 août 2024", day(2024, 8, 15), true},
		{"3 déc. 2024", day(2024, 12, 3), true},
		{"Publié le 7 janvier 2025", day(2025, 1, 7), true},
		{"12/03/2025", day(2025, 3, 12), true},
		{"03/12/2024", day(2024, 12, 3), true},
		{"12.03.2025", day(2025, 3, 12), true},
		{"12-03-2025", day(2025, 3, 12), true},
		// English human dates.
		{"March 12, 2025", day(2025, 3, 12), true},
		{"Monday, March 3, 2025", day(2025, 3, 3), true},
		{"Mar 3rd, 2025", day(2025, 3, 3), true},
		{"12 March 2025", day(2025, 3, 12), true},
		{"1st April 2024", day(2024, 4, 1), true},
		// Machine formats.
		{"2025-03-12", day(2025, 3, 12), true},
		{"2025-03-12T09:30:00+01:00", time.Date(2025, 3, 12, 8, 30, 0, 0, time.UTC), true},
		{"2025-03-12T09:30:00Z", time.Date(2025, 3, 12, 9, 30, 0, 0, time.UTC), true},
		{"2025-03-12 09:30:00", time.Date(2025, 3, 12, 9, 30, 0, 0, time.UTC), true},
		{"Wed, 12 Mar 2025 09:30:00 +0100", time.Date(2025, 3, 12, 8, 30, 0, 0, time.UTC), true},
		{"Wed, 12 Mar 2025 09:30:00 GMT", time.Date(2025, 3, 12, 9, 30, 0, 0, time.UTC), true},
		{"12 Mar 25 09:30 +0000", time.Date(2025, 3, 12, 9, 30, 0, 0, time.UTC), true},
		// Future dates are clamped to now.
		{"1 janvier 2099", fixedNow, true},
		{"2030-01-01T00:00:00Z", fixedNow, true},
		// No date.
		{"", time.Time{}, false},
		{"hier", time.Time{}, false},
		{"31 février 2025", time.Time{}, false},
		{"32/01/2025", time.Time{}, false},
		{"mars 2025", time.Time{}, false},
		{"date inconnue", time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseDate(tt.in, fixedNow)
			if ok != tt.ok || !got.Equal(tt.want) {
				t.Errorf("ParseDate(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}
