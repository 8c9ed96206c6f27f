package web

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
)

type leadRow struct {
	Company, Watchlist, Tier, TierName string
	Score                              int
	Trend, TrendClass                  string
	LastDate, LastTitle, Status        string
	URL                                string
}

// status words what the rep said of a lead: customer, snoozed until.
func status(c catalog, st query.LeadState, rep signals.Rep) string {
	var parts []string
	if st.Customer {
		parts = append(parts, c.Customer)
	}
	if !st.Snoozed.IsZero() {
		parts = append(parts, c.SnoozedUntil+" "+c.date(st.Snoozed.In(location(rep.Timezone))))
	}
	return strings.Join(parts, ", ")
}

func isWeb(k signals.LinkKind) bool { return k == signals.LinkWeb }

// leadsPage is the rep's leads, filtered by tier and watch list (GET
// query), best first.
func (h *handler) leadsPage(rw http.ResponseWriter, r *http.Request) {
	cl, rep, ok := h.access(rw, r, isWeb)
	if !ok {
		return
	}
	c := catalogFor(h.lang(r, rep.ID))
	now := h.b.Now()
	q := r.URL.Query()
	tier, list := signals.Tier(q.Get("tier")), q.Get("watchlist")
	lists := h.b.Plan().Watchlists(rep.ID)
	if !slices.Contains([]signals.Tier{signals.Hot, signals.Potential, signals.Cold}, tier) {
		tier = ""
	}
	if !slices.Contains(lists, list) {
		list = ""
	}
	leads, err := h.b.RepLeads(cl.Rep, query.LeadFilter{Tier: tier, Watchlist: list}, now)
	if err != nil {
		h.serverError(rw, r, c, err)
		return
	}
	loc := location(rep.Timezone)
	p := page{T: c, Title: c.MyLeads, Root: rootOf(r), ViewURL: "./", Rep: rep}
	for _, t := range []signals.Tier{signals.Hot, signals.Potential, signals.Cold} {
		p.Tiers = append(p.Tiers, option{Value: string(t), Name: c.Tier[t], Selected: t == tier})
	}
	for _, l := range lists {
		p.Lists = append(p.Lists, option{Value: l, Name: l, Selected: l == list})
	}
	for _, st := range leads {
		row := leadRow{
			Company: st.Company, Watchlist: st.Watchlist, Tier: string(st.Tier), TierName: c.Tier[st.Tier],
			Score: score(st.Score), LastTitle: st.LastTitle, Status: status(c, st, rep),
			URL: "lead?" + leadQuery(st.Watchlist, st.Company),
		}
		row.Trend, row.TrendClass = trend(st.Trend7d)
		if !st.LastSignalAt.IsZero() {
			row.LastDate = c.date(st.LastSignalAt.In(loc))
		}
		p.Leads = append(p.Leads, row)
	}
	h.render(rw, http.StatusOK, "leads", p)
}

type leadView struct {
	Company, Watchlist, Tier, TierName string
	Score                              int
	Trend, TrendClass, Status          string
	Links                              []leadLink // its CRM record and site
	Actions                            []action
	Chart                              *chart
	Signals                            []signalRow
}

type leadLink struct {
	URL, Text string
	Kind      signals.LinkKind
}

// action is a button that posts to a feedback link.
type action struct {
	URL, Op, Label, Class string
	Kind                  signals.LinkKind
}

type signalRow struct {
	ID, Date, Labels, Title, URL, Sources, Evidence string
	Points                                          string
	Dismissed                                       string
	Actions                                         []action
}

