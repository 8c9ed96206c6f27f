package store

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veille-hq/veille/signals"
)

// Items keep their summary, bounded, apart from their records; a rescan
// reads both, and an item whose text was not kept says so.
func TestScanItemsReadsTheirTexts(t *testing.T) {
	s := openTemp(t)
	long := strings.Repeat("é", signals.StoryTextMax) // two bytes each
	items := []signals.Item{
		{SourceID: "feed:a", URL: "https://a.example/1", Title: "Un", Summary: "Kerlann lève 12 M€", Lang: "fr"},
		{SourceID: "feed:a", GUID: "g2", URL: "https://a.example/2", Title: "Deux", Summary: long},
		{SourceID: "feed:b", Title: "Trois", Published: t0},
		{SourceID: "feed:b", Title: "Vieux"},
	}
	err := s.Update(func(tx *Tx) error {
		for i, it := range items {
			seen := t0
			if i == 3 {
				seen = t0.Add(-48 * time.Hour)
			}
			if err := tx.PutItem(it, seen); err != nil {
				return err
			}
		}
		// An item stored before schema 4 has no text.
		return tx.tx.Bucket(bucketTexts).Delete(key("feed:b", items[2].ID()))
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []StoredItem
	err = s.View(func(tx *Tx) error {
		return tx.ScanItems(t0.Add(-time.Hour), func(si StoredItem) error { got = append(got, si); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d items scanned, want the 3 first seen since: %+v", len(got), got)
	}
	slices.SortFunc(got, func(a, b StoredItem) int { return strings.Compare(a.Title, b.Title) }) // Deux, Trois, Un
	got[0], got[1], got[2] = got[2], got[0], got[1]
	if g := got[0]; g.Title != "Un" || g.Summary != "Kerlann lève 12 M€" || !g.HasText || g.Lang != "fr" || !g.FirstSeen.Equal(t0) {
		t.Errorf("first item %+v", g)
	}
	if g := got[1]; !g.HasText || len(g.Summary) != signals.StoryTextMax || g.GUID != "g2" {
		t.Errorf("long summary kept as %d bytes (has text %v), want the first %d", len(g.Summary), g.HasText, signals.StoryTextMax)
	}
	if g := got[2]; g.HasText || g.Summary != "" || g.Title != "Trois" {
		t.Errorf("item without a text: %+v", g)
	}
}

// A story is found again from another outlet's article through its print;
// a deleted signal is gone with its print; a story without a print is
// compared by its title.
func TestSameStoryByPrint(t *testing.T) {
	s := openTemp(t)
	lk := signals.LeadKey("w", "Kerlann")
	newsroom := signals.NewStoryPrint("Kerlann accueille Bpifrance et Unigrains à son capital",
		"La légumerie annonce une levée de fonds de 12 millions d'euros auprès de Bpifrance et Unigrains, et 80 recrutements.", "Kerlann")
	article := signals.NewStoryPrint("Quimper : la légumerie Kerlann lève 12 M€ pour sa nouvelle usine",
		"Kerlann boucle un tour de table de 12 M€ mené par Bpifrance. À la clé, 80 emplois.", "Kerlann")
	err := s.Update(func(tx *Tx) error {
		if err := tx.PutSignal(signals.Signal{ID: "news", Watchlist: "w", Company: "Kerlann", Title: "Kerlann accueille Bpifrance et Unigrains à son capital", FirstSeen: t0}); err != nil {
			return err
		}
		if err := tx.PutStoryPrint(lk, "news", newsroom); err != nil {
			return err
		}
		return tx.PutSignal(signals.Signal{ID: "old", Watchlist: "w", Company: "Kerlann", Title: "Kerlann ouvre une usine à Brest", FirstSeen: t0})
	})
	if err != nil {
		t.Fatal(err)
	}
	same := func(p signals.StoryPrint) string {
		t.Helper()
		var id string
		if err := s.Update(func(tx *Tx) (err error) { id, _, err = tx.SameStory(lk, "Kerlann", p, t0.Add(time.Hour)); return err }); err != nil {
			t.Fatal(err)
		}
		return id
	}
	if got := same(article); got != "news" {
		t.Errorf("the article about the newsroom post: same story %q, want news", got)
	}
	if got := same(signals.NewStoryPrint("Kerlann ouvre une usine à Brest, selon Ouest", "", "Kerlann")); got != "old" {
		t.Errorf("a story stored without a print: same story %q, want old (by title)", got)
	}
	s.View(func(tx *Tx) error {
		if p, found, err := tx.storyPrint(lk, "news"); err != nil || !found || !reflect.DeepEqual(p, newsroom) {
			t.Errorf("print read back %+v, %v, %v; want %+v", p, found, err, newsroom)
		}
		return nil
	})
	s.Update(func(tx *Tx) error {
		if _, _, err := tx.SameStory(lk, "Kerlann", article, t0); err != nil { // read the lead's stories in this transaction
			return err
		}
		if err := tx.DeleteSignal(lk, "news"); err != nil {
			t.Fatal(err)
		}
		if id, _, _ := tx.SameStory(lk, "Kerlann", article, t0); id != "" {
			t.Errorf("same story %q after its deletion in the transaction", id)
		}
		return nil
	})
	if got := same(article); got != "" {
		t.Errorf("same story %q after its deletion", got)
	}
	s.View(func(tx *Tx) error {
		if _, found, _ := tx.storyPrint(lk, "news"); found {
			t.Error("the deleted signal's print is still stored")
		}
		return nil
	})
}

// Retention prunes texts with their items and prints with their signals.
func TestPruneTextsAndPrints(t *testing.T) {
	s := openTemp(t)
	lk := signals.LeadKey("w", "c")
	s.Update(func(tx *Tx) error {
		tx.PutItem(signals.Item{SourceID: "f", Title: "x", Summary: "y"}, t0)
		tx.PutSignal(signals.Signal{ID: "s", Watchlist: "w", Company: "c", Title: "x", FirstSeen: t0})
		return tx.PutStoryPrint(lk, "s", signals.NewStoryPrint("x y z", "", "c"))
	})
	if _, err := s.Prune(24*time.Hour, t0.Add(48*time.Hour), time.UTC); err != nil {
		t.Fatal(err)
	}
	s.View(func(tx *Tx) error {
		for _, b := range [][]byte{bucketItems, bucketTexts, bucketSignals} {
			if n := tx.tx.Bucket(b).Stats().KeyN; n != 0 {
				t.Errorf("%s: %d records after pruning, want 0", b, n)
			}
		}
		return nil
	})
}

// A schema 3 store opens as schema 5 with an empty texts bucket, its
// records as they were.
func TestOpenUpgradesSchema3(t *testing.T) {
	path := filepath.Join(t.TempDir(), "veille.db")
	s, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s.Update(func(tx *Tx) error {
		return tx.PutSignal(signals.Signal{ID: "s", Watchlist: "w", Company: "c", Title: "Titre", FirstSeen: t0})
	})
	s.db.Update(func(tx *bolt.Tx) error {
		tx.DeleteBucket(bucketTexts)
		return tx.Bucket(bucketMeta).Put(keySchema, u64(3))
	})
	s.Close()
	s, err = Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.View(func(tx *Tx) error {
		if v := binary.BigEndian.Uint64(tx.tx.Bucket(bucketMeta).Get(keySchema)); v != SchemaVersion {
			t.Errorf("schema %d after open, want %d", v, SchemaVersion)
		}
		if tx.tx.Bucket(bucketTexts) == nil {
			t.Error("texts bucket missing")
		}
		if tx.tx.Bucket(bucketPrintsV4) != nil {
			t.Error("a prints bucket after the upgrade")
		}
		if sigs, err := tx.LeadSignals(signals.LeadKey("w", "c")); err != nil || len(sigs) != 1 || sigs[0].Title != "Titre" {
			t.Errorf("signals after the upgrade: %+v, %v", sigs, err)
		}
		return nil
	})
}

// A store written by the schema-4 code (testdata/schema4.db: two leads'
// signals, the prints of two of them in the prints bucket, and an item)
// opens as schema 5: the prints read back from beside their signals and
// serve the same-story test, the prints bucket is gone, a lead's signals
// read as they were (no print among them), and retention prunes a signal
// with its print.
func TestOpenUpgradesSchema4(t *testing.T) {
	data, err := os.ReadFile("testdata/schema4.db")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "veille.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	t4 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC) // the fixture's first-seen time
	kerlann, marine := signals.LeadKey("w", "Kerlann"), signals.LeadKey("w", "Kerlann Marine")
	s.View(func(tx *Tx) error {
		if v := binary.BigEndian.Uint64(tx.tx.Bucket(bucketMeta).Get(keySchema)); v != SchemaVersion {
			t.Errorf("schema %d after open, want %d", v, SchemaVersion)
		}
		if tx.tx.Bucket(bucketPrintsV4) != nil {
			t.Error("the prints bucket is still there")
		}
		for _, c := range []struct {
			lead, story, title, summary, company string
			found                                bool
		}{
			{kerlann, "a1", "Kerlann ouvre une usine à Brest", "80 emplois à terme", "Kerlann", true},
			{kerlann, "a2", "", "", "", false},
			{marine, "b1", "Kerlann Marine recrute 40 personnes", "", "Kerlann Marine", true},
		} {
			p, found, err := tx.storyPrint(c.lead, c.story)
			if err != nil || found != c.found {
				t.Errorf("print of %s %s: found %v, %v; want found %v", c.lead, c.story, found, err, c.found)
				continue
			}
			if want := signals.NewStoryPrint(c.title, c.summary, c.company); found && !reflect.DeepEqual(p, want) {
				t.Errorf("print of %s %s: %+v, want %+v", c.lead, c.story, p, want)
			}
		}
		for lead, want := range map[string][]string{kerlann: {"a1", "a2"}, marine: {"b1"}} {
			sigs, err := tx.LeadSignals(lead)
			var ids []string
			for _, sg := range sigs {
				ids = append(ids, sg.ID)
			}
			if err != nil || !reflect.DeepEqual(ids, want) {
				t.Errorf("signals of %s: %v, %v; want %v", lead, ids, err, want)
			}
		}
		if sigs, _ := tx.LeadSignals(kerlann); len(sigs) == 2 && (sigs[0].Title != "Kerlann ouvre une usine à Brest" || !reflect.DeepEqual(sigs[0].Labels, []signals.Label{"expansion"})) {
			t.Errorf("signal a1 after the upgrade: %+v", sigs[0])
		}
		return nil
	})
	s.Update(func(tx *Tx) error {
		rewrite := signals.NewStoryPrint("Kerlann ouvre une usine à Brest, selon Ouest", "80 emplois à terme", "Kerlann")
		if id, ok, err := tx.SameStory(kerlann, "Kerlann", rewrite, t4.Add(time.Hour)); err != nil || !ok || id != "a1" {
			t.Errorf("same story after the upgrade: %q, %v, %v; want a1", id, ok, err)
		}
		return nil
	})
	if p, err := s.Prune(24*time.Hour, t4.Add(48*time.Hour), time.UTC); err != nil || p.Signals != 3 {
		t.Fatalf("prune: %+v, %v; want 3 signals", p, err)
	}
	s.View(func(tx *Tx) error {
		if n := tx.tx.Bucket(bucketSignals).Stats().KeyN; n != 0 {
			t.Errorf("%d records in signals after pruning every signal, want 0 (their prints go with them)", n)
		}
		return nil
	})
}

func TestPrintCodecRejectsTruncation(t *testing.T) {
	b := encodePrint(signals.NewStoryPrint("Kerlann lève 12 M€ avec Bpifrance", "80 emplois à Quimper", "Kerlann"))
	for n := range len(b) {
		if _, err := decodePrint(b[:n]); err == nil {
			t.Errorf("a print cut to %d of %d bytes decoded", n, len(b))
		}
	}
}

// A print's key sorts after its lead's signals and before the next lead's
// records, and reads as a print's; a signal's key does not.
func TestPrintKey(t *testing.T) {
	lead, next := signals.LeadKey("w", "Kerlann"), signals.LeadKey("w", "Kerlann Marine")
	sig, pk, nextSig := key(lead, "ffff"), printKey(lead, "0000"), key(next, "0000")
	if !(bytes.Compare(sig, pk) < 0 && bytes.Compare(pk, nextSig) < 0) {
		t.Errorf("keys out of order: %q, %q, %q", sig, pk, nextSig)
	}
	if bytes.HasPrefix(pk, key(lead, "")) {
		t.Errorf("print key %q under the lead's signal prefix", pk)
	}
	for k, want := range map[string]bool{string(sig): false, string(pk): true, string(nextSig): false, "": false} {
		if got := isPrintKey([]byte(k)); got != want {
			t.Errorf("isPrintKey(%q) = %v, want %v", k, got, want)
		}
	}
}
