package signals

import (
	"testing"
	"time"
)

func TestReportSilent(t *testing.T) {
	now := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	src := Source{ID: "page:1", Kind: KindPage, URL: "https://example.fr/actualites"}
	tests := []struct {
		name string
		st   SourceState
		want bool
	}{
		{"yielding", SourceState{LastYield: now}, false},
		{"silent for an hour after yielding", SourceState{LastYield: now.Add(-2 * time.Hour), Silence: SilenceEmpty, SilentSince: now.Add(-time.Hour)}, false},
		{"silent for a day", SourceState{LastYield: now.Add(-50 * time.Hour), Silence: SilenceSelector, SilentSince: now.Add(-ReportFailingFor)}, true},
		{"never yielded", SourceState{Silence: SilenceSelector, SilentSince: now}, true},
		{"failing: reported as failing", SourceState{Silence: SilenceSelector, SilentSince: now.Add(-72 * time.Hour), Failures: 2}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ReportSilent(src, tt.st, now)
			if ok != tt.want {
				t.Errorf("reported %v, want %v", ok, tt.want)
			}
			if got.URL != src.URL || got.Silence != tt.st.Silence || !got.Since.Equal(tt.st.SilentSince) {
				t.Errorf("report %+v does not carry the state %+v", got, tt.st)
			}
		})
	}
}

func TestYielded(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 7, 0, 0, 0, time.UTC)
	var st SourceState
	steps := []struct {
		y     Yield
		want  Silence
		since time.Time
	}{
		{Yield{}, "", time.Time{}}, // an empty source that never yielded is not silent
		{Yield{Items: 3}, "", time.Time{}},
		{Yield{}, SilenceEmpty, t0.Add(2 * time.Hour)},
		{Yield{Items: 2, Unmatched: []string{`date "time"`}}, SilenceSelector, t0.Add(2 * time.Hour)},
		{Yield{Items: 2}, "", time.Time{}},
	}
	for i, s := range steps {
		now := t0.Add(time.Duration(i) * time.Hour)
		st = st.Yielded(s.y, now)
		if st.Silence != s.want || !st.SilentSince.Equal(s.since) {
			t.Fatalf("step %d: silence %q since %v, want %q since %v", i, st.Silence, st.SilentSince, s.want, s.since)
		}
		if s.y.Items > 0 && !st.LastYield.Equal(now) {
			t.Errorf("step %d: last yield %v, want %v", i, st.LastYield, now)
		}
	}
}
