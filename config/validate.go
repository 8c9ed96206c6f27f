package config

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/mail"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/andybalholm/cascadia"
	"github.com/robfig/cron/v3"
)

type validator struct {
	c        *Config
	labels   []string
	problems []Problem
}

// at records a problem at a key path, on the line where that key was written.
func (v *validator) at(path, format string, args ...any) {
	v.atLine(path, path, format, args...)
}

// atLine records a problem shown at path but located at the line of
// linePath: a bad entry of a map is reported on the map with the entry's line.
func (v *validator) atLine(linePath, path, format string, args ...any) {
	if v.c.src.isBroken(path) {
		return
	}
	v.problems = append(v.problems, Problem{
		File: v.c.Path, Line: v.c.src.line(linePath), Path: path, Msg: fmt.Sprintf(format, args...),
	})
}

// atProspect records a problem about a field of a prospect: at its key path
// for an inline prospect, at its row and column for a CSV one.
func (v *validator) atProspect(wi, pi int, field, format string, args ...any) {
	p := v.c.Watchlists[wi].Prospects[pi]
	if p.origin.csv {
		col, _, _ := strings.Cut(field, "[")
		v.problems = append(v.problems, Problem{
			File: p.origin.file, Line: p.origin.line, Path: col, Msg: fmt.Sprintf(format, args...),
		})
		return
	}
	v.at(joinPath(fmt.Sprintf("watchlists[%d].prospects[%d]", wi, pi), field), format, args...)
}

func (c *Config) validate(opts Options) []Problem {
	v := &validator{c: c, labels: opts.labels()}
	v.top()
	v.crm()
	v.public()
	v.fetch()
	v.smtp()
	v.digest()
	v.scoring()
	reps := v.reps()
	for i, a := range c.Admins {
		v.email(fmt.Sprintf("admins[%d]", i), a)
	}
	v.dir("lexicon_dir", c.LexiconDir)
	v.watchlists(reps)
	v.searchSources()
	v.failLater()
	return v.problems
}

func (v *validator) top() {
	c := v.c
	if _, err := loadLocation(c.Timezone); err != nil {
		v.at("timezone", "unknown time zone %q (use an IANA name such as Europe/Paris)", c.Timezone)
	}
	v.positive("retention", c.Retention)
	if c.Listen != "" {
		v.hostPort("listen", c.Listen)
	}
	switch c.MetricsAuth {
	case MetricsOpen, MetricsToken, MetricsOff:
	default:
		v.at("metrics_auth", "expected open, token or off, got %q", c.MetricsAuth)
	}
	v.cron("poll", c.Poll)
}

func (v *validator) fetch() {
	f := v.c.Fetch
	v.positive("fetch.timeout", f.Timeout)
	if f.MaxBody <= 0 {
		v.at("fetch.max_body", "must be more than 0")
	}
	if f.Concurrency < 1 {
		v.at("fetch.concurrency", "must be at least 1")
	}
	if f.PerHostInterval < 0 {
		v.at("fetch.per_host_interval", "must not be negative")
	}
	if f.MaxItems < 1 {
		v.at("fetch.max_items", "must be at least 1")
	}
	for i, r := range f.AllowPrivate {
		if _, err := parsePrefix(r); err != nil {
			v.at(fmt.Sprintf("fetch.allow_private[%d]", i), "%q is not a CIDR range nor an IP address (e.g. 10.20.0.0/16, fd00::/8, 192.168.1.10)", r)
		}
	}
}

func (v *validator) smtp() {
	s := v.c.SMTP
	switch s.TLS {
	case "starttls", "tls":
	case "none":
		if s.Host != "" && !isLoopback(s.Host) && !s.AllowInsecure {
			v.at("smtp.tls", "none sends the password and mail in clear to %s: set allow_insecure: true to accept that", s.Host)
		}
	default:
		v.at("smtp.tls", "expected starttls, tls or none, got %q", s.TLS)
	}
	if s.Port < 1 || s.Port > 65535 {
		v.at("smtp.port", "must be between 1 and 65535, got %d", s.Port)
	}
	if s.Host == "" && len(v.c.Reps) > 0 {
		v.at("smtp.host", "required: digests are sent by email")
	}
	if s.From == "" && len(v.c.Reps) > 0 {
		v.at("smtp.from", "required: digests are sent by email")
	}
	if s.From != "" {
		v.email("smtp.from", s.From)
	}
	if s.ReplyTo != "" {
		v.email("smtp.reply_to", s.ReplyTo)
	}
	if s.Password != "" && s.PasswordFile != "" {
		v.at("smtp.password_file", "set password or password_file, not both")
	}
	if s.PasswordFile != "" {
		v.file("smtp.password_file", s.PasswordFile)
	}
	if s.CAFile != "" {
		v.file("smtp.ca_file", s.CAFile)
	}
	v.positive("smtp.timeout", s.Timeout)
}

