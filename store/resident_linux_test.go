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
