package store

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veille-hq/veille/signals"
)

// Opening a store must not leave the pages the freelist rebuild read
// resident in the process: the resident set of a poll would otherwise
// grow with the whole file.
func TestOpenLeavesStoreMostlyNonResident(t *testing.T) {
	path := filepath.Join(t.TempDir(), "veille.db")
	s, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	value := bytes.Repeat([]byte("x"), 1000)
	for batch := range 8 {
		err := s.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(bucketItems)
			for i := range 2000 {
				if err := b.Put(fmt.Appendf(nil, "%d-%06d", batch, i), value); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}

	s, err = Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rss := mappingRSS(t, path)
	t.Logf("store %d KiB, resident in the process after open: %d KiB", st.Size()>>10, rss>>10)
	if rss > st.Size()/4 {
		t.Errorf("after open, %d KiB of the %d KiB store are resident in the process; want under a quarter", rss>>10, st.Size()>>10)
	}
}

// mappingRSS sums the Rss of the process's mappings of path (/proc/self/smaps).
func mappingRSS(t *testing.T, path string) int64 {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Skipf("no /proc/self/smaps: %v", err)
	}
	defer f.Close()
	var total int64
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fields := strings.Fields(line)
		// A mapping's header: an anonymous one has no path (5 fields),
		// and ends the previous mapping all the same.
		if len(fields) >= 5 && strings.Contains(fields[0], "-") && !strings.HasSuffix(fields[0], ":") {
			in = len(fields) >= 6 && fields[len(fields)-1] == path
			continue
		}
		if in && len(fields) == 3 && fields[0] == "Rss:" {
			kb, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			total += kb << 10
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return total
}

// A transaction that reads many scattered records keeps few of the file's
// pages resident: each read maps its page's neighbours too, and reading
// every source state of a store whose source records were rewritten
// between other writes mapped most of the file.
func TestLongReadsStayMostlyNonResident(t *testing.T) {
	path := filepath.Join(t.TempDir(), "veille.db")
	s, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	const sources = 4000
	scatterSources(t, s, sources)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var peak int64
	err = s.View(func(tx *Tx) error {
		n := 0
		return tx.tx.Bucket(bucketSources).ForEach(func(k, v []byte) error {
			tx.read()
			if _, err := decodeSource(k, v); err != nil {
				return err
			}
			if n++; n%500 == 0 {
				peak = max(peak, mappingRSS(t, path))
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("store %d KiB, peak resident while reading %d source states: %d KiB", st.Size()>>10, sources, peak>>10)
	if peak > st.Size()/8 {
		t.Errorf("reading the source states kept %d KiB of the %d KiB store resident; want under an eighth", peak>>10, st.Size()>>10)
	}
}

// scatterSources writes n source states in small commits, each rewriting
// some of them while other buckets grow: the sources' pages end up spread
// over the file, as a cycle's batches leave them.
func scatterSources(t *testing.T, s *Store, n int) {
	t.Helper()
	sources := n
	filler := bytes.Repeat([]byte("y"), 2000)
	for round := range 4 {
		for first := 0; first < sources; first += 100 {
			err := s.Update(func(tx *Tx) error {
				for i := first; i < first+100; i++ {
					src := signals.Source{ID: fmt.Sprintf("feed:%06d", i), Kind: signals.KindFeed, URL: "https://example.com/feed"}
					if err := tx.PutSourceState(src, signals.SourceState{Failures: round, Known: make([]uint64, 40)}); err != nil {
						return err
					}
					if err := tx.tx.Bucket(bucketItems).Put(fmt.Appendf(nil, "%d-%06d", round, i), filler); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
}

// A transaction told to keep its pages does not release them while it
// reads (the release every releaseEvery reads is skipped), and its pages
// are released all the same once it commits.
func TestKeepPagesHoldsUntilCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "veille.db")
	s, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	scatterSources(t, s, 4000)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	var held int64
	err = s.Update(func(tx *Tx) error {
		tx.KeepPages()
		if err := tx.tx.Bucket(bucketSources).ForEach(func(k, v []byte) error {
			tx.read()
			_, err := decodeSource(k, v)
			return err
		}); err != nil {
			return err
		}
		held = mappingRSS(t, path)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	after := mappingRSS(t, path)
	t.Logf("store %d KiB: %d KiB resident at the end of the kept transaction, %d KiB after its commit", st.Size()>>10, held>>10, after>>10)
	if held <= st.Size()/8 {
		t.Errorf("a transaction keeping its pages held %d KiB of the %d KiB store resident; want over an eighth (its reads were released)", held>>10, st.Size()>>10)
	}
	if after > st.Size()/8 {
		t.Errorf("after the commit %d KiB of the %d KiB store stayed resident; want under an eighth", after>>10, st.Size()>>10)
	}
}