func (v *validator) digest() {
	d := v.c.Digest
	v.cron("digest.schedule", d.Schedule)
	v.language("digest.language", d.Language)
	v.dir("digest.templates", d.Templates)
}

func (v *validator) scoring() {
	s := v.c.Scoring
	v.positive("scoring.half_life", s.HalfLife)
	if s.ItemCap < 1 {
		v.at("scoring.item_cap", "must be at least 1")
	}
	if s.Hot < 1 || s.Hot > 100 {
		v.at("scoring.hot", "must be between 1 and 100 (scores are 0-100), got %d", s.Hot)
	}
	if s.Potential < 0 || s.Potential > 100 {
		v.at("scoring.potential", "must be between 0 and 100 (scores are 0-100), got %d", s.Potential)
	}
	if s.Hot <= s.Potential {
		v.at("scoring.hot", "must be above scoring.potential (%d), got %d", s.Potential, s.Hot)
	}
	v.signalKeys("scoring.points", s.Points)
}

// reps checks the reps and returns their ids, for the owner checks.
func (v *validator) reps() map[string]bool {
	ids := map[string]bool{}
	for i, r := range v.c.Reps {
		p := fmt.Sprintf("reps[%d]", i)
		switch {
		case r.ID == "":
			v.at(p+".id", "required")
		case ids[r.ID]:
			v.at(p+".id", "duplicate rep id %q", r.ID)
		default:
			if !idRe.MatchString(r.ID) {
				v.at(p+".id", "%q: use letters, digits, '.', '_' and '-' (it names files and URLs)", r.ID)
			}
			// Known even when malformed, so owners naming it add no problem.
			ids[r.ID] = true
		}
		if r.Email == "" {
			v.at(p+".email", "required")
		} else {
			v.email(p+".email", r.Email)
		}
		// A value inherited from digest.language or timezone is checked there.
		if r.Language != v.c.Digest.Language {
			v.language(p+".language", r.Language)
		}
		if _, err := loadLocation(r.Timezone); err != nil && r.Timezone != v.c.Timezone {
			v.at(p+".timezone", "unknown time zone %q (use an IANA name such as Europe/Paris)", r.Timezone)
		}
	}
	return ids
}

func (v *validator) watchlists(reps map[string]bool) {
	ids := map[string]bool{}
	for i, w := range v.c.Watchlists {
		p := fmt.Sprintf("watchlists[%d]", i)
		switch {
		case w.ID == "":
			v.at(p+".id", "required")
		case !idRe.MatchString(w.ID):
			v.at(p+".id", "%q: use letters, digits, '.', '_' and '-' (it names files and URLs)", w.ID)
		case ids[w.ID]:
			v.at(p+".id", "duplicate watch list id %q", w.ID)
		default:
			ids[w.ID] = true
		}
		if w.Owner != "" && !reps[w.Owner] {
			v.at(p+".owner", "unknown rep %q%s", w.Owner, known(reps))
		}
		for j, f := range w.Feeds {
			v.url(fmt.Sprintf("%s.feeds[%d]", p, j), f)
		}
		for term := range w.Keywords {
			if strings.TrimSpace(term) == "" {
				v.at(p+".keywords", "empty keyword")
			}
		}
		v.signalKeys(p+".terms", w.Terms)
		v.signalKeys(p+".points", w.Points)
		for j, l := range w.AlertOn {
			if !slices.Contains(v.labels, l) {
				v.at(fmt.Sprintf("%s.alert_on[%d]", p, j), "unknown signal %q (known: %s)", l, strings.Join(v.labels, ", "))
			}
		}
		for j, r := range w.Fit {
			v.fit(fmt.Sprintf("%s.fit[%d]", p, j), r)
		}
		if w.ProspectsCSV != "" {
			if _, err := os.Stat(w.ProspectsCSV); errors.Is(err, fs.ErrNotExist) {
				v.at(p+".prospects_csv", "%s: no such file", w.csvNameOr())
			}
		}
		v.prospects(i, reps)
	}
}

