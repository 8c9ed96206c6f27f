// Package notify turns a Digest or an Alerts batch into a MIME message (HTML
// and text, French or English) and sends one message with go-mail, saying
// whether a failure is temporary. It never touches the store and never
// decides when to retry: package deliver does, over the store's outbox.
package notify

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io/fs"
	"math"
	"net/url"
	"slices"
	"strings"
	texttemplate "text/template"
	"time"
	"unicode"

	"github.com/wneessen/go-mail"

	"github.com/veille-hq/veille/signals"
)

//go:embed templates/*.tmpl
var embedded embed.FS

// Options configures a Renderer.
type Options struct {
	From      string // "Veille <veille@example.com>"
	ReplyTo   string // optional
	Domain    string // Message-ID domain; default: the From address's domain
	Templates fs.FS  // overrides the embedded templates by file name; nil: embedded only
}

// Renderer builds messages; it is immutable and safe for concurrent use.
type Renderer struct {
	opts Options
	html *htmltemplate.Template
	text *texttemplate.Template
}

// NewRenderer parses the templates once.
func NewRenderer(o Options) (*Renderer, error) {
	if o.Domain == "" {
		if i := strings.LastIndexByte(o.From, '@'); i >= 0 {
			o.Domain = strings.Trim(o.From[i+1:], "> ")
		}
		if o.Domain == "" {
			o.Domain = "veille.invalid"
		}
	}
	funcs := map[string]any{"join": strings.Join}
	html := htmltemplate.New("").Funcs(funcs)
	text := texttemplate.New("").Funcs(funcs)
	for _, name := range []string{"digest.html.tmpl", "digest.txt.tmpl", "health.html.tmpl", "health.txt.tmpl"} {
		src, err := templateSource(o.Templates, name)
		if err != nil {
			return nil, err
		}
		if strings.HasSuffix(name, ".html.tmpl") {
			_, err = html.New(name).Parse(src)
		} else {
			_, err = text.New(name).Parse(src)
		}
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
	}
	return &Renderer{opts: o, html: html, text: text}, nil
}

func templateSource(override fs.FS, name string) (string, error) {
	if override != nil {
		b, err := fs.ReadFile(override, name)
		if err == nil {
			return string(b), nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return "", fmt.Errorf("read template %s: %w", name, err)
		}
	}
	b, err := embedded.ReadFile("templates/" + name)
	return string(b), err
}

// Digest renders a rep's morning digest: a subject naming the leads to
// call, a "call today" block, a card per hot or potential lead, a line per
// news item of the cold ones, then the hot leads with nothing new.
func (r *Renderer) Digest(d signals.Digest) (signals.Message, error) {
	c := catalogFor(d.Rep.Language)
	loc := location(d.Rep.Timezone)
	v := view{T: c, Lang: langOf(d.Rep.Language), Heading: c.Heading, Intro: c.Intro, Date: c.shortDate(d.At.In(loc)), Links: repLinks(c, d.Links)}
	for _, dl := range d.Leads {
		l := leadView(c, loc, dl)
		if callToday(dl.Lead) {
			v.CallToday = append(v.CallToday, l.call())
		}
		if dl.Lead.Tier == signals.Cold {
			v.Others = append(v.Others, l)
		} else {
			v.Leads = append(v.Leads, l)
		}
	}
	for _, dl := range d.StillHot {
		v.StillHot = append(v.StillHot, leadView(c, loc, dl))
	}
	if d.Quiet > 0 {
		v.Quiet = c.quiet(d.Quiet)
	}
	subject := digestSubject(c, d, v.Date)
	return r.build("digest", d.Rep.ID, []recipient{{d.Rep.Name, d.Rep.Email}}, subject, idSeed(d.At.In(loc).Format("2006-01-02"), d.Leads), d.At, v)
}

// callToday reports whether a lead belongs in the "call today" block: hot,
// or potential and rising.
func callToday(l signals.Lead) bool {
	return l.Tier == signals.Hot || l.Tier == signals.Potential && math.Round(l.Trend7d) > 0
}

// subjectNames is how many companies a subject names before "and N more".
const subjectNames = 3

