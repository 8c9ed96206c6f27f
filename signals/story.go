package signals

import (
	"strings"
	"time"
	"unicode"
)

// StoryWindow is how far apart two outlets' items may be seen and still be
// the same story.
const StoryWindow = 14 * 24 * time.Hour

// SameStoryThreshold is the title similarity above which two items about
// the same company, seen within StoryWindow of each other, are one story.
const SameStoryThreshold = 0.6

// TitleSimilarity compares two headlines as outlets rewrite them: folded
// (case, accents), split into words, short words dropped (articles,
// prepositions), then the Jaccard index of the two word sets, in 0–1.
func TitleSimilarity(a, b string) float64 {
	wa, wb := titleWords(a), titleWords(b)
	if len(wa) == 0 || len(wb) == 0 {
		return 0
	}
	inter := 0
	for w := range wa {
		if wb[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(wa)+len(wb)-inter)
}

func titleWords(s string) map[string]bool {
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(Fold(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		if len([]rune(w)) > 2 {
			words[w] = true
		}
	}
	return words
}
