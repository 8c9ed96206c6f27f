package store

import (
	"fmt"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

// TestSameStoryLooksAtRecentStories checks which stories a new title is
// compared with: the lead's storyCandidates most recent within the story
// window, whether stored before the transaction or in it; among several
// similar ones, the first in story id order.
func TestSameStoryLooksAtRecentStories(t *testing.T) {
	s := openTemp(t)
	lk := signals.LeadKey("w", "c")
	put := func(tx *Tx, id, title string, seen time.Time) {
		t.Helper()
		if err := tx.PutSignal(signals.Signal{ID: id, Watchlist: "w", Company: "c", Title: title, FirstSeen: seen}); err != nil {
			t.Fatal(err)
		}
	}
	const story = "Conserverie Ker Avel ouvre une usine à Rennes"
	const rewrite = "Conserverie Ker Avel ouvre une usine à Rennes, selon Ouest"
	s.Update(func(tx *Tx) error {
		put(tx, "zz-old", story, t0)
		put(tx, "mm-recent", story, t0.Add(time.Hour))
		put(tx, "aa-recent", story, t0.Add(time.Hour))
		return nil
	})
	same := func(tx *Tx, now time.Time) string {
		t.Helper()
		id, _, err := tx.SameStory(lk, "c", signals.TitleStoryPrint(rewrite, "c"), now)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	s.Update(func(tx *Tx) error {
		if got := same(tx, t0.Add(2*time.Hour)); got != "aa-recent" {
			t.Errorf("same story %q, want the first similar in id order", got)
		}
		if got := same(tx, t0.Add(time.Hour+signals.StoryWindow+time.Second)); got != "" {
			t.Errorf("same story %q past the story window, want none", got)
		}
		// Newer unrelated stories push the similar ones out of the candidates.
		for i := range storyCandidates - 1 {
			put(tx, fmt.Sprintf("n%04d", i), fmt.Sprintf("Conserverie Ker Avel annonce le projet numéro%d", i), t0.Add(2*time.Hour))
		}
		// Stories first seen together are in id order: mm-recent is the
		// most recent of the similar ones.
		if got := same(tx, t0.Add(3*time.Hour)); got != "mm-recent" {
			t.Errorf("same story %q with one similar story among the candidates, want mm-recent", got)
		}
		put(tx, "n9999", "Conserverie Ker Avel annonce autre chose", t0.Add(2*time.Hour))
		if got := same(tx, t0.Add(3*time.Hour)); got != "" {
			t.Errorf("same story %q, want none among the %d most recent", got, storyCandidates)
		}
		return nil
	})
}

// TestSignalAfterSameStory checks Signal once the transaction has read the
// lead's stories: a story stored before the transaction, one stored in it
// after the read, and one never stored (which the read stories answer for)
// are each found or not as the bucket says.
func TestSignalAfterSameStory(t *testing.T) {
	s := openTemp(t)
	lk := signals.LeadKey("w", "c")
	put := func(tx *Tx, id string) error {
		return tx.PutSignal(signals.Signal{ID: id, Watchlist: "w", Company: "c", Title: "Conserverie Ker Avel " + id, FirstSeen: t0})
	}
	if err := s.Update(func(tx *Tx) error { return put(tx, "before") }); err != nil {
		t.Fatal(err)
	}
	err := s.Update(func(tx *Tx) error {
		if _, _, err := tx.SameStory(lk, "c", signals.TitleStoryPrint("Conserverie Ker Avel rachète un concurrent", "c"), t0); err != nil {
			return err
		}
		if err := put(tx, "during"); err != nil {
			return err
		}
		for _, tt := range []struct {
			story string
			found bool
		}{{"before", true}, {"during", true}, {"never", false}} {
			sig, found, err := tx.Signal(lk, tt.story)
			if err != nil {
				return err
			}
			if found != tt.found || found && sig.ID != tt.story {
				t.Errorf("Signal(%q) = %q, found %v; want found %v", tt.story, sig.ID, found, tt.found)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