// digestSubject names the companies a rep should look at first: the hot
// leads; failing those, the potential ones, then the rising ones, then
// those with news.
func digestSubject(c catalog, d signals.Digest, date string) string {
	var hot, potential, rising, news []string
	for _, dl := range d.Leads {
		name := headerSafe(dl.Lead.Company)
		switch {
		case dl.Lead.Tier == signals.Hot:
			hot = append(hot, name)
		case dl.Lead.Tier == signals.Potential:
			potential = append(potential, name)
		case math.Round(dl.Lead.Trend7d) > 0:
			rising = append(rising, name)
		}
		news = append(news, name)
	}
	for _, dl := range d.StillHot {
		hot = append(hot, headerSafe(dl.Lead.Company))
	}
	kind, names, n := subjectNothing, []string(nil), 0
	switch {
	case len(hot) > 0:
		kind, names, n = subjectHot, hot, len(hot)
	case len(potential) > 0:
		kind, names, n = subjectPotential, potential, len(potential)
	case len(rising) > 0:
		kind, names, n = subjectRising, rising, len(rising)
	case len(news) > 0:
		kind, names, n = subjectNews, news, d.NewSignals()
	}
	more := max(0, len(names)-subjectNames)
	return c.subject(kind, n, names[:len(names)-more], more, date)
}

// Alerts renders one rep's batch of instant alerts: the subject names the
// first lead and its news' signal.
func (r *Renderer) Alerts(a signals.Alerts) (signals.Message, error) {
	c := catalogFor(a.Rep.Language)
	loc := location(a.Rep.Timezone)
	v := view{T: c, Lang: langOf(a.Rep.Language), Heading: c.AlertHeading, Intro: c.AlertIntro, Date: c.shortDate(a.At.In(loc)), Alert: true, Links: repLinks(c, a.Links)}
	for _, dl := range a.Leads {
		v.Leads = append(v.Leads, leadView(c, loc, dl))
	}
	var what string // "company — its first news' first signal"
	if len(v.Leads) > 0 {
		what = headerSafe(a.Leads[0].Lead.Company)
		if news := v.Leads[0].News; len(news) > 0 && len(news[0].Labels) > 0 {
			what += " — " + news[0].Labels[0]
		}
	}
	return r.build("alert", a.Rep.ID, []recipient{{a.Rep.Name, a.Rep.Email}}, c.alertSubject(what, max(0, len(a.Leads)-1)), idSeed(a.At.UTC().Format("20060102T150405Z"), a.Leads), a.At, v)
}

// idSeed makes the Message-ID depend on what the message carries, so the
// same digest rendered twice (a resend) keeps its id.
func idSeed(prefix string, leads []signals.DigestLead) string {
	h := sha256.New()
	for _, dl := range leads {
		h.Write([]byte(dl.Lead.Key()))
		for _, s := range dl.New {
			h.Write([]byte{0})
			h.Write([]byte(s.ID))
		}
		h.Write([]byte{1})
	}
	return prefix + "." + hex.EncodeToString(h.Sum(nil)[:6])
}

type recipient struct{ name, email string }

// template is the base name of the template pair a view is rendered with.
type templated interface{ template() string }

