package signals

import (
	"strings"
	"time"
)

// Silence says why a source that fetches without error yields nothing: a
// redesign that broke a page's selectors, or a JavaScript-only page, reads
// as a success with no news otherwise.
type Silence string

const (
	// SilenceSelector: a page's selectors match nothing (SourceState.SilentWhat names them).
	SilenceSelector Silence = "selector"
	// SilenceEmpty: a source that used to yield items now yields none.
	SilenceEmpty Silence = "empty"
)

// Yield is what one decoded document held, before the items already known
// are left out: a feed with nothing new is not a silent one.
type Yield struct {
	Items int
	// Unmatched names the selectors of a page that matched nothing in it,
	// as `item ".news li"`; empty when they all matched something.
	Unmatched []string
}

// Yielded records in s what the document fetched at now held: a source
// turns silent when a selector matches nothing, or when it used to yield
// items and yields none; it stays silent, since the first such fetch,
// until a fetch yields items with every selector matching.
func (s SourceState) Yielded(y Yield, now time.Time) SourceState {
	var kind Silence
	var what string
	switch {
	case len(y.Unmatched) > 0:
		kind, what = SilenceSelector, strings.Join(y.Unmatched, ", ")
	case y.Items == 0 && !s.LastYield.IsZero():
		kind = SilenceEmpty
	}
	if kind == "" {
		s.Silence, s.SilentSince, s.SilentWhat = "", time.Time{}, ""
	} else {
		if s.Silence == "" {
			s.SilentSince = now
		}
		s.Silence, s.SilentWhat = kind, what
	}
	if y.Items > 0 {
		s.LastYield = now
	}
	return s
}

// SilentSource is a source that fetches fine and yields nothing, as the
// admins' notice lists it.
type SilentSource struct {
	ID        string    `json:"id"`
	Kind      string    `json:"kind"`
	URL       string    `json:"url"`
	Silence   Silence   `json:"silence"`
	Since     time.Time `json:"since"`
	What      string    `json:"what,omitempty"`         // the selectors matching nothing
	LastYield time.Time `json:"last_yield_at,omitzero"` // zero: never yielded
}

// ReportSilent gives a silent source as the admins' notice lists it, and
// whether it belongs there at now: silent for over ReportFailingFor, or
// silent and never having yielded anything (a page set up with selectors
// that never matched is a configuration mistake). A failing source is
// reported as failing instead.
func ReportSilent(src Source, st SourceState, now time.Time) (SilentSource, bool) {
	return SilentSource{
		ID: src.ID, Kind: string(src.Kind), URL: src.URL, Silence: st.Silence,
		Since: st.SilentSince, What: st.SilentWhat, LastYield: st.LastYield,
	}, st.Silence != "" && st.Failures == 0 && (st.LastYield.IsZero() || now.Sub(st.SilentSince) >= ReportFailingFor)
}
