package signals

import (
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