// leadPage is one of the rep's leads: its news, dismissed ones included
// with an undo, and its score over time.
func (h *handler) leadPage(rw http.ResponseWriter, r *http.Request) {
	cl, rep, ok := h.access(rw, r, isWeb)
	if !ok {
		return
	}
	c := catalogFor(h.lang(r, rep.ID))
	q := r.URL.Query()
	lk := signals.LeadKey(q.Get("w"), q.Get("c"))
	pr, ok := h.b.Plan().Prospect(lk)
	if !ok || pr.Owner != cl.Rep {
		h.fail(rw, r, c, http.StatusNotFound, "", c.NotFoundText)
		return
	}
	now := h.b.Now()
	d, found, err := h.b.LeadDetail(lk, now)
	if err != nil {
		h.serverError(rw, r, c, err)
		return
	}
	if !found {
		h.fail(rw, r, c, http.StatusNotFound, "", c.NotFoundText)
		return
	}
	loc := location(rep.Timezone)
	v := &leadView{
		Company: d.Company, Watchlist: d.Watchlist, Tier: string(d.Tier), TierName: c.Tier[d.Tier],
		Score: score(d.Score), Status: status(c, d.LeadState, rep),
	}
	v.Trend, v.TrendClass = trend(d.Trend7d)
	for _, l := range pr.Links {
		if u := safeURL(l.URL); u != "" {
			v.Links = append(v.Links, leadLink{URL: u, Text: c.Action[l.Kind], Kind: l.Kind})
		}
	}
	for _, k := range []signals.LinkKind{signals.LinkCustomer, signals.LinkSnooze} {
		a := action{URL: h.feedbackURL(r, k, rep.ID, d.Lead, ""), Op: "apply", Label: c.Action[k], Class: "fb", Kind: k}
		if k == signals.LinkCustomer && d.Customer || k == signals.LinkSnooze && !d.Snoozed.IsZero() {
			a.Op, a.Label, a.Class = "undo", c.Undo+c.Colon+c.Action[k], "secondary"
		}
		v.Actions = append(v.Actions, a)
	}
	pol := h.b.Plan().Policy(d.Watchlist)
	if ch, ok := newChart(c, d.History, pol.Hot, pol.Potential); ok {
		v.Chart = &ch
	}
	for _, s := range d.Signals {
		v.Signals = append(v.Signals, h.signalRow(r, c, rep, d.Lead, s, loc))
	}
	h.render(rw, http.StatusOK, "lead", page{T: c, Title: d.Company, Root: rootOf(r), ViewURL: "./", Rep: rep, Lead: v})
}

func (h *handler) signalRow(r *http.Request, c catalog, rep signals.Rep, l signals.Lead, s query.SignalState, loc *time.Location) signalRow {
	when := s.Published
	if when.IsZero() {
		when = s.FirstSeen
	}
	row := signalRow{ID: s.ID, Title: s.Title, URL: safeURL(s.URL), Date: c.date(when.In(loc))}
	var names []string
	for _, lb := range s.Labels {
		names = append(names, lb.DisplayName(c.Lang))
	}
	if len(s.Evidence[signals.Keyword]) > 0 {
		names = append(names, signals.Keyword.DisplayName(c.Lang))
	}
	row.Labels = strings.Join(names, " · ")
	var hosts []string
	for _, src := range s.Sources {
		if hn := hostOf(src.URL, src.Source); !slices.Contains(hosts, hn) {
			hosts = append(hosts, hn)
		}
	}
	row.Sources = strings.Join(hosts, ", ")
	row.Evidence = evidence(c, s.Signal)
	if s.Dismissed != "" {
		row.Dismissed = c.Action[s.Dismissed]
		row.Actions = []action{{URL: h.feedbackURL(r, s.Dismissed, rep.ID, l, s.ID), Op: "undo", Label: c.Undo, Class: "secondary", Kind: s.Dismissed}}
		return row
	}
	row.Points = fmt.Sprintf("%+g %s", s.Points, c.Points)
	for _, k := range []signals.LinkKind{signals.LinkWrongCompany, signals.LinkNotRelevant} {
		row.Actions = append(row.Actions, action{URL: h.feedbackURL(r, k, rep.ID, l, s.ID), Op: "apply", Label: c.Action[k], Class: "fb", Kind: k})
	}
	return row
}

// evidence lists the terms that made the classifier fire, quoted.
func evidence(c catalog, s signals.Signal) string {
	var terms []string
	for _, lb := range append(slices.Clone(s.Labels), signals.Keyword) {
		for _, e := range s.Evidence[lb] {
			if t := c.Quote[0] + e.Term + c.Quote[1]; !slices.Contains(terms, t) {
				terms = append(terms, t)
			}
		}
	}
	return strings.Join(terms, ", ")
}

type feedbackView struct {
	Active                                   bool
	Flash, Ask, Effect, Done                 string
	SignalTitle, SignalURL, SignalDate       string
	Company, Tier, TierName, Action, LeadURL string
	Score                                    int
}

