package sources

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/veille-hq/veille/signals"
)

// Validate reports what is wrong with a configured source before any fetch:
// a URL that is not absolute http(s), an unknown kind, and selectors that
// are missing or do not compile. Every problem is reported, not just the
// first.
func Validate(src signals.Source) error {
	var errs []error
	if u, err := url.Parse(src.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" {
		errs = append(errs, fmt.Errorf("url %q: must be an absolute http or https url", signals.RedactURL(src.URL)))
	}
	switch src.Kind {
	case signals.KindFeed, signals.KindSite, signals.KindBODACC:
	case signals.KindPage:
		if _, err := compilePageSpec(src.Page); err != nil {
			errs = append(errs, err)
		}
	case signals.KindChanges:
		if strings.TrimSpace(src.Page.Select) == "" {
			errs = append(errs, errors.New("change mode: no select selector"))
		} else if f, err := compileField(src.Page.Select); err != nil {
			errs = append(errs, err)
		} else if f.sel == nil {
			errs = append(errs, fmt.Errorf("change mode: selector %q selects no element", src.Page.Select))
		}
	default:
		errs = append(errs, fmt.Errorf("unknown kind %q", src.Kind))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("source %s: %w", signals.RedactURL(src.URL), err)
	}
	return nil
}
