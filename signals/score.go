package signals

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FitRule gives points when a prospect field meets a condition. Min/Max
// compare numbers, Equals/In compare text case-insensitively; the set
// conditions must all hold.
type FitRule struct {
	Field  string
	Min    *float64
	Max    *float64
	Equals string   // case-insensitive
	In     []string // case-insensitive
	Points float64
}

// Policy is a watch list's scoring.
type Policy struct {
	Points         map[Label]int // missing label → DefaultPoints
	ItemCap        float64       // most points one item can bring (absolute value)
	HalfLife       time.Duration
	Hot, Potential float64 // tier thresholds
	Fit            []FitRule
}

// Fingerprint writes the policy in a canonical form: policies that score
// alike write the same bytes, so a hash of them says whether scores made
// under one hold under the other.
func (p Policy) Fingerprint(w io.Writer) {
	fmt.Fprintf(w, "%v|%v|%v|%v|%v|", p.ItemCap, p.HalfLife, p.Hot, p.Potential, len(p.Fit))
	for _, l := range slices.Sorted(maps.Keys(p.Points)) {
		fmt.Fprintf(w, "%s=%d|", l, p.Points[l])
	}
	for _, r := range p.Fit {
		fmt.Fprintf(w, "%d:%s%v|", len(r.String()), r.String(), r.Points)
	}
}

// PointsTable gives every label its points: its default, overridden by
// each of overrides (label id → points) in turn.
func PointsTable(overrides ...map[string]int) map[Label]int {
	t := map[Label]int{}
	for _, l := range Labels() {
		t[l] = DefaultPoints(l)
	}
	for _, o := range overrides {
		for l, v := range o {
			t[Label(l)] = v
		}
	}
	return t
}

// DefaultPolicy is the default scoring (docs/scoring.md).
func DefaultPolicy() Policy {
	return Policy{ItemCap: 25, HalfLife: 30 * 24 * time.Hour, Hot: 70, Potential: 40}
}

// Result is a lead's score with its explanation.
type Result struct {
	Score, Fit float64
	Tier       Tier
	Why        []Contribution
}

func (p Policy) points(l Label) int {
	if v, ok := p.Points[l]; ok {
		return v
	}
	return DefaultPoints(l)
}

// SignalPoints is what one signal brings before fading: its labels' points
// plus its keyword points, capped to ±ItemCap, halved for a weak mention.
// A keyword counts once per item however many times and fields it appears
// in. When the policy gives difficulty negative points and the signal
// carries it, only the signal's negative points count: bad news never
// raises a lead's score, whatever else it carries. Backlog signals bring
// nothing.
func (p Policy) SignalPoints(s Signal) float64 {
	if s.Backlog {
		return 0
	}
	negativeOnly := p.points(Difficulty) < 0 && slices.Contains(s.Labels, Difficulty)
	total := 0.0
	add := func(pts int) {
		if !negativeOnly || pts < 0 {
			total += float64(pts)
		}
	}
	for _, l := range s.Labels {
		add(p.points(l))
	}
	kws := s.Evidence[Keyword]
	for i, e := range kws {
		if !slices.ContainsFunc(kws[:i], func(o Evidence) bool { return sameKeyword(o, e) }) {
			add(e.Points)
		}
	}
	if p.ItemCap > 0 {
		total = math.Max(-p.ItemCap, math.Min(p.ItemCap, total))
	}
	if s.Strength == Weak {
		total /= 2
	}
	return total
}

// sameKeyword reports whether two keyword hits are one keyword: the same
// term once folded ("ERP" in the title, "erp" in the summary).
func sameKeyword(a, b Evidence) bool {
	return a.Points == b.Points && Fold(a.Term) == Fold(b.Term)
}

// Tier ranks a score against the policy's thresholds.
func (p Policy) Tier(score float64) Tier {
	switch {
	case score >= p.Hot:
		return Hot
	case score >= p.Potential:
		return Potential
	}
	return Cold
}

