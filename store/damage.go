package store

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"runtime/debug"
	"strings"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// minFileSize is the smallest file bbolt writes for a new store: two meta
// pages, a freelist and a root page of 4 KiB, the smallest page size of
// the systems veille runs on. A shorter file was cut or emptied: opening
// it would reset an empty one, and every lead's alerts would go out again.
const minFileSize = 4 * 4096

// damagedError says the store's file cannot be read as a bbolt file.
type damagedError struct {
	path, cause string
}

func (e *damagedError) Error() string {
	// One line: the command prints it as it is.
	cause := strings.Join(strings.Fields(e.cause), " ")
	return fmt.Sprintf("store %s is damaged (%s): %s", e.path, cause, restoreHint(e.path))
}

func restoreHint(path string) string {
	return fmt.Sprintf("restore the last backup with `cp BACKUP %s` (see README Backup and restore), or move it away to start empty", path)
}

// checkSize refuses a file that exists but is too short to be a store.
func checkSize(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil // a new store
	}
	if err != nil {
		return fmt.Errorf("open store %s: %w", path, err)
	}
	if fi.Mode().IsRegular() && fi.Size() < minFileSize {
		return fmt.Errorf("store %s is empty or truncated (%d bytes): %s", path, fi.Size(), restoreHint(path))
	}
	return nil
}

// panicError is a panic, or a memory fault on a page of the map, turned
// into an error by guard.
type panicError struct{ v any }

func (e panicError) Error() string { return fmt.Sprint("panic: ", e.v) }

// guard runs fn and returns a panic as a panicError. Reading a damaged
// file faults on the memory map (a page number past the end, a page cut
// off by a truncation) or panics inside bbolt; with SetPanicOnFault the
// fault is a panic of this goroutine, which recover catches, instead of a
// crash of the process.
func guard(fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = panicError{r}
		}
	}()
	return fn()
}

// openError tells whether bolt.Open failed on the file's content.
func openError(path string, err error) error {
	var pe panicError
	switch {
	case errors.As(err, &pe):
		return &damagedError{path, pe.Error()}
	case errors.Is(err, bolterrors.ErrInvalid), errors.Is(err, bolterrors.ErrChecksum), errors.Is(err, bolterrors.ErrVersionMismatch):
		return &damagedError{path, err.Error()}
	}
	return fmt.Errorf("open store %s: %w", path, err)
}

// diagnose runs after a read of the open store failed or panicked with
// err: a damaged file gives a damagedError, else err is returned as it was.
func diagnose(db *bolt.DB, path string, err error) error {
	if cause := check(db); cause != nil {
		return &damagedError{path, cause.Error()}
	}
	var pe panicError
	if errors.As(err, &pe) {
		panic(pe.v) // the file is sound: a bug of the caller, not damage
	}
	return err
}

// check reads every page of the store: first every key and value of
// every bucket, and every key of the branch pages above them (a search for
// each key compares it with its neighbours there), on this goroutine, where
// guard catches a fault; then bbolt's own consistency check (pages
// referenced twice, freed pages in use, keys out of order), which runs on
// a goroutine of its own and so only once the walk has shown every page it
// reads can be read.
func check(db *bolt.DB) error {
	return guard(func() error {
		return db.View(func(tx *bolt.Tx) error {
			if err := walk(tx.Cursor(), tx.Bucket); err != nil {
				return err
			}
			// Drained to the end: the check reads the transaction's pages
			// until its channel closes.
			var first error
			for err := range tx.Check() {
				if first == nil {
					first = err
				}
			}
			return first
		})
	})
}

// touched keeps the bytes walk reads, so that reading them is not
// optimised away.
var touched byte

// walk reads every record under c, then the nested buckets' (nested
// returns a key's bucket).
func walk(c *bolt.Cursor, nested func(k []byte) *bolt.Bucket) error {
	var sum byte
	for k, v := c.First(); k != nil; k, v = c.Next() {
		for _, x := range k {
			sum += x
		}
		for _, x := range v {
			sum += x
		}
		if found, _ := c.Seek(k); !bytes.Equal(found, k) {
			return fmt.Errorf("key %x is not found by a search: keys out of order", k)
		}
		if v == nil {
			if b := nested(k); b != nil {
				if err := walk(b.Cursor(), b.Bucket); err != nil {
					return err
				}
			}
		}
	}
	touched += sum
	return nil
}
