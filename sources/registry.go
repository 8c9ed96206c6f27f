package sources

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/veille-hq/veille/signals"
)

// A registry is an official register of announcements about companies,
// queried by company number: France's BODACC by SIREN, and the UK's
// Companies House by company number can follow the same way. The query
// URL, number included, is configured (config's registries); the registry
// reads one answer into announcements, whose labels it states from the
// announcement's structured fields. docs/sources.md describes the design.
type registry interface {
	// name is the register's short name, for titles and errors.
	name() string
	// accept is the Accept header of a query.
	accept() string
	// decode reads one answer of the register's API.
	decode(body []byte) ([]Announcement, error)
}

// Announcement is one official notice about a company.
type Announcement struct {
	ID        string    // the register's id of the notice
	URL       string    // the notice's public page
	Published time.Time // publication date
	Title     string
	Text      string // the notice as the register words it, flattened
	Lang      string // the register's language: "fr", "en"
	// Labels are the signals the notice states; none for a notice that
	// moves nothing a rep acts on (a sale of business, a correction).
	Labels []signals.Label
	// Evidence holds, per label, the words of Text that state it.
	Evidence map[signals.Label]string
}

// Item turns the notice into an item whose labels are stated: Hints, with
// each label's evidence located in the summary.
func (a Announcement) Item(register string) signals.Item {
	it := signals.Item{
		URL: a.URL, GUID: register + ":" + a.ID, Title: a.Title, Summary: a.Text,
		Published: a.Published, Lang: a.Lang, Stated: true,
		Hints: append([]signals.Label(nil), a.Labels...),
	}
	for _, l := range a.Labels {
		term := a.Evidence[l]
		if term == "" {
			continue
		}
		field, off := "summary", strings.Index(a.Text, term)
		if off < 0 {
			field, off = "title", strings.Index(a.Title, term)
		}
		if off < 0 {
			continue // cut off a very long notice: the label stands without a quote
		}
		if it.Evidence == nil {
			it.Evidence = map[signals.Label][]signals.Evidence{}
		}
		it.Evidence[l] = []signals.Evidence{{Term: term, Field: field, Offset: off}}
	}
	return it
}

const acceptJSON = "application/json, */*;q=0.5"

// fetchRegistry queries a register for one company with a conditional GET
// and turns the notices it answers into stated items, newest first as the
// register sorts them.
func (f *Fetcher) fetchRegistry(ctx context.Context, src signals.Source, st *signals.SourceState, reg registry) (signals.FetchResult, error) {
	d, err := f.get(ctx, src.URL, reg.accept(), validators{st.ETag, st.LastModified}, f.opt.MaxBody)
	if err != nil {
		return signals.FetchResult{}, err
	}
	if d.notModified {
		return signals.FetchResult{NotModified: true, Status: d.status}, nil
	}
	if d.status < 200 || d.status > 299 {
		return signals.FetchResult{Status: d.status}, f.statusError(src.URL, d)
	}
	st.ETag, st.LastModified = d.header.Get("ETag"), d.header.Get("Last-Modified")
	if unchanged(st, d) {
		return signals.FetchResult{NotModified: true, Status: d.status}, nil
	}
	notices, err := reg.decode(d.body)
	if err != nil {
		kind := signals.ErrParse
		if isChallenge(d.status, d.header, d.body) {
			kind = signals.ErrBlocked
		}
		return signals.FetchResult{Status: d.status}, &FetchError{Kind: kind, URL: src.URL, Status: d.status,
			Err: fmt.Errorf("%s answer (content type %q): %w", reg.name(), d.contentType(), err)}
	}
	if len(notices) > f.opt.MaxItems {
		notices = notices[:f.opt.MaxItems]
	}
	items := make([]signals.Item, len(notices))
	for i, n := range notices {
		items[i] = n.Item(reg.name())
	}
	return signals.FetchResult{Items: items, Status: d.status}, nil
}
