package signals

import (
	"fmt"
	"strconv"
	"strings"
)

// OfferSep joins the offers a careers-page change lists in its title. No
// offer holds it (an offer's whitespace is folded to single spaces and it
// is padded with em spaces), so a digest can list the offers one a line
// whatever commas their titles hold.
const OfferSep = "\u2003·\u2003"

// JobChange is what a careers page watched for changes says when its set
// of offers changes: the counts before and after, and the offers that
// came and went (as listed: the source may shorten the lists).
type JobChange struct {
	Before, After  int
	Added, Removed []string
}

const (
	jobOffers   = " job offers"
	jobNew      = "; new: "
	jobRemoved  = "; removed: "
	countsArrow = " → "
)

// Title is the change's item title: "12 → 18 job offers; new: A · B;
// removed: C", with OfferSep between offers.
func (c JobChange) Title() string {
	t := fmt.Sprintf("%d%s%d%s", c.Before, countsArrow, c.After, jobOffers)
	if len(c.Added) > 0 {
		t += jobNew + strings.Join(c.Added, OfferSep)
	}
	if len(c.Removed) > 0 {
		t += jobRemoved + strings.Join(c.Removed, OfferSep)
	}
	return t
}

// ParseJobChange reads a title JobChange.Title wrote. A title written
// before OfferSep (offers joined by commas) gives each list as one entry.
func ParseJobChange(title string) (JobChange, bool) {
	var c JobChange
	head, rest, _ := strings.Cut(title, ";")
	if rest != "" {
		rest = ";" + rest
	}
	counts, ok := strings.CutSuffix(head, jobOffers)
	before, after, ok2 := strings.Cut(counts, countsArrow)
	if !ok || !ok2 {
		return c, false
	}
	var err1, err2 error
	c.Before, err1 = strconv.Atoi(before)
	c.After, err2 = strconv.Atoi(after)
	if err1 != nil || err2 != nil {
		return c, false
	}
	if s, ok := strings.CutPrefix(rest, jobNew); ok {
		added, removed, _ := strings.Cut(s, jobRemoved)
		c.Added, rest = strings.Split(added, OfferSep), ""
		if removed != "" {
			rest = jobRemoved + removed
		}
	}
	if s, ok := strings.CutPrefix(rest, jobRemoved); ok {
		c.Removed, rest = strings.Split(s, OfferSep), ""
	}
	return c, rest == ""
}