func (r *Renderer) build(kind, repID string, to []recipient, subject, seed string, at time.Time, v templated) (signals.Message, error) {
	who := repID
	if who == "" {
		who = kind
	}
	var html, text bytes.Buffer
	if err := r.html.ExecuteTemplate(&html, v.template()+".html.tmpl", v); err != nil {
		return signals.Message{}, fmt.Errorf("render %s html for %s: %w", kind, who, err)
	}
	if err := r.text.ExecuteTemplate(&text, v.template()+".txt.tmpl", v); err != nil {
		return signals.Message{}, fmt.Errorf("render %s text for %s: %w", kind, who, err)
	}
	m := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := m.From(r.opts.From); err != nil {
		return signals.Message{}, fmt.Errorf("smtp.from %q: %w", r.opts.From, err)
	}
	var addrs []string
	for _, rc := range to {
		if err := m.AddToFormat(headerSafe(rc.name), rc.email); err != nil {
			return signals.Message{}, fmt.Errorf("%s recipient %q: %w", who, rc.email, err)
		}
		addrs = append(addrs, rc.email)
	}
	if r.opts.ReplyTo != "" {
		if err := m.ReplyTo(r.opts.ReplyTo); err != nil {
			return signals.Message{}, fmt.Errorf("smtp.reply_to %q: %w", r.opts.ReplyTo, err)
		}
	}
	subject = headerSafe(subject)
	m.Subject(subject)
	id := messageID(kind, repID, seed, r.opts.Domain)
	m.SetMessageIDWithValue(id)
	m.SetDateWithValue(at)
	m.SetUserAgent("veille")
	m.SetBodyString(mail.TypeTextPlain, text.String())
	m.AddAlternativeString(mail.TypeTextHTML, html.String())
	var eml bytes.Buffer
	if _, err := m.WriteTo(&eml); err != nil {
		return signals.Message{}, fmt.Errorf("write %s message for %s: %w", kind, who, err)
	}
	return signals.Message{
		Kind: kind, Rep: repID, From: r.opts.From, To: addrs,
		Subject: subject, MessageID: "<" + id + ">", EML: eml.Bytes(), HTML: html.String(),
	}, nil
}

// messageID builds an RFC 5322 msg-id (without the angle brackets): both
// sides are dot-atoms, so characters outside atext in a rep id or a domain
// (a ':' from a timestamp, a space) become '-', which parsers would
// otherwise truncate the id at.
func messageID(kind, repID, seed, domain string) string {
	left := kind + "." + seed
	if repID != "" {
		left = kind + "." + repID + "." + seed
	}
	right := dotAtom(domain)
	if right == "" {
		right = "veille.invalid"
	}
	return dotAtom(left) + "@" + right
}

// dotAtom maps s onto RFC 5322 dot-atom-text: atext runs joined by single
// dots, none leading or trailing.
func dotAtom(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '.':
			b.WriteByte('.')
		case r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("!#$%&'*+-/=?^_`{|}~", r)):
			b.WriteRune(r)
		default:
			b.WriteByte('-')
		}
	}
	parts := strings.Split(b.String(), ".")
	kept := parts[:0]
	for _, p := range parts {
		if p != "" {
			kept = append(kept, p)
		}
	}
	return strings.Join(kept, ".")
}

type view struct {
	T         catalog
	Lang      string
	Heading   string
	Intro     string
	Date      string
	Alert     bool
	Links     []linkView // the rep's own: the web view of their leads
	CallToday []call
	Leads     []lead // cards: hot and potential leads (every lead in an alert)
	Others    []lead // cold leads with news: one line per news item
	Quiet     string // "+ 5 leads with nothing new"
	StillHot  []lead
}

func (view) template() string { return "digest" }

type lead struct {
	Company, Tier, TierName, Trend string
	// TrendClass and TrendStyle colour the trend (green up, red down) in
	// light and, through the stylesheet's class, dark mode.
	TrendClass string
	TrendStyle htmltemplate.CSS
	Score      int
	Links      []linkView // the CRM record, the site, the web view, lead feedback
	News       []newsView // this message's news, largest points (either sign) first
	Why        []why      // then the other reasons: fit and earlier news
}

// call is one line of the "call today" block: a lead and its best reason.
type call struct {
	Company, Tier, TierName string
	Score                   int
	Reason, URL             string
}

func (l lead) call() call {
	c := call{Company: l.Company, Tier: l.Tier, TierName: l.TierName, Score: l.Score}
	switch {
	case len(l.News) > 0:
		c.Reason, c.URL = l.News[0].Title, l.News[0].URL
	case len(l.Why) > 0:
		c.Reason = l.Why[0].Text
	}
	return c
}

// why is one line of a lead's explanation: "+15", what earned it.
type why struct{ Points, Text string }

// newsView is one news item of the message, shown once: its points, its
// labels as pills, its headline and where it comes from.
type newsView struct {
	Points   string
	Labels   []string
	Title    string
	URL      string // empty when not http(s): shown unlinked
	Date     string
	Sources  []string
	Evidence string
	Links    []linkView // feedback on this item
	Offers   []offer    // a careers page change: the offers that came and went
	points   float64    // orders a lead's news as the score's explanation does: largest first, either sign
}

