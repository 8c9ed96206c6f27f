package web

import (
	"net/url"
	"strings"
	"time"

	"github.com/veille-hq/veille/signals"
)

// Links signs the links messages carry to the public listener
// (watcher.LinkMaker): the rep's web view, a lead's page in it, and the
// feedback links on leads and news items.
type Links struct {
	base   string // public_url without its trailing slash
	signer *Signer
}

// NewLinks builds links under publicURL (config's public_url).
func NewLinks(publicURL string, s *Signer) *Links {
	return &Links{base: strings.TrimRight(publicURL, "/"), signer: s}
}

// Paths under public_url.
const (
	feedbackPath = "/f/"
	viewPath     = "/v/"
)

// ViewURL is the rep's web view, signed at now.
func (l *Links) ViewURL(rep string, now time.Time) string {
	return l.base + viewPath + l.signer.Sign(Claims{Kind: signals.LinkWeb, Rep: rep}, now) + "/"
}

// LeadURL is a lead's page in the rep's web view.
func (l *Links) LeadURL(rep string, lead signals.Lead, now time.Time) string {
	return l.ViewURL(rep, now) + "lead?" + leadQuery(lead.Watchlist, lead.Company)
}

func leadQuery(watchlist, company string) string {
	return url.Values{"w": {watchlist}, "c": {company}}.Encode()
}

// FeedbackURL is the link that records feedback of kind on a lead, or on
// its signal story for wrong_company and not_relevant.
func (l *Links) FeedbackURL(kind signals.LinkKind, rep string, lead signals.Lead, story string, now time.Time) string {
	c := Claims{Kind: kind, Rep: rep, Watchlist: lead.Watchlist, Company: lead.Company}
	if kind.OnSignal() {
		c.Signal = story
	}
	return l.base + feedbackPath + l.signer.Sign(c, now)
}

// RepLinks are the rep's own links: the web view of their leads.
func (l *Links) RepLinks(rep signals.Rep, now time.Time) []signals.Link {
	return []signals.Link{{Kind: signals.LinkWeb, URL: l.ViewURL(rep.ID, now)}}
}

// LeadLinks are a lead's: its page in the web view, "already a customer"
// and "snooze".
func (l *Links) LeadLinks(rep signals.Rep, lead signals.Lead, now time.Time) []signals.Link {
	return []signals.Link{
		{Kind: signals.LinkWeb, URL: l.LeadURL(rep.ID, lead, now)},
		{Kind: signals.LinkCustomer, URL: l.FeedbackURL(signals.LinkCustomer, rep.ID, lead, "", now)},
		{Kind: signals.LinkSnooze, URL: l.FeedbackURL(signals.LinkSnooze, rep.ID, lead, "", now)},
	}
}

// SignalLinks are a news item's: "wrong company" and "not relevant".
func (l *Links) SignalLinks(rep signals.Rep, lead signals.Lead, s signals.Signal, now time.Time) []signals.Link {
	return []signals.Link{
		{Kind: signals.LinkWrongCompany, URL: l.FeedbackURL(signals.LinkWrongCompany, rep.ID, lead, s.ID, now)},
		{Kind: signals.LinkNotRelevant, URL: l.FeedbackURL(signals.LinkNotRelevant, rep.ID, lead, s.ID, now)},
	}
}