// feedbackPage is where a feedback link lands: a question and a Confirm
// button, or, once recorded, what was done and an Undo button. A GET
// changes nothing: mail scanners that fetch every link of a message
// (Outlook Safe Links, Mimecast, ...) would otherwise click for the rep.
func (h *handler) feedbackPage(rw http.ResponseWriter, r *http.Request) {
	cl, rep, ok := h.access(rw, r, signals.LinkKind.IsFeedback)
	if !ok {
		return
	}
	c := catalogFor(h.lang(r, rep.ID))
	now := h.b.Now()
	d, found, err := h.b.LeadDetail(cl.LeadKey(), now)
	if err == nil && !found {
		h.fail(rw, r, c, http.StatusNotFound, "", c.NotFoundText)
		return
	}
	var fb signals.Feedback
	var active bool
	if err == nil {
		fb, active, err = h.b.FeedbackOn(cl.Kind, cl.LeadKey(), cl.Signal)
	}
	if err != nil {
		h.serverError(rw, r, c, err)
		return
	}
	loc := location(rep.Timezone)
	v := &feedbackView{
		Active: active, Ask: fmt.Sprintf(c.Ask[cl.Kind], d.Company), Effect: c.Effect[cl.Kind], Done: c.Done[cl.Kind],
		Company: d.Company, Score: score(d.Score), Tier: string(d.Tier), TierName: c.Tier[d.Tier],
		Action:  r.PathValue("token"), // this page's own URL, relative
		LeadURL: h.viewURL(r, rep.ID) + "lead?" + leadQuery(d.Watchlist, d.Company),
	}
	if cl.Kind == signals.LinkSnooze {
		v.Done = fmt.Sprintf(v.Done, c.date(fb.Until.In(loc)))
	}
	if r.URL.Query().Get("undone") != "" && !active {
		v.Flash = c.Undone
	}
	if cl.Kind.OnSignal() {
		i := slices.IndexFunc(d.Signals, func(s query.SignalState) bool { return s.ID == cl.Signal })
		if i < 0 {
			h.fail(rw, r, c, http.StatusNotFound, "", c.NotFoundText)
			return
		}
		s := d.Signals[i]
		v.SignalTitle, v.SignalURL = s.Title, safeURL(s.URL)
		when := s.Published
		if when.IsZero() {
			when = s.FirstSeen
		}
		v.SignalDate = c.date(when.In(loc))
	}
	title := c.Action[cl.Kind]
	h.render(rw, http.StatusOK, "feedback", page{T: c, Title: title, Root: rootOf(r), ViewURL: h.viewURL(r, rep.ID), Rep: rep, Feedback: v})
}

// feedbackPost records (op=apply) or undoes (op=undo) the link's feedback,
// then sends the browser back to the link's page (post/redirect/get), which
// shows the outcome. Only forms of these pages may post: a browser names
// another site's form in Sec-Fetch-Site.
func (h *handler) feedbackPost(rw http.ResponseWriter, r *http.Request) {
	cl, rep, ok := h.access(rw, r, signals.LinkKind.IsFeedback)
	if !ok {
		return
	}
	c := catalogFor(h.lang(r, rep.ID))
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" && site != "none" {
		h.fail(rw, r, c, http.StatusForbidden, "cross_site", c.DeniedForged)
		return
	}
	r.Body = http.MaxBytesReader(rw, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(rw, "bad form", http.StatusBadRequest)
		return
	}
	now := h.b.Now()
	var err error
	next := r.PathValue("token")
	switch r.PostForm.Get("op") {
	case "apply":
		_, err = h.b.RecordFeedback(cl.Kind, cl.Rep, cl.LeadKey(), cl.Signal, now)
	case "undo":
		_, err = h.b.UndoFeedback(cl.Kind, cl.LeadKey(), cl.Signal, now)
		next += "?undone=1"
	default:
		http.Error(rw, "bad form: op must be apply or undo", http.StatusBadRequest)
		return
	}
	if err != nil {
		h.serverError(rw, r, c, err)
		return
	}
	// A relative Location (http.Redirect would make it absolute), so the
	// redirect keeps a reverse proxy's path prefix.
	rw.Header().Set("Location", next)
	rw.WriteHeader(http.StatusSeeOther)
}
