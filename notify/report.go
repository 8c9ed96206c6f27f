package notify

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/veille-hq/veille/signals"
)

type healthView struct {
	T       catalog
	Lang    string
	Date    string
	Sources []sourceHealthView
	Silent  []silentView
	Failed  []failedView
}

func (healthView) template() string { return "health" }

type sourceHealthView struct {
	URL, Kind, LastSuccess, LastError string
	Failures                          int
}

type silentView struct {
	Line, Kind string
}

type failedView struct {
	ID                                 uint64
	Kind, To, Subject, Queued, LastErr string
	Attempts                           int
}

// SourceReport renders the admins' daily notice, addressed to every admin.
func (r *Renderer) SourceReport(h signals.SourceReport, lang string) (signals.Message, error) {
	if len(h.Admins) == 0 {
		return signals.Message{}, errors.New("health notice: no admins configured: add admins to the config to receive it")
	}
	c := catalogFor(lang)
	loc := location(h.Timezone)
	v := healthView{T: c, Lang: langOf(lang), Date: c.shortDate(h.At.In(loc))}
	stamp := func(t time.Time) string {
		t = t.In(loc)
		return c.shortDate(t) + " " + t.Format("15:04")
	}
	seed := sha256.New()
	for _, s := range h.Sources {
		sv := sourceHealthView{URL: clean(s.URL), Kind: clean(s.Kind), LastError: clean(s.LastError), Failures: s.Failures, LastSuccess: c.HealthNever}
		if s.ErrorKind != "" {
			sv.LastError = clean(s.ErrorKind) + " — " + sv.LastError
		}
		if !s.LastSuccess.IsZero() {
			sv.LastSuccess = stamp(s.LastSuccess)
		}
		v.Sources = append(v.Sources, sv)
		fmt.Fprintf(seed, "s%s\x00", s.ID)
	}
	for _, s := range h.Silent {
		last := ""
		if !s.LastYield.IsZero() {
			last = c.shortDate(s.LastYield.In(loc))
		}
		line := c.silentLine(s.Silence == signals.SilenceSelector, clean(s.URL), c.shortDate(s.Since.In(loc)), clean(s.What), last)
		v.Silent = append(v.Silent, silentView{Line: line, Kind: clean(s.Kind)})
		fmt.Fprintf(seed, "q%s\x00", s.ID)
	}
	for _, f := range h.Failed {
		v.Failed = append(v.Failed, failedView{
			ID: f.ID, Kind: clean(f.Kind), To: clean(strings.Join(f.To, ", ")), Subject: clean(f.Subject),
			Queued: stamp(f.Created), LastErr: clean(f.LastError), Attempts: f.Attempts,
		})
		fmt.Fprintf(seed, "m%d\x00", f.ID)
	}
	var to []recipient
	for _, a := range h.Admins {
		to = append(to, recipient{email: a})
	}
	// One id per day and content: the same notice queued twice is recognisable.
	id := h.At.In(loc).Format("2006-01-02") + "." + hex.EncodeToString(seed.Sum(nil)[:6])
	return r.build("health", "", to, c.healthSubject(len(h.Sources), len(h.Silent), len(h.Failed), v.Date), id, h.At, v)
}
