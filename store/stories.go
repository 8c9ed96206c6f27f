package store

import (
	"slices"
	"strings"
	"time"

	"github.com/veille-hq/veille/signals"
)

// storyEntry is a stored signal as the same-story test reads it.
type storyEntry struct {
	storyBrief
	words *signals.TitleWords // prepared on first comparison
}

// SameStory finds a story of the lead first seen within
// signals.StoryWindow of now whose title tells the same story as title
// (another outlet's rewrite), and returns its id. A transaction reads each
// lead's stories once and keeps them, with the ones it stores: without
// that, every new item of a feed decoded all of its lead's stored signals
// again, 20 full scans for the 20 items of a first fetch, a cost that grew
// with the lead's history. When several stories are similar, the first in
// story id order is chosen, as a fresh scan would.
func (t *Tx) SameStory(leadKey, title string, now time.Time) (string, bool, error) {
	entries, err := t.storyEntries(leadKey)
	if err != nil {
		return "", false, err
	}
	var words signals.TitleWords
	prepared := false
	for i := range entries {
		e := &entries[i]
		if now.Sub(e.FirstSeen) > signals.StoryWindow {
			continue
		}
		if !prepared {
			words, prepared = signals.NewTitleWords(title), true
		}
		if e.words == nil {
			w := signals.NewTitleWords(e.Title)
			e.words = &w
		}
		if e.words.Similarity(words) >= signals.SameStoryThreshold {
			return e.ID, true, nil
		}
	}
	return "", false, nil
}

func (t *Tx) storyEntries(leadKey string) ([]storyEntry, error) {
	if entries, ok := t.stories[leadKey]; ok {
		return entries, nil
	}
	briefs, err := t.storyBriefs(leadKey)
	if err != nil {
		return nil, err
	}
	entries := make([]storyEntry, len(briefs))
	for i, sb := range briefs {
		entries[i].storyBrief = sb
	}
	if t.stories == nil {
		t.stories = map[string][]storyEntry{}
	}
	t.stories[leadKey] = entries
	return entries, nil
}

// noteStory keeps the stories SameStory has read up to date with a signal
// the transaction stored, in story id order.
func (t *Tx) noteStory(leadKey string, s signals.Signal) {
	entries, ok := t.stories[leadKey]
	if !ok {
		return // not read yet: a later read sees it in the transaction
	}
	i, found := slices.BinarySearchFunc(entries, s.ID, func(e storyEntry, id string) int { return strings.Compare(e.ID, id) })
	if !found {
		t.stories[leadKey] = slices.Insert(entries, i, storyEntry{storyBrief: storyBrief{ID: s.ID, Title: s.Title, FirstSeen: s.FirstSeen}})
	}
}
