package sources

import (
	"strconv"
	"strings"
	"time"
	"unicode"
)

// machineLayouts are the RFC 822/1123/3339 variants feeds and pages use.
var machineLayouts = []string{
	time.RFC3339Nano,
	time.RFC3339,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006-01-02",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"Mon, 2 Jan 2006 15:04:05 Z",
	"Mon, 2 Jan 2006 15:04 -0700",
	"Mon, 2 Jan 2006 15:04 MST",
	"Mon, 02 Jan 06 15:04:05 -0700",
	"Mon, 2 Jan 06 15:04:05 MST",
	"2 Jan 2006 15:04:05 -0700",
	"2 Jan 2006 15:04:05 MST",
	time.RFC822Z,
	time.RFC822,
	time.RFC850,
	time.ANSIC,
	time.UnixDate,
}

var months = map[string]time.Month{
	"janvier": 1, "janv": 1, "jan": 1, "january": 1,
	"fevrier": 2, "fevr": 2, "fev": 2, "feb": 2, "february": 2,
	"mars": 3, "mar": 3, "march": 3,
	"avril": 4, "avr": 4, "apr": 4, "april": 4,
	"mai": 5, "may": 5,
	"juin": 6, "jun": 6, "june": 6,
	"juillet": 7, "juil": 7, "jul": 7, "july": 7,
	"aout": 8, "aug": 8, "august": 8,
	"septembre": 9, "sept": 9, "sep": 9, "september": 9,
	"octobre": 10, "oct": 10, "october": 10,
	"novembre": 11, "nov": 11, "november": 11,
	"decembre": 12, "dec": 12, "december": 12,
}

// ParseDate reads a date as feeds and pages write it: RFC 822/1123/3339
// variants, and French or English human dates ("12 mars 2025", "lundi 3 mars
// 2025", "1er avril 2025", "12/03/2025" day first, "March 12, 2025"). Dates
// without a zone are taken in now's location. A date after now is clamped to
// now. It reports false when s holds no date it can read.
func ParseDate(s string, now time.Time) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 200 {
		return time.Time{}, false
	}
	t, ok := parseMachineDate(s, now.Location())
	if !ok {
		t, ok = parseHumanDate(s, now.Location())
	}
	if !ok {
		return time.Time{}, false
	}
	if t.After(now) {
		t = now
	}
	return t, true
}

func parseMachineDate(s string, loc *time.Location) (time.Time, bool) {
	for _, layout := range machineLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, plausibleYear(t.Year())
		}
	}
	return time.Time{}, false
}

func plausibleYear(y int) bool { return y >= 1990 && y <= 2200 }

// parseHumanDate finds the first day-month-year (or month-day-year) in s.
// Weekdays, ordinals ("1er", "3rd"), "le", "the", commas and a trailing time
// are ignored.
func parseHumanDate(s string, loc *time.Location) (time.Time, bool) {
	tokens := dateTokens(s)
	for i, tok := range tokens {
		if t, ok := numericDate(tok, loc); ok {
			return t, true
		}
		if i+2 >= len(tokens) {
			continue
		}
		a, b, c := tokens[i], tokens[i+1], tokens[i+2]
		if d, ok := dayNumber(a); ok {
			if m, ok := months[b]; ok {
				if y, ok := yearNumber(c); ok {
					return makeDate(y, m, d, loc)
				}
			}
		}
		if m, ok := months[a]; ok {
			if d, ok := dayNumber(b); ok {
				if y, ok := yearNumber(c); ok {
					return makeDate(y, m, d, loc)
				}
			}
		}
	}
	return time.Time{}, false
}

// dateTokens lowercases s, folds French accents and splits it on anything
// that is not a letter, a digit or a date separator.
func dateTokens(s string) []string {
	s = strings.ToLower(s)
	s = strings.NewReplacer("é", "e", "è", "e", "ê", "e", "û", "u", "ù", "u", "ô", "o", "î", "i", "ï", "i", "â", "a", "à", "a", "ç", "c").Replace(s)
	tokens := strings.FieldsFunc(s, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '/' && r != '-' && r != '.'
	})
	for i, t := range tokens {
		tokens[i] = strings.Trim(t, ".-/")
	}
	return tokens
}

// numericDate reads "12/03/2025", "12-03-2025", "12.03.2025" (day first)
// and "2025-03-12".
func numericDate(tok string, loc *time.Location) (time.Time, bool) {
	sep := "/"
	switch {
	case strings.Count(tok, "-") == 2:
		sep = "-"
	case strings.Count(tok, ".") == 2:
		sep = "."
	}
	parts := strings.Split(tok, sep)
	if len(parts) != 3 {
		return time.Time{}, false
	}
	n := make([]int, 3)
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || len(p) == 0 || len(p) > 4 {
			return time.Time{}, false
		}
		n[i] = v
	}
	if len(parts[0]) == 4 {
		return makeDate(n[0], time.Month(n[1]), n[2], loc)
	}
	if len(parts[2]) == 4 {
		return makeDate(n[2], time.Month(n[1]), n[0], loc)
	}
	return time.Time{}, false
}

// dayNumber reads "3", "03", "1er", "1st", "2nd", "3rd", "12th".
func dayNumber(tok string) (int, bool) {
	for _, suffix := range []string{"er", "st", "nd", "rd", "th", "e"} {
		if len(tok) > len(suffix) && strings.HasSuffix(tok, suffix) {
			tok = strings.TrimSuffix(tok, suffix)
			break
		}
	}
	if len(tok) == 0 || len(tok) > 2 {
		return 0, false
	}
	d, err := strconv.Atoi(tok)
	if err != nil || d < 1 || d > 31 {
		return 0, false
	}
	return d, true
}

func yearNumber(tok string) (int, bool) {
	if len(tok) != 4 {
		return 0, false
	}
	y, err := strconv.Atoi(tok)
	if err != nil || !plausibleYear(y) {
		return 0, false
	}
	return y, true
}

func makeDate(y int, m time.Month, d int, loc *time.Location) (time.Time, bool) {
	if !plausibleYear(y) || m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if t.Day() != d || t.Month() != m {
		return time.Time{}, false
	}
	return t, true
}
