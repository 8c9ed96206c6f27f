package watcher

import (
	"time"

	"github.com/veille-hq/veille/signals"
)

// LinkMaker signs the links a message carries to the public listener: the
// rep's web view, and per lead and per news item the web view and the
// feedback links (web.Links).
type LinkMaker interface {
	RepLinks(rep signals.Rep, now time.Time) []signals.Link
	LeadLinks(rep signals.Rep, l signals.Lead, now time.Time) []signals.Link
	SignalLinks(rep signals.Rep, l signals.Lead, s signals.Signal, now time.Time) []signals.Link
}

// addLinks gives the leads of a message to rep their links and returns
// the rep's own; without a LinkMaker it does nothing.
func (w *Watcher) addLinks(rep signals.Rep, now time.Time, lists ...[]signals.DigestLead) []signals.Link {
	lm := w.opts.Links
	if lm == nil {
		return nil
	}
	for _, leads := range lists {
		for i := range leads {
			dl := &leads[i]
			dl.Links = append(dl.Links, lm.LeadLinks(rep, dl.Lead, now)...)
			for _, s := range dl.New {
				if dl.SignalLinks == nil {
					dl.SignalLinks = map[string][]signals.Link{}
				}
				dl.SignalLinks[s.ID] = append(dl.SignalLinks[s.ID], lm.SignalLinks(rep, dl.Lead, s, now)...)
			}
		}
	}
	return lm.RepLinks(rep, now)
}
