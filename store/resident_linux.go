package store

import (
	bolt "go.etcd.io/bbolt"
	"golang.org/x/sys/unix"
)

// dropResident tells the kernel the process no longer needs the pages of
// the store's memory map that it has touched: those a migration or a
// transaction read, and at the first open of a store written without a
// freelist, every page (bbolt rebuilds the freelist by reading the whole
// file). Kept, they add up to the whole file (a 128 MB store: 117 MB
// resident) although a cycle reads a fraction of it at a time. The pages
// stay in the page cache; a later read maps them again. Writes go through
// the file, not the map, so no data is at stake.
//
// It runs inside a transaction, over the pages that transaction can see:
// the map cannot move then (bbolt remaps only when a writer commits, and
// waits for readers), and it covers at least those pages. The file may be
// longer than the map (bbolt grows it ahead), so the file's size is not a
// bound: advice past the map would land on whatever memory follows it.
func dropResident(tx *bolt.Tx) {
	size := tx.Size()
	if size == 0 {
		return
	}
	// A raw madvise: the map's address comes from bbolt as a uintptr, and
	// turning it back into a slice is what unsafe rules forbid.
	// Advice only: a failure leaves the pages mapped, nothing worse.
	unix.Syscall(unix.SYS_MADVISE, tx.DB().Info().Data, uintptr(size), unix.MADV_DONTNEED)
}
