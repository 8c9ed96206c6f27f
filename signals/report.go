package signals

import "time"

// ReportFailingFor is how long a source must have gone without a success
// before the admins hear of it: one bad night of a news site is not news.
const ReportFailingFor = 24 * time.Hour

// ReportFailing gives a failing source as the admins' notice lists it, and
// whether it belongs there at now: failing for over ReportFailingFor, or
// failing and never successful (there is no start to measure from, and a
// source that never worked is a configuration mistake worth hearing of).
func ReportFailing(src Source, st SourceState, now time.Time) (FailingSource, bool) {
	return FailingSource{
		ID: src.ID, Kind: string(src.Kind), URL: src.URL, Failures: st.Failures,
		LastSuccess: st.LastSuccess, LastAttempt: st.LastAttempt, LastError: st.LastError, ErrorKind: string(st.ErrorKind),
	}, st.Failures > 0 && (st.LastSuccess.IsZero() || now.Sub(st.LastSuccess) >= ReportFailingFor)
}

// SourceReport is the admins' daily notice as data: sources that have been
// failing or silent for a while and messages the SMTP server refused for
// good. Reps never see it.
type SourceReport struct {
	At       time.Time       `json:"at"`
	Admins   []string        `json:"admins"`   // email addresses
	Timezone string          `json:"timezone"` // dates are shown in it
	Sources  []FailingSource `json:"sources"`
	Silent   []SilentSource  `json:"silent,omitempty"`
	Failed   []FailedMessage `json:"failed"`
}

// Empty reports whether there is nothing to tell the admins.
func (r SourceReport) Empty() bool {
	return len(r.Sources) == 0 && len(r.Silent) == 0 && len(r.Failed) == 0
}

// FailingSource is one failing source.
type FailingSource struct {
	ID          string    `json:"id"`
	Kind        string    `json:"kind"`
	URL         string    `json:"url"`
	Failures    int       `json:"failures"`              // consecutive
	LastSuccess time.Time `json:"last_success,omitzero"` // zero: never fetched successfully
	LastAttempt time.Time `json:"last_attempt,omitzero"`
	LastError   string    `json:"last_error"`
	ErrorKind   string    `json:"error_kind,omitempty"` // http, timeout, blocked, robots, ...
}

// FailedMessage is an outbox message marked failed: kept until an admin
// retries or drops it.
type FailedMessage struct {
	ID        uint64    `json:"id"`
	Kind      string    `json:"kind"`
	Rep       string    `json:"rep,omitempty"`
	To        []string  `json:"to"`
	Subject   string    `json:"subject"`
	Attempts  int       `json:"attempts"`
	Created   time.Time `json:"created"`
	LastError string    `json:"last_error"` // the server's reply
}
