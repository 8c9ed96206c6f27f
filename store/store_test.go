package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veille-hq/veille/signals"
)

var t0 = time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)

func openTemp(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "veille.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestSecondOpenFailsFast(t *testing.T) {
	s := openTemp(t)
	_, err := Open(s.Path(), 100*time.Millisecond)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second open: %v, want ErrLocked", err)
	}
}

func TestPruneInBatches(t *testing.T) {
	s := openTemp(t)
	const n = 2*pruneBatch + 17
	s.Update(func(tx *Tx) error {
		for i := range n {
			seen := t0
			if i%2 == 0 {
				seen = t0.Add(-500 * 24 * time.Hour)
			}
			tx.PutItem(signals.Item{SourceID: "src", GUID: fmt.Sprint(i)}, seen)
		}
		return nil
	})
	p, err := s.Prune(400*24*time.Hour, t0, time.UTC)
	if err != nil || p.Items != (n+1)/2 {
		t.Fatalf("pruned %d items (%v), want %d", p.Items, err, (n+1)/2)
	}
}

// History days are the config's: a point recorded on a Paris day just
// after midnight there, still the day before in UTC, is kept or pruned by
// its Paris date.
func TestPruneHistoryByTheZonesDays(t *testing.T) {
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Skip(err)
	}
	s := openTemp(t)
	lead := signals.Lead{Watchlist: "w", Company: "c"}
	// 00:30 in Paris on 23 Nov is 23:30 UTC on the 22nd.
	now := time.Date(2026, 11, 23, 0, 30, 0, 0, paris)
	s.Update(func(tx *Tx) error {
		tx.PutLead(lead, nil, Day(now.AddDate(0, 0, -2), paris))
		tx.PutLead(lead, nil, Day(now.AddDate(0, 0, -1), paris))
		return tx.PutLead(lead, nil, Day(now, paris))
	})
	// Keep one day: the cutoff is 22 Nov 00:30 Paris, whose day is the 22nd.
	p, err := s.Prune(24*time.Hour, now, paris)
	if err != nil || p.History != 1 {
		t.Fatalf("pruned %d history points (%v), want the one of the 21st", p.History, err)
	}
	var days []string
	s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketHistory).ForEach(func(k, _ []byte) error { days = append(days, string(k[len(k)-10:])); return nil })
	})
	if fmt.Sprint(days) != "[2026-11-22 2026-11-23]" {
		t.Errorf("history days left %v, want the 22nd and 23rd", days)
	}
}

// TestBackupUnderLoad takes backups while a writer keeps adding items, and
// checks each copy opens, passes bbolt's consistency check and holds what
// was written before it started.
func TestBackupUnderLoad(t *testing.T) {
	s := openTemp(t)
	put := func(round int) error {
		return s.Update(func(tx *Tx) error {
			for i := range 50 {
				if err := tx.PutItem(signals.Item{SourceID: "src", GUID: fmt.Sprintf("r%d-%d", round, i), Title: "news"}, t0); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := put(0); err != nil {
		t.Fatal(err)
	}
	stop, done := make(chan struct{}), make(chan int, 1)
	go func() {
		round := 1
		for ; ; round++ {
			select {
			case <-stop:
				done <- round
				return
			default:
			}
			if err := put(round); err != nil {
				t.Error(err)
			}
		}
	}()
	dir := t.TempDir()
	for i := range 5 {
		p := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		if _, err := s.BackupFile(p); err != nil {
			t.Fatal(err)
		}
		c, err := Open(p, time.Second)
		if err != nil {
			t.Fatalf("backup %d: %v", i, err)
		}
		err = c.db.View(func(tx *bolt.Tx) error {
			for err := range tx.Check() {
				return err
			}
			return nil
		})
		if err != nil {
			t.Errorf("backup %d is inconsistent: %v", i, err)
		}
		c.View(func(tx *Tx) error {
			if !tx.HasItem("src", "g:r0-49") {
				t.Errorf("backup %d misses the items written before it", i)
			}
			return nil
		})
		c.Close()
	}
	close(stop)
	if rounds := <-done; rounds < 2 {
		t.Fatalf("only %d write rounds ran during the backups: no load", rounds)
	}
}

// An access next to the last of its kind (same source's items, same
// lead's signals) is not counted toward a release; any other is.
func TestReadNearCountsPlaces(t *testing.T) {
	type access struct {
		kind   int
		prefix string
	}
	tests := []struct {
		name     string
		accesses []access
		want     int
	}{
		{"one source's items", []access{{nearItems, "a"}, {nearItems, "a"}, {nearItems, "a"}}, 1},
		{"two sources", []access{{nearItems, "a"}, {nearItems, "b"}, {nearItems, "a"}}, 3},
		{"items and signals interleaved", []access{{nearItems, "a"}, {nearSignals, "a"}, {nearItems, "a"}, {nearSignals, "a"}}, 2},
		{"two leads", []access{{nearSignals, "x"}, {nearSignals, "x"}, {nearSignals, "y"}}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var tx Tx
			for _, a := range tc.accesses {
				tx.readNear(a.kind, a.prefix)
			}
			if tx.reads != tc.want {
				t.Errorf("counted %d accesses, want %d", tx.reads, tc.want)
			}
		})
	}
}