func (w Watchlist) csvNameOr() string {
	if w.csvName != "" {
		return w.csvName
	}
	return w.ProspectsCSV
}

func (v *validator) prospects(wi int, reps map[string]bool) {
	w := v.c.Watchlists[wi]
	names := map[string]origin{}
	for pi, p := range w.Prospects {
		if strings.TrimSpace(p.Name) == "" {
			if !p.origin.csv { // CSV rows without a name were dropped and reported
				v.atProspect(wi, pi, "name", "required")
			}
		} else {
			key := strings.ToLower(strings.TrimSpace(p.Name))
			if first, dup := names[key]; dup {
				v.atProspect(wi, pi, "name", "duplicate prospect %q in watch list %q (first at %s)", p.Name, w.ID, first)
			} else {
				names[key] = p.origin
			}
		}
		switch {
		case p.Owner == "":
			v.atProspect(wi, pi, "owner", "required: set owner on the prospect or on its watch list")
		case p.Owner == w.Owner:
			// Inherited or repeated: checked once, on the watch list.
		case !reps[p.Owner]:
			v.atProspect(wi, pi, "owner", "unknown rep %q%s", p.Owner, known(reps))
		}
		if strings.ContainsAny(p.Domain, "/: @") {
			v.atProspect(wi, pi, "domain", "expected a domain name such as breizh-conserves.fr, got %q", p.Domain)
		}
		if p.Site != "" {
			v.prospectURL(wi, pi, "site", p.Site)
		}
		for j, f := range p.Feeds {
			v.prospectURL(wi, pi, fmt.Sprintf("feeds[%d]", j), f)
		}
		for j, pg := range p.Pages {
			v.page(wi, pi, j, pg)
		}
	}
}

func (v *validator) prospectURL(wi, pi int, field, u string) {
	if msg := checkURL(u); msg != "" {
		v.atProspect(wi, pi, field, "%s", msg)
	}
}

func (v *validator) page(wi, pi, j int, pg Page) {
	p := fmt.Sprintf("pages[%d]", j)
	if pg.URL == "" {
		v.atProspect(wi, pi, p+".url", "required")
	} else {
		v.prospectURL(wi, pi, p+".url", pg.URL)
	}
	selectorMode := map[string]string{"item": pg.Item, "title": pg.Title, "link": pg.Link, "date": pg.Date, "summary": pg.Summary}
	switch pg.Watch {
	case "":
		if pg.Item == "" {
			v.atProspect(wi, pi, p+".item", "required: the selector of one news item on the page (or set watch: changes)")
		}
		if pg.Select != "" {
			v.atProspect(wi, pi, p+".select", "only used with watch: changes")
		}
	case "changes":
		if pg.Select == "" {
			v.atProspect(wi, pi, p+".select", "required with watch: changes: the selector of the elements to count")
		}
		for _, k := range []string{"item", "title", "link", "date", "summary"} {
			if selectorMode[k] != "" {
				v.atProspect(wi, pi, p+"."+k, "not used with watch: changes (only select is)")
			}
		}
	default:
		v.atProspect(wi, pi, p+".watch", `expected "changes" or nothing, got %q`, pg.Watch)
	}
	v.pageRender(wi, pi, j, pg)
	selectorMode["select"] = pg.Select
	for _, k := range []string{"item", "title", "link", "date", "summary", "select"} {
		if msg := checkSelector(selectorMode[k]); msg != "" {
			v.atProspect(wi, pi, p+"."+k, "%s", msg)
		}
	}
}

// idRe is what rep and watch list ids may hold: they end up in file names
// (digest previews), URLs of the admin API and command-line flags.
var idRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

var attrSuffixRe = regexp.MustCompile(`@[A-Za-z_:][-A-Za-z0-9_:.]*$`)

// checkSelector compiles a CSS selector, after removing the "@attr" suffix
// that says which attribute to read ("a@href"); a bare "@href" reads the
// item element itself.
func checkSelector(sel string) string {
	if sel == "" {
		return ""
	}
	css := strings.TrimSpace(attrSuffixRe.ReplaceAllString(sel, ""))
	if css == "" && css != sel {
		return ""
	}
	if _, err := cascadia.ParseGroup(css); err != nil {
		return fmt.Sprintf("invalid CSS selector %q: %v", sel, err)
	}
	return ""
}

