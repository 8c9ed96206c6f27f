package store

import (
	"os"

	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// dropResident tells the kernel the process no longer needs the pages of
// the store's memory map that it has touched: those a migration or a
// write transaction read, and at the first open of a store written
// without a freelist, every page (bbolt rebuilds the freelist by reading
// the whole file). Kept, they add up to the whole file (a 128 MB store:
// 117 MB resident) although a cycle reads a fraction of it at a time. The
// pages stay in the page cache; a later read maps them again. Writes go
// through the file, not the map, so no data is at stake.
func dropResident(db *bolt.DB) {
	st, err := os.Stat(db.Path())
	if err != nil || st.Size() == 0 {
		return
	}
	// A raw madvise: the map's address comes from bbolt as a uintptr, and
	// turning it back into a slice is what unsafe rules forbid.
	// Advice only: a failure leaves the pages mapped, nothing worse.
	unix.Syscall(unix.SYS_MADVISE, db.Info().Data, uintptr(st.Size()), unix.MADV_DONTNEED)
}
