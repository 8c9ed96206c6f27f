package signals

import (
	"cmp"
	"slices"
	"time"
)

// The windows a lead's news is read through. All three are a week: news
// older than that when its source is first read is history, a digest
// never brings it, and the trend compares a score with its value a week
// ago.
const (
	// BacklogAge: items published this long before their source was first
	// fetched are history, not news.
	BacklogAge = 7 * 24 * time.Hour
	// DigestLookback bounds how old a never-sent signal may be to enter a
	// digest, so a rep added today does not get months of news at once.
	DigestLookback = 7 * 24 * time.Hour
	// TrendWindow is how far back a lead's trend looks.
	TrendWindow = 7 * 24 * time.Hour
)

// Counts reports whether a signal counts for its lead: it is news (not
// backlog) and carries a label or a watch-list keyword.
func (s Signal) Counts() bool {
	return !s.Backlog && (len(s.Labels) > 0 || len(s.Evidence[Keyword]) > 0)
}

// Classified reports whether a classification makes a signal at all: a
// label or a watch-list keyword. An item about a company without either is
// kept, and nothing scores.
func (c Classification) Classified() bool {
	return len(c.Labels) > 0 || c.Evidence.has(Keyword)
}

// Backlogged reports whether an item published at published is history
// for a source first fetched at firstFetched.
func Backlogged(published, firstFetched time.Time) bool {
	return !published.IsZero() && published.Before(firstFetched.Add(-BacklogAge))
}

// InDigest reports whether a signal may enter a digest built at now: it
// counts, and was first seen within DigestLookback and not after now.
func InDigest(s Signal, now time.Time) bool {
	return s.Counts() && !s.FirstSeen.Before(now.Add(-DigestLookback)) && !s.FirstSeen.After(now)
}

// Add puts a lead in the digest: with its signals that may enter it and
// the rep was not sent yet (sent says), newest first; failing those, in
// the "still hot" list when it is hot, else counted as quiet.
func (d *Digest) Add(l Lead, sigs []Signal, sent func(story string) bool) {
	var fresh []Signal
	for _, s := range sigs {
		if InDigest(s, d.At) && !sent(s.ID) {
			fresh = append(fresh, s)
		}
	}
	switch {
	case len(fresh) > 0:
		slices.SortStableFunc(fresh, func(a, b Signal) int { return b.FirstSeen.Compare(a.FirstSeen) })
		d.Leads = append(d.Leads, DigestLead{Lead: l, New: fresh})
	case l.Tier == Hot:
		d.StillHot = append(d.StillHot, DigestLead{Lead: l})
	default:
		d.Quiet++
	}
}

// Sort orders the digest's leads best first and its "still hot" list by
// score.
func (d *Digest) Sort() {
	slices.SortStableFunc(d.Leads, func(a, b DigestLead) int { return CompareLeads(a.Lead, b.Lead) })
	slices.SortStableFunc(d.StillHot, func(a, b DigestLead) int { return cmp.Compare(b.Lead.Score, a.Lead.Score) })
}

// Matches says which leads an item is about: its source's owners (lead
// keys) for certain, and, for a shared feed, every watched company the
// matcher finds it mentions.
func Matches(m *Matcher, owners []string, shared bool, it Item) []Match {
	var out []Match
	add := func(mt Match) {
		if !slices.ContainsFunc(out, func(o Match) bool { return o.Key == mt.Key }) {
			out = append(out, mt)
		}
	}
	for _, lk := range owners {
		add(Match{Key: lk, Strength: Strong})
	}
	if shared {
		for _, mt := range m.Match(it) {
			add(mt)
		}
	}
	return out
}

// TierRank orders tiers: hot, potential, then cold (and anything else).
func TierRank(t Tier) int {
	switch t {
	case Hot:
		return 0
	case Potential:
		return 1
	}
	return 2
}

// CompareLeads orders leads best first: by tier, then by score.
func CompareLeads(a, b Lead) int {
	if c := cmp.Compare(TierRank(a.Tier), TierRank(b.Tier)); c != 0 {
		return c
	}
	return cmp.Compare(b.Score, a.Score)
}

// RateLead computes a lead's record at now from its prospect's fields and
// its stored signals: score, tier, fit and why, how many signals count and
// the last one's time, and the trend (the score now minus the score the
// signals seen TrendWindow ago gave then).
func RateLead(l Lead, fields map[string]string, sigs []Signal, p Policy, now time.Time) Lead {
	res := Score(fields, sigs, p, now)
	l.Score, l.Tier, l.Fit, l.Why = res.Score, res.Tier, res.Fit, res.Why
	l.Signals, l.LastSignalAt = 0, time.Time{}
	before := now.Add(-TrendWindow)
	var older []Signal
	for _, s := range sigs {
		if !s.Counts() {
			continue
		}
		l.Signals++
		if s.FirstSeen.After(l.LastSignalAt) {
			l.LastSignalAt = s.FirstSeen
		}
		if !s.FirstSeen.After(before) {
			older = append(older, s)
		}
	}
	l.Trend7d = Round1(res.Score - Score(fields, older, p, before).Score)
	return l
}

// Round1 rounds to one decimal, half away from zero: how scores and
// points are shown and stored.
func Round1(x float64) float64 { return round1(x) }

// What is the line a score's explanation gives a signal ("development,
// keyword: title"): a digest finds a news item's points under it.
func (s Signal) What() string { return signalWhat(s) }
