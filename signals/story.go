package signals

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// StoryWindow is how far apart two outlets' items may be seen and still be
// the same story.
const StoryWindow = 14 * 24 * time.Hour

// SameStoryThreshold is the title similarity above which two items about
// the same company, seen within StoryWindow of each other, are one story.
const SameStoryThreshold = 0.6

// StoryID identifies a story for a lead: its canonical URL when it has
// one, so the same article carried by several feeds is one signal; else
// the item's id within its source.
func StoryID(sourceID string, it Item) string {
	basis := it.URL
	if basis == "" {
		basis = sourceID + "\x00" + it.ID()
	}
	sum := sha256.Sum256([]byte(basis))
	return hex.EncodeToString(sum[:10])
}

// MaxOutlets bounds the outlets a signal lists; the others are counted
// (MoreOutlets). A story carried by thousands of outlets made its record,
// read and rewritten for each new one, grow without end: a cost quadratic
// in the outlets. An outlet beyond the listed ones is counted each time it
// brings the story again under another item.
const MaxOutlets = 50

// AddOutlet records that outlet carried the story too, with a match of
// strength, and reports whether the signal changed: an outlet it lists
// already changes nothing.
func (s *Signal) AddOutlet(outlet SourceRef, strength Strength) bool {
	if slices.Contains(s.Sources, outlet) {
		return false
	}
	if len(s.Sources) < MaxOutlets {
		s.Sources = append(s.Sources, outlet)
	} else {
		s.MoreOutlets++
	}
	s.Strength = max(s.Strength, strength)
	return true
}

// TitleWords is a headline prepared for comparison with others, as outlets
// rewrite headlines: folded (case, accents), split into words, short words
// dropped (articles, prepositions). Preparing it once lets a new item be
// compared with a company's recent stories without preparing each title
// once per pair.
type TitleWords struct {
	words []string // sorted, unique
}

// NewTitleWords prepares s.
func NewTitleWords(s string) TitleWords {
	words := strings.FieldsFunc(Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	words = slices.DeleteFunc(words, func(w string) bool { return utf8.RuneCountInString(w) <= 2 })
	slices.Sort(words)
	return TitleWords{words: slices.Compact(words)}
}

// Similarity is the Jaccard index of the two titles' word sets, in 0–1.
func (a TitleWords) Similarity(b TitleWords) float64 {
	if len(a.words) == 0 || len(b.words) == 0 {
		return 0
	}
	inter := 0
	for i, j := 0, 0; i < len(a.words) && j < len(b.words); {
		switch c := strings.Compare(a.words[i], b.words[j]); {
		case c == 0:
			inter++
			i++
			j++
		case c < 0:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(a.words)+len(b.words)-inter)
}