// offer is one job offer a careers page change lists: "+" new, "−" removed.
type offer struct{ Sign, Text string }

// linkView is a link worded in the rep's language; Feedback marks those
// that tell veille something rather than open a record.
type linkView struct {
	Kind      signals.LinkKind // data-link in the HTML, for the browser tests and the reader's own filters
	Text, URL string
	Feedback  bool
}

// links words the links of a message, dropping any that is not http(s).
func links(c catalog, ls []signals.Link) []linkView {
	var out []linkView
	for _, l := range ls {
		if u := safeURL(l.URL); u != "" {
			fb := l.Kind != signals.LinkCRM && l.Kind != signals.LinkSite && l.Kind != signals.LinkWeb
			out = append(out, linkView{Kind: l.Kind, Text: c.link(l.Kind), URL: u, Feedback: fb})
		}
	}
	return out
}

// repLinks words the rep's own links: the web view there shows all their
// leads, not one.
func repLinks(c catalog, ls []signals.Link) []linkView {
	var out []linkView
	for _, l := range ls {
		for _, v := range links(c, []signals.Link{l}) {
			if l.Kind == signals.LinkWeb {
				v.Text = c.AllLeads
			}
			out = append(out, v)
		}
	}
	return out
}

// whyLines is how many reasons beyond the message's own news a lead shows:
// its news is always there, then the largest fit and earlier-news points.
const whyLines = 3

func leadView(c catalog, loc *time.Location, dl signals.DigestLead) lead {
	l := lead{
		Company:  clean(dl.Lead.Company),
		Tier:     string(dl.Lead.Tier),
		TierName: c.Tier[string(dl.Lead.Tier)],
		Score:    int(math.Round(dl.Lead.Score)),
		Trend:    trend(dl.Lead.Trend7d),
		Links:    links(c, dl.Links),
	}
	switch r := math.Round(dl.Lead.Trend7d); {
	case r > 0:
		l.TrendClass, l.TrendStyle = "v-up", "color:#15803d;"
	case r < 0:
		l.TrendClass, l.TrendStyle = "v-down", "color:#b91c1c;"
	default:
		l.TrendClass, l.TrendStyle = "v-muted", "color:#4b5563;"
	}
	used := make([]bool, len(dl.Lead.Why))
	for _, s := range dl.New {
		n := newsItem(c, loc, s, dl.SignalLinks[s.ID])
		// The scorer explains a signal as "labels: title": the line that
		// matches this item gives its points.
		for j, w := range dl.Lead.Why {
			if !used[j] && s.What() == w.What {
				used[j], n.points = true, w.Points
				n.Points = fmt.Sprintf("%+.0f", w.Points)
				break
			}
		}
		l.News = append(l.News, n)
	}
	slices.SortStableFunc(l.News, func(a, b newsView) int { return cmp.Compare(math.Abs(b.points), math.Abs(a.points)) })
	for j, w := range dl.Lead.Why {
		if used[j] {
			continue
		}
		if len(l.Why) == whyLines {
			break
		}
		l.Why = append(l.Why, why{Points: fmt.Sprintf("%+.0f", w.Points), Text: whyText(c, clean(w.What))})
	}
	return l
}

// evidenceTerms is how many of an item's evidence terms it shows: enough
// to see why it was labelled, short enough to stay on one line.
const evidenceTerms = 3