// Score computes a lead's score at now: the fit rules its fields meet plus
// each signal's points faded by half every HalfLife since first seen,
// clamped to 0–100. Signals first seen after now are ignored.
func Score(fields map[string]string, sigs []Signal, p Policy, now time.Time) Result {
	var r Result
	for _, rule := range p.Fit {
		if rule.matches(fields) {
			r.Fit += rule.Points
			r.Why = append(r.Why, Contribution{What: rule.String(), Points: round1(rule.Points)})
		}
	}
	total := r.Fit
	for _, s := range sigs {
		if now.Before(s.At()) {
			continue
		}
		pts := p.PointsAt(s, now)
		if pts == 0 {
			continue
		}
		total += pts
		r.Why = append(r.Why, Contribution{What: signalWhat(s), Points: round1(pts)})
	}
	// Rounded before the tier is read, so a lead shown as 40 is never cold.
	r.Score = round1(math.Max(0, math.Min(100, total)))
	r.Fit = round1(r.Fit)
	r.Tier = p.Tier(r.Score)
	// Largest first; equal points by text, so the explanation does not
	// depend on the order the store returns signals in.
	slices.SortFunc(r.Why, func(a, b Contribution) int {
		return cmp.Or(cmp.Compare(math.Abs(b.Points), math.Abs(a.Points)), strings.Compare(a.What, b.What))
	})
	return r
}

// PointsAt is a signal's points at now: SignalPoints faded by half every
// HalfLife since first seen (0 before it was seen).
func (p Policy) PointsAt(s Signal, now time.Time) float64 {
	age := now.Sub(s.At())
	if age < 0 {
		return 0
	}
	pts := p.SignalPoints(s)
	if p.HalfLife > 0 {
		pts *= math.Pow(0.5, float64(age)/float64(p.HalfLife))
	}
	return pts
}

func signalWhat(s Signal) string {
	names := make([]string, 0, len(s.Labels)+1)
	for _, l := range s.Labels {
		names = append(names, string(l))
	}
	if len(s.Evidence[Keyword]) > 0 {
		names = append(names, string(Keyword))
	}
	return strings.Join(names, ", ") + ": " + s.Title
}

func round1(x float64) float64 { return math.Round(x*10) / 10 }

func (r FitRule) matches(fields map[string]string) bool {
	v, ok := fields[r.Field]
	if !ok {
		return false
	}
	v = strings.TrimSpace(v)
	if r.Min != nil || r.Max != nil {
		n, err := strconv.ParseFloat(strings.ReplaceAll(v, " ", ""), 64)
		if err != nil {
			return false
		}
		if (r.Min != nil && n < *r.Min) || (r.Max != nil && n > *r.Max) {
			return false
		}
	}
	if r.Equals != "" && !strings.EqualFold(v, strings.TrimSpace(r.Equals)) {
		return false
	}
	if len(r.In) > 0 && !slices.ContainsFunc(r.In, func(x string) bool { return strings.EqualFold(v, strings.TrimSpace(x)) }) {
		return false
	}
	return true
}

// String explains the rule as the digest prints it: "headcount ≥ 50".
func (r FitRule) String() string {
	var parts []string
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	if r.Min != nil {
		parts = append(parts, fmt.Sprintf("%s ≥ %s", r.Field, num(*r.Min)))
	}
	if r.Max != nil {
		parts = append(parts, fmt.Sprintf("%s ≤ %s", r.Field, num(*r.Max)))
	}
	if r.Equals != "" {
		parts = append(parts, fmt.Sprintf("%s = %s", r.Field, r.Equals))
	}
	if len(r.In) > 0 {
		parts = append(parts, fmt.Sprintf("%s in %s", r.Field, strings.Join(r.In, ", ")))
	}
	if len(parts) == 0 {
		return r.Field
	}
	return strings.Join(parts, ", ")
}
