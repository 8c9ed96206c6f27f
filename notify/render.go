// Package notify turns a Digest or an Alerts batch into a MIME message (HTML
// and text, French or English) and sends one message with go-mail, saying
// whether a failure is temporary. It never touches the store and never
// decides when to retry: the watcher's outbox does.
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

// Digest renders a rep's morning digest.
func (r *Renderer) Digest(d signals.Digest) (signals.Message, error) {
	c := catalogFor(d.Rep.Language)
	loc := location(d.Rep.Timezone)
	v := view{T: c, Lang: langOf(d.Rep.Language), Heading: c.Heading, Intro: c.Intro, Date: c.shortDate(d.At.In(loc))}
	hot := 0
	for _, dl := range d.Leads {
		if dl.Lead.Tier == signals.Hot {
			hot++
		}
		v.Leads = append(v.Leads, leadView(c, v.Lang, loc, dl))
	}
	for _, l := range d.StillHot {
		hot++
		v.StillHot = append(v.StillHot, leadView(c, v.Lang, loc, signals.DigestLead{Lead: l}))
	}
	v.Links = links(v.Lang, d.Links)
	subject := c.subject(hot, d.NewSignals(), v.Date)
	return r.build("digest", d.Rep.ID, []recipient{{d.Rep.Name, d.Rep.Email}}, subject, idSeed(d.At.In(loc).Format("2006-01-02"), d.Leads), d.At, v)
}

// Alerts renders one rep's batch of instant alerts.
func (r *Renderer) Alerts(a signals.Alerts) (signals.Message, error) {
	c := catalogFor(a.Rep.Language)
	loc := location(a.Rep.Timezone)
	v := view{T: c, Lang: langOf(a.Rep.Language), Heading: c.AlertHeading, Intro: c.AlertIntro, Date: c.shortDate(a.At.In(loc)), Alert: true}
	n := 0
	for _, dl := range a.Leads {
		n += len(dl.New)
		v.Leads = append(v.Leads, leadView(c, v.Lang, loc, dl))
	}
	v.Links = links(v.Lang, a.Links)
	return r.build("alert", a.Rep.ID, []recipient{{a.Rep.Name, a.Rep.Email}}, c.alertSubject(n, v.Date), idSeed(a.At.UTC().Format("20060102T150405Z"), a.Leads), a.At, v)
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
	T        catalog
	Lang     string
	Heading  string
	Intro    string
	Date     string
	Alert    bool
	Leads    []lead
	StillHot []lead
	Links    []link // the rep's own: the web view
}

// link is a link beside the news, worded in the rep's language.
type link struct {
	Kind      signals.LinkKind
	Text, URL string
}

// links words ls, keeping only http(s) URLs.
func links(lang string, ls []signals.Link) []link {
	words := linkWords(lang)
	var out []link
	for _, l := range ls {
		if u := safeURL(l.URL); u != "" {
			out = append(out, link{Kind: l.Kind, Text: cmp.Or(words[l.Kind], string(l.Kind)), URL: u})
		}
	}
	return out
}

func (view) template() string { return "digest" }

type lead struct {
	Company, Tier, TierName, Trend string
	// TrendClass and TrendStyle colour the trend (green up, red down) in
	// light and, through the stylesheet's class, dark mode.
	TrendClass string
	TrendStyle htmltemplate.CSS
	Score      int
	Why        []why
	Signals    []signalView
	Links      []link
}

// why is one line of a lead's short explanation: "+15", what earned it.
type why struct{ Points, Text string }

type signalView struct {
	Labels, Title, Date, Evidence string
	URL                           string // empty when not http(s): shown unlinked
	Sources                       []string
	Links                         []link
}

func leadView(c catalog, lang string, loc *time.Location, dl signals.DigestLead) lead {
	l := lead{
		Company:  clean(dl.Lead.Company),
		Tier:     string(dl.Lead.Tier),
		TierName: c.Tier[string(dl.Lead.Tier)],
		Score:    int(math.Round(dl.Lead.Score)),
		Trend:    trend(dl.Lead.Trend7d),
		Links:    links(lang, dl.Links),
	}
	switch r := math.Round(dl.Lead.Trend7d); {
	case r > 0:
		l.TrendClass, l.TrendStyle = "v-up", "color:#15803d;"
	case r < 0:
		l.TrendClass, l.TrendStyle = "v-down", "color:#b91c1c;"
	default:
		l.TrendClass, l.TrendStyle = "v-muted", "color:#4b5563;"
	}
	for i, w := range dl.Lead.Why {
		if i == 3 { // the short why: a rep reads the top contributions only
			break
		}
		l.Why = append(l.Why, why{Points: fmt.Sprintf("%+.0f", w.Points), Text: whyText(clean(w.What), lang, c.Colon)})
	}
	for _, s := range dl.New {
		sv := signalView{Title: clean(s.Title), URL: safeURL(s.URL)}
		names := make([]string, 0, len(s.Labels))
		for _, lb := range s.Labels {
			names = append(names, lb.DisplayName(lang))
		}
		sv.Labels = strings.Join(names, " · ")
		when := s.Published
		if when.IsZero() {
			when = s.FirstSeen
		}
		sv.Date = c.shortDate(when.In(loc))
		for _, src := range s.Sources {
			sv.Sources = append(sv.Sources, clean(hostOf(src.URL, src.Source)))
		}
		var terms []string
		seen := map[string]bool{}
		for _, lb := range append(append([]signals.Label{}, s.Labels...), signals.Keyword) {
			for _, e := range s.Evidence[lb] {
				t := clean(e.Term)
				if !seen[t] {
					seen[t] = true
					terms = append(terms, c.Quote[0]+t+c.Quote[1])
				}
			}
		}
		sv.Evidence = strings.Join(terms, ", ")
		sv.Links = links(lang, dl.SignalLinks[s.ID])
		l.Signals = append(l.Signals, sv)
	}
	return l
}

// whyText shows a signal contribution ("new_sites, development: title", as
// the scorer words it) with the labels' display names, which a rep reads;
// fit rules ("sector = food") pass through.
func whyText(what, lang, colon string) string {
	ids, rest, ok := strings.Cut(what, ": ")
	if !ok {
		return what
	}
	var names []string
	for _, id := range strings.Split(ids, ", ") {
		l := signals.Label(id)
		if !l.Valid() && l != signals.Keyword {
			return what
		}
		names = append(names, l.DisplayName(lang))
	}
	return strings.Join(names, ", ") + colon + rest
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
