package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
)

// failLater refuses what loads fine but fails once the daemon runs: an
// SMTP port that speaks the other TLS mode, a webhook that cannot be
// posted to.
func (v *validator) failLater() {
	v.smtpPortTLS()
	for i, r := range v.c.Reps {
		v.webhook(fmt.Sprintf("reps[%d].webhook", i), r.Webhook)
	}
	for i, w := range v.c.Watchlists {
		v.webhook(fmt.Sprintf("watchlists[%d].webhook", i), w.Webhook)
	}
}

// Warnings lists what a loaded config holds that works but will not do what
// it says: fit rules on a field no prospect has (a typo such as headcont), or
// min/max rules on values that are not numbers. They are not errors: a CRM
// export with one odd cell must not stop the daemon from reloading; `veille
// check --strict` turns them into failures for CI.
func (c *Config) Warnings() []Problem {
	v := &validator{c: c}
	for i := range c.Watchlists {
		v.fitFields(i)
	}
	sortProblems(v.problems, c.Path)
	return v.problems
}

// smtpPortTLS refuses the two well-known ports with the other TLS mode:
// the connection then hangs or fails its handshake at the first digest.
func (v *validator) smtpPortTLS() {
	s := v.c.SMTP
	if s.Host == "" {
		return
	}
	switch {
	case s.Port == 465 && (s.TLS == "starttls" || s.TLS == "none"):
		v.at("smtp.port", "port 465 speaks implicit TLS, not tls: %s: set tls: tls, or port 587 with starttls", s.TLS)
	case s.Port == 587 && s.TLS == "tls":
		v.at("smtp.port", "port 587 expects STARTTLS, not implicit TLS: set tls: starttls, or port 465 with tls: tls")
	}
}

// fitFields checks a watch list's fit rules against its prospects: a rule on
// a field none of them has never adds points (a typo such as headcont), and
// a min or max rule skips a prospect whose value is not a number.
func (v *validator) fitFields(wi int) {
	w := v.c.Watchlists[wi]
	if len(w.Prospects) == 0 {
		return // nothing to compare with yet: a CSV still empty
	}
	have := map[string]bool{}
	for _, p := range w.Prospects {
		for f := range p.Fields {
			have[f] = true
		}
	}
	fields := sortedKeys(have)
	for j, r := range w.Fit {
		path := fmt.Sprintf("watchlists[%d].fit[%d].field", wi, j)
		if strings.TrimSpace(r.Field) == "" {
			continue // reported by fit
		}
		if !have[r.Field] {
			v.at(path, "no prospect of watch list %q has the field %q, so the rule never adds points (%s)", w.ID, r.Field, fieldHint(r.Field, fields))
			continue
		}
		if r.Min == nil && r.Max == nil {
			continue
		}
		for pi, p := range w.Prospects {
			val, ok := p.Fields[r.Field]
			if !ok {
				continue
			}
			if _, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(val), " ", ""), 64); err != nil {
				v.atField(wi, pi, r.Field, "%q is not a number, so the fit rule %s (min/max) skips %s: write digits such as 1200 or 12.5", val, fmt.Sprintf("watchlists[%d].fit[%d]", wi, j), p.Name)
			}
		}
	}
}

// fieldHint suggests the closest field, or lists the fields there are.
func fieldHint(name string, fields []string) string {
	if len(fields) == 0 {
		return "its prospects have no fields"
	}
	s := suggest(name, fields)
	if strings.HasPrefix(s, "known: ") {
		return "fields: " + strings.TrimPrefix(s, "known: ")
	}
	return s
}

// atField records a problem on a prospect's custom field: its row and
// column for a CSV prospect, its fields key for an inline one.
func (v *validator) atField(wi, pi int, field, format string, args ...any) {
	p := v.c.Watchlists[wi].Prospects[pi]
	if p.origin.csv {
		v.problems = append(v.problems, Problem{File: p.origin.file, Line: p.origin.line, Path: field, Msg: fmt.Sprintf(format, args...)})
		return
	}
	v.at(fmt.Sprintf("watchlists[%d].prospects[%d].fields.%s", wi, pi, field), format, args...)
}

// StoreProblems says whether this user can create and write the store
// without creating anything: the folder's first existing ancestor must be a
// writable folder, and an existing store file writable. The daemon makes
// the folder at its first start; `veille check` tells before that start
// fails. A folder another user owns is reported too: run check as the
// daemon's user.
func (c *Config) StoreProblems() []Problem {
	if c.Store == "" {
		return nil
	}
	bad := func(format string, args ...any) []Problem {
		return []Problem{{File: c.Path, Line: c.src.line("store"), Path: "store", Msg: fmt.Sprintf(format, args...)}}
	}
	if fi, err := os.Stat(c.Store); err == nil {
		if fi.IsDir() {
			return bad("%s is a directory: name the data file inside it, such as %s", c.Store, filepath.Join(c.Store, "veille.db"))
		}
		if err := writable(c.Store, false); err != nil {
			return bad("%s exists but %s cannot write it: %v", c.Store, whoAmI(), err)
		}
	}
	dir := filepath.Dir(c.Store)
	existing := dir
	for {
		fi, err := os.Stat(existing)
		if err == nil {
			if !fi.IsDir() {
				return bad("cannot create %s: %s is a file, not a folder", dir, existing)
			}
			break
		}
		if errors.Is(err, fs.ErrPermission) {
			return bad("%s cannot reach %s: %v", whoAmI(), dir, err)
		}
		// Missing, or under a file (not a directory): look further up.
		parent := filepath.Dir(existing)
		if parent == existing {
			break
		}
		existing = parent
	}
	if err := writable(existing, true); err != nil {
		if existing == dir {
			return bad("%s cannot write in %s (%v): give this user the folder (chown), run check as the daemon's user, or set store to a folder it may write", whoAmI(), dir, err)
		}
		return bad("%s cannot create %s: %s is not writable (%v): create the folder for it (install -d -o USER %s) or set store to a folder it may write", whoAmI(), dir, existing, err, dir)
	}
	return nil
}

// whoAmI names the user running check, for the store's messages.
func whoAmI() string {
	if u, err := user.Current(); err == nil {
		return fmt.Sprintf("user %s (uid %s)", u.Username, u.Uid)
	}
	return fmt.Sprintf("uid %d", os.Getuid())
}
