package store

import (
	"slices"
	"time"

	"github.com/veille-hq/veille/signals"
)

// storyCandidates bounds how many of a lead's stories a new item is
// compared with: the most recent ones, as many as a feed's first fetch
// brings at the default item cap. Comparing each new item with every story
// of the lead cost time quadratic in the items when one lead received
// thousands (a feed listing its archive: 10,000 items took 9 s to store,
// 40,000 minutes). A rewrite of a story that many newer ones have pushed
// out of the window is stored as a story of its own.
const storyCandidates = 500

// storyEntry is a stored signal as the same-story test reads it.
type storyEntry struct {
	storyBrief
	print *signals.StoryPrint // read on first comparison
}

// leadStories are a lead's stories as a transaction has read and stored
// them, by first-seen time.
type leadStories struct {
	entries []storyEntry
	ids     map[string]bool
}

// SameStory finds a story of the lead first seen within
// signals.StoryWindow of now (before or after it) that reports the same event as the item
// whose print is p (another outlet's article: signals.SameStory), and
// returns its id. A story is compared through its stored print, or its
// title alone when it was stored before prints were kept. Only the lead's
// storyCandidates most recent stories are compared. A transaction reads
// each lead's stories once and keeps them, with the ones it stores:
// without that, every new item of a feed decoded all of its lead's stored
// signals again, 20 full scans for the 20 items of a first fetch, a cost
// that grew with the lead's history. When several stories match, the
// first in story id order is chosen, as a fresh scan would.
func (t *Tx) SameStory(leadKey, company string, p signals.StoryPrint, now time.Time) (string, bool, error) {
	ls, err := t.leadStories(leadKey)
	if err != nil {
		return "", false, err
	}
	best := ""
	entries := ls.entries[max(0, len(ls.entries)-storyCandidates):]
	oldest, newest := now.Add(-signals.StoryWindow), now.Add(signals.StoryWindow)
	for i := len(entries) - 1; i >= 0; i-- {
		e := &entries[i]
		if e.FirstSeen.Before(oldest) {
			break // the older ones are older still
		}
		if e.FirstSeen.After(newest) {
			continue // a rescan places an item seen before newer stories
		}
		if best != "" && e.ID > best {
			continue
		}
		if e.print == nil {
			sp, found, err := t.storyPrint(leadKey, e.ID)
			if err != nil {
				return "", false, err
			}
			if !found {
				sp = signals.TitleStoryPrint(e.Title, company)
			}
			e.print = &sp
		}
		if signals.SameStory(*e.print, p) {
			best = e.ID
		}
	}
	return best, best != "", nil
}

func (t *Tx) leadStories(leadKey string) (*leadStories, error) {
	if ls, ok := t.stories[leadKey]; ok {
		return ls, nil
	}
	briefs, err := t.storyBriefs(leadKey)
	if err != nil {
		return nil, err
	}
	ls := &leadStories{entries: make([]storyEntry, len(briefs)), ids: make(map[string]bool, len(briefs))}
	for i, sb := range briefs {
		ls.entries[i].storyBrief = sb
		ls.ids[sb.ID] = true
	}
	// Stable: stories first seen together stay in story id order.
	slices.SortStableFunc(ls.entries, func(a, b storyEntry) int { return a.FirstSeen.Compare(b.FirstSeen) })
	if t.stories == nil {
		t.stories = map[string]*leadStories{}
	}
	t.stories[leadKey] = ls
	return ls, nil
}

// noteStory keeps the stories SameStory has read up to date with a signal
// the transaction stored. A new story is usually the most recent one and
// goes at the end; a first-seen time earlier than the last (a clock set
// back) goes in its place.
func (t *Tx) noteStory(leadKey string, s signals.Signal) {
	ls, ok := t.stories[leadKey]
	if !ok || ls.ids[s.ID] {
		return // not read yet (a later read sees it in the transaction), or known
	}
	ls.ids[s.ID] = true
	e := storyEntry{storyBrief: storyBrief{ID: s.ID, Title: s.Title, FirstSeen: s.FirstSeen}}
	i := len(ls.entries)
	for i > 0 && s.FirstSeen.Before(ls.entries[i-1].FirstSeen) {
		i--
	}
	if i == len(ls.entries) {
		ls.entries = append(ls.entries, e)
		return
	}
	ls.entries = slices.Insert(ls.entries, i, e)
}
