package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

// buildStore writes a store of a few hundred records of every kind, spread
// over many pages, and returns its bytes.
func buildStore(t *testing.T) []byte {
	t.Helper()
	path := filepath.Join(t.TempDir(), "veille.db")
	s, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Update(func(tx *Tx) error {
		for i := range 300 {
			src := signals.Source{ID: fmt.Sprintf("src%03d", i), URL: fmt.Sprintf("https://example.com/%d.xml", i)}
			if err := tx.PutSourceState(src, signals.SourceState{ETag: fmt.Sprint(i), LastSuccess: t0}); err != nil {
				return err
			}
			it := signals.Item{SourceID: src.ID, GUID: fmt.Sprint(i), Title: fmt.Sprintf("Company %d opens a plant in Lyon", i), URL: fmt.Sprintf("https://example.com/a/%d", i)}
			if err := tx.PutItem(it, t0); err != nil {
				return err
			}
			sig := signals.Signal{ID: fmt.Sprintf("story%03d", i), Watchlist: "w", Company: fmt.Sprintf("c%d", i%30), Title: it.Title, URL: it.URL,
				Sources: []signals.SourceRef{{Source: src.URL, URL: it.URL}}, FirstSeen: t0, Labels: []signals.Label{"expansion"}}
			if err := tx.PutSignal(sig); err != nil {
				return err
			}
			if _, err := tx.Enqueue(signals.Message{To: []string{"rep@example.com"}, Subject: it.Title}, t0); err != nil {
				return err
			}
		}
		for i := range 30 {
			if err := tx.PutLead(signals.Lead{Watchlist: "w", Company: fmt.Sprintf("c%d", i), Score: 42}, nil, "2026-11-23"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// useAll reads every record through the store's operations and writes to
// it, as the commands and a cycle would.
func useAll(s *Store) error {
	err := s.View(func(tx *Tx) error {
		if _, err := tx.SourceStates(); err != nil {
			return err
		}
		if _, err := tx.Outbox(); err != nil {
			return err
		}
		for i := range 30 {
			lk := signals.LeadKey("w", fmt.Sprintf("c%d", i))
			if _, err := tx.LeadSignals(lk); err != nil {
				return err
			}
			if _, _, err := tx.Lead(lk); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := s.Prune(time.Hour, t0.Add(400*24*time.Hour), time.UTC); err != nil {
		return err
	}
	return s.Update(func(tx *Tx) error {
		return tx.PutSourceState(signals.Source{ID: "new", URL: "https://example.com/new.xml"}, signals.SourceState{LastSuccess: t0})
	})
}

// TestDamagedStore opens copies of a real store damaged as disks and
// crashes damage files: cut short, zeroed, page headers and data bytes
// overwritten. Each either opens and works (the damage hit unused space,
// or a record whose decoding says it is corrupt) or fails with the one
// error that says the store is damaged and how to restore it; none may
// panic or fault, which would end this test process.
func TestDamagedStore(t *testing.T) {
	orig := buildStore(t)
	const page = 4096
	pages := len(orig) / page
	type damage struct {
		name string
		f    func(b []byte) []byte
	}
	cases := []damage{
		{"truncated to half", func(b []byte) []byte { return b[:len(b)/2] }},
		{"truncated to a quarter", func(b []byte) []byte { return b[:len(b)/4] }},
		{"last page cut", func(b []byte) []byte { return b[:len(b)-page] }},
		{"zeroed second half", func(b []byte) []byte { clear(b[len(b)/2:]); return b }},
		{"both meta pages zeroed", func(b []byte) []byte { clear(b[:2*page]); return b }},
	}
	pageDamages := []struct {
		name string
		f    func(pg []byte)
	}{
		{"header 0xff", func(pg []byte) {
			for i := range 16 {
				pg[i] = 0xff
			}
		}},
		{"header shifted ids", func(pg []byte) {
			// A page id and overflow count that point past the file's end.
			pg[3] ^= 0x40
			pg[10] ^= 0x7f
			pg[12] ^= 0x20
		}},
		{"element count 0xffff", func(pg []byte) { pg[10], pg[11] = 0xff, 0xff }},
		{"first element far", func(pg []byte) {
			// A leaf's first value, a branch's first key and child,
			// gigabytes away: reading them faults on the map.
			pg[23] ^= 0x40
			pg[28] ^= 0x10
		}},
		{"data bytes flipped", func(pg []byte) {
			for _, off := range []int{16, 24, 40, 100, 700, 2000} {
				pg[off] ^= 0xa5
			}
		}},
	}
	// The meta pages and the freelist get every damage, the other pages
	// two each in turn.
	for p := range pages {
		for i, d := range pageDamages {
			if p >= 4 && i != p%len(pageDamages) && i != (p+1)%len(pageDamages) {
				continue
			}
			cases = append(cases, damage{fmt.Sprintf("page %d %s", p, d.name), func(b []byte) []byte {
				d.f(b[p*page : (p+1)*page])
				return b
			}})
		}
	}
	damaged := 0
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "veille.db")
			if err := os.WriteFile(path, tc.f(append([]byte(nil), orig...)), 0o600); err != nil {
				t.Fatal(err)
			}
			// Compacting a copy walks every page too: never a crash.
			if !raceBuild {
				cpath := filepath.Join(t.TempDir(), "compact.db")
				if err := os.WriteFile(cpath, tc.f(append([]byte(nil), orig...)), 0o600); err != nil {
					t.Fatal(err)
				}
				if _, _, err := Compact(cpath, 100*time.Millisecond); err != nil && !strings.Contains(err.Error(), "restore the last backup") && !errors.Is(err, errCorrupt) && !strings.HasPrefix(err.Error(), "compact ") {
					t.Errorf("compact: %v, want the store's damaged error", err)
				}
			}
			s, err := Open(path, 100*time.Millisecond)
			if err == nil {
				err = useAll(s)
				s.Close()
				if err == nil || errors.Is(err, errCorrupt) {
					return
				}
			}
			var de *damagedError
			if !errors.As(err, &de) && !strings.Contains(err.Error(), "is empty or truncated") {
				t.Fatalf("error %v, want the store's damaged error", err)
			}
			damaged++
			t.Log(err)
			for _, want := range []string{"store " + path + " is ", "restore the last backup with `cp BACKUP " + path + "`"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
	t.Logf("%d of %d damaged copies refused as damaged, the others usable", damaged, len(cases))
	if damaged < len(cases)/4 {
		t.Errorf("only %d of %d damaged copies found damaged", damaged, len(cases))
	}
}

// TestExistingFileIsNeverReset checks that an existing file too short to
// be a store is refused, left as it was, while a missing file is created.
func TestExistingFileIsNeverReset(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"short", []byte("not a bbolt file")},
		{"three pages", make([]byte, 3*4096)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "veille.db")
			if err := os.WriteFile(path, tc.data, 0o600); err != nil {
				t.Fatal(err)
			}
			s, err := Open(path, time.Second)
			if err == nil {
				s.Close()
				t.Fatal("opened, want an error")
			}
			want := fmt.Sprintf("store %s is empty or truncated (%d bytes): restore the last backup", path, len(tc.data))
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q lacks %q", err, want)
			}
			if fi, err := os.Stat(path); err != nil || fi.Size() != int64(len(tc.data)) {
				t.Errorf("file after open: %v %v, want it unchanged", fi, err)
			}
		})
	}
	t.Run("missing", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "veille.db")
		s, err := Open(path, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if err := useAll(s); err != nil {
			t.Fatal(err)
		}
	})
}

// TestPanicOnSoundStoreIsNotDamage checks that a panic of the caller's
// code inside a transaction on a sound store stays a panic, not a store
// reported damaged.
func TestPanicOnSoundStoreIsNotDamage(t *testing.T) {
	s := openTemp(t)
	defer func() {
		if r := recover(); r != "boom" {
			t.Errorf("recovered %v, want the caller's panic", r)
		}
		if err := useAll(s); err != nil {
			t.Errorf("store after the panic: %v", err)
		}
	}()
	s.Update(func(tx *Tx) error { panic("boom") })
	t.Error("the panic did not go on")
}
