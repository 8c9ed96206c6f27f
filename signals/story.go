package signals

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"time"
)

// StoryWindow is how far apart two outlets' items may be seen and still be
// the same story.
const StoryWindow = 14 * 24 * time.Hour

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