func (v *validator) fit(p string, r FitRule) {
	if strings.TrimSpace(r.Field) == "" {
		v.at(p+".field", "required: the prospect field the rule tests")
	}
	kinds := 0
	if r.Min != nil || r.Max != nil {
		kinds++
	}
	if r.Equals != "" {
		kinds++
	}
	if len(r.In) > 0 {
		kinds++
	}
	if kinds != 1 {
		v.at(p, "needs exactly one test: min and/or max, equals, or in")
	}
	if r.Min != nil && r.Max != nil && *r.Min > *r.Max {
		v.at(p+".min", "must not be above max (%g > %g)", *r.Min, *r.Max)
	}
	if r.Points == 0 {
		v.at(p+".points", "required: the points the rule adds (negative to subtract)")
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// signalKeys checks that every key of a map keyed by signal id is known.
func (v *validator) signalKeys(path string, m any) {
	var keys []string
	switch m := m.(type) {
	case map[string]int:
		keys = sortedKeys(m)
	case map[string][]string:
		keys = sortedKeys(m)
	}
	for _, k := range keys {
		if !slices.Contains(v.labels, k) {
			v.atLine(path+"."+k, path, "unknown signal %q (known: %s)", k, strings.Join(v.labels, ", "))
		}
	}
}

func (v *validator) positive(path string, d Duration) {
	if d <= 0 {
		v.at(path, "must be more than 0")
	}
}

func (v *validator) hostPort(path, s string) {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		v.at(path, "expected host:port such as 127.0.0.1:9471, got %q", s)
		return
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		v.at(path, "port must be a number from 0 to 65535, got %q", port)
	}
}

func (v *validator) cron(path, spec string) {
	if err := parseCron(spec); err != nil {
		v.at(path, "invalid cron expression %q: %v", spec, err)
	}
}

// parseCron checks a 5-field cron spec. robfig/cron panics on some inputs
// ("CRON_TZ=Europe/Paris" alone, "TZ=0"), and a typo in the config must not
// crash `veille check`.
func parseCron(spec string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.New("expected 5 fields such as \"30 7 * * 1-5\", optionally after CRON_TZ=Area/City")
		}
	}()
	if strings.TrimSpace(spec) == "" {
		return errors.New("empty")
	}
	_, err = cron.ParseStandard(spec)
	return err
}

func (v *validator) language(path, lang string) {
	if lang != "fr" && lang != "en" {
		v.at(path, "expected fr or en, got %q", lang)
	}
}

func (v *validator) email(path, addr string) {
	if _, err := mail.ParseAddress(addr); err != nil {
		v.at(path, "invalid email address %q", addr)
	}
}

func (v *validator) url(path, u string) {
	if msg := checkURL(u); msg != "" {
		v.at(path, "%s", msg)
	}
}

func checkURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("expected an absolute http or https URL, got %q", s)
	}
	return ""
}

func (v *validator) dir(path, p string) {
	if p == "" {
		return
	}
	fi, err := os.Stat(p)
	switch {
	case err != nil:
		v.at(path, "%s", statMsg(p, err))
	case !fi.IsDir():
		v.at(path, "%s is not a directory", p)
	}
}

// file checks that a file named by the config exists. A file the checking
// user may not read is fine: `veille check` often runs as an admin who is
// not the daemon's user, and the secret is only read when mail is sent.
func (v *validator) file(path, p string) {
	fi, err := os.Stat(p)
	switch {
	case errors.Is(err, fs.ErrPermission):
	case err != nil:
		v.at(path, "%s", statMsg(p, err))
	case fi.IsDir():
		v.at(path, "%s is a directory, not a file", p)
	}
}

func statMsg(p string, err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return p + ": no such file or directory"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return p + ": " + err.Error()
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// known lists the rep ids for an "unknown rep" message.
func known(reps map[string]bool) string {
	if len(reps) == 0 {
		return " (no reps are defined)"
	}
	return " (known: " + strings.Join(sortedKeys(reps), ", ") + ")"
}

func loadLocation(name string) (*time.Location, error) {
	// time.LoadLocation("") is UTC and "Local" is the host's zone; a config
	// must name a zone explicitly so it behaves the same on every host.
	if name == "" || name == "Local" {
		return nil, fmt.Errorf("unknown time zone %q", name)
	}
	return time.LoadLocation(name)
}

func (o origin) String() string {
	if o.line > 0 {
		return fmt.Sprintf("%s:%d", o.file, o.line)
	}
	return o.file
}