func newsItem(c catalog, loc *time.Location, s signals.Signal, fb []signals.Link) newsView {
	n := newsView{Title: clean(s.Title), URL: safeURL(s.URL), Links: links(c, fb)}
	if ch, ok := signals.ParseJobChange(s.Title); ok {
		n.Title = c.Change(ch.Before, ch.After)
		for _, o := range ch.Added {
			n.Offers = append(n.Offers, offer{"+", clean(o)})
		}
		for _, o := range ch.Removed {
			n.Offers = append(n.Offers, offer{"−", clean(o)})
		}
	}
	for _, lb := range s.Labels {
		n.Labels = append(n.Labels, c.label(lb))
	}
	if len(s.Labels) == 0 && len(s.Evidence[signals.Keyword]) > 0 {
		n.Labels = append(n.Labels, c.label(signals.Keyword))
	}
	when := s.Published
	if when.IsZero() {
		when = s.FirstSeen
	}
	n.Date = c.shortDate(when.In(loc))
	for _, src := range s.Sources {
		if h := clean(hostOf(src.URL, src.Source)); !slices.Contains(n.Sources, h) {
			n.Sources = append(n.Sources, h)
		}
	}
	var terms []string
	seen := map[string]bool{}
	for _, lb := range append(append([]signals.Label{}, s.Labels...), signals.Keyword) {
		for _, e := range s.Evidence[lb] {
			t := clean(e.Term)
			if !seen[t] && len(terms) < evidenceTerms {
				seen[t] = true
				terms = append(terms, c.Quote[0]+t+c.Quote[1])
			}
		}
	}
	n.Evidence = strings.Join(terms, ", ")
	return n
}

// whyText words one line of a score's explanation: an earlier signal
// ("new_sites, development: title") with its labels' short names, a fit
// rule ("sector in a, b") with its field's name; anything else as it is.
func whyText(c catalog, what string) string {
	ids, rest, ok := strings.Cut(what, ": ")
	if !ok {
		return fitText(c, what)
	}
	var names []string
	for _, id := range strings.Split(ids, ", ") {
		l := signals.Label(id)
		if !l.Valid() && l != signals.Keyword {
			return fitText(c, what)
		}
		names = append(names, c.label(l))
	}
	if ch, ok := signals.ParseJobChange(rest); ok {
		rest = c.Change(ch.Before, ch.After)
	}
	return strings.Join(names, " · ") + c.Colon + rest
}

// fitText words a fit rule as signals.FitRule.String writes it ("headcount
// ≥ 50", "sector = food", "sector in a, b", conditions joined by ", "):
// the field's name in the rep's language, then its bound or its values.
// Text of another form is returned as it is.
func fitText(c catalog, what string) string {
	type cond struct {
		field, op string
		vals      []string
	}
	var conds []cond
	for _, seg := range strings.Split(what, ", ") {
		field, rest, _ := strings.Cut(seg, " ")
		op, val, _ := strings.Cut(rest, " ")
		if field != "" && val != "" && (op == "≥" || op == "≤" || op == "=" || op == "in") {
			conds = append(conds, cond{field, op, []string{val}})
			continue
		}
		if len(conds) == 0 {
			return what
		}
		// A value list's next value ("in a, b"), or a value with a comma.
		last := &conds[len(conds)-1]
		last.vals = append(last.vals, seg)
	}
	parts := make([]string, len(conds))
	for i, k := range conds {
		vals := strings.Join(k.vals, ", ")
		if k.op == "≥" || k.op == "≤" {
			parts[i] = c.field(k.field) + " " + k.op + " " + vals
		} else {
			parts[i] = c.field(k.field) + c.Colon + vals
		}
	}
	return strings.Join(parts, ", ")
}

func trend(d float64) string {
	r := int(math.Round(d))
	switch {
	case r > 0:
		return fmt.Sprintf("▲ +%d", r)
	case r < 0:
		return fmt.Sprintf("▼ %d", r)
	}
	return "="
}

// safeURL keeps only absolute http and https links: a javascript: or data:
// link from a hostile feed must not become clickable.
func safeURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func hostOf(raw, fallback string) string {
	if u, err := url.Parse(raw); err == nil && u.Host != "" {
		return strings.TrimPrefix(u.Hostname(), "www.")
	}
	return fallback
}

// clean drops control characters from scraped text, so a title cannot break
// the text layout or smuggle a header line.
func clean(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return unicode.IsControl(r) }), " ")
}

func headerSafe(s string) string { return strings.TrimSpace(clean(s)) }

func location(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.UTC
}

func langOf(l string) string {
	if l == "fr" {
		return "fr"
	}
	return "en"
}
