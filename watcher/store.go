// Package watcher is the daemon: the poll cycle, the bbolt store (the only
// package that touches it), dedup across sources, digests as data, the
// outbox and its sender loop. It renders no email and speaks no SMTP: the
// interfaces it needs are declared here and wired in by cmd/veille.
package watcher

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// SchemaVersion is the store layout this build reads and writes.
const SchemaVersion = 1

// Buckets, one per concern (DESIGN.md "Store").
var (
	bucketMeta      = []byte("meta")
	bucketSources   = []byte("sources")   // source id → sourceRecord
	bucketItems     = []byte("items")     // source id \x00 item id → itemRecord
	bucketSignals   = []byte("signals")   // lead key \x00 story id → signals.Signal
	bucketLeads     = []byte("leads")     // lead key → signals.Lead
	bucketHistory   = []byte("history")   // lead key \x00 YYYY-MM-DD → score
	bucketOutbox    = []byte("outbox")    // big-endian sequence → OutboxEntry
	bucketDigestLog = []byte("digestlog") // rep \x00 lead key \x00 story id → time sent
	allBuckets      = [][]byte{bucketMeta, bucketSources, bucketItems, bucketSignals, bucketLeads, bucketHistory, bucketOutbox, bucketDigestLog}
	keySchema       = []byte("schema")
)

// ErrLocked means another process (a running daemon) holds the store.
var ErrLocked = errors.New("store is locked by another veille process")

// Store is veille's one bbolt file.
type Store struct {
	db   *bolt.DB
	path string
}

// Open opens (creating if needed) the store at path. A second writer fails
// within timeout with ErrLocked instead of blocking forever.
func Open(path string, timeout time.Duration) (*Store, error) {
	// NoFreelistSync with the hashmap freelist is etcd's setting against
	// freelist-corruption panics (bbolt#446). Its cost: each open rebuilds
	// the freelist by reading every page, which dropResident undoes.
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        timeout,
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: %w (a `veille run` daemon probably holds it: use its admin API, or stop it first)", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	s := &Store{db: db, path: path}
	if err := s.migrate(); err != nil {
		db.Close()
		return nil, err
	}
	dropResident(db)
	return s, nil
}

// migrate creates missing buckets and refuses a store written by a newer
// build, so an old binary cannot corrupt newer data after a downgrade.
func (s *Store) migrate() error {
	return s.db.Update(func(tx *bolt.Tx) error {
		for _, b := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return fmt.Errorf("store %s: create bucket %s: %w", s.path, b, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		v := meta.Get(keySchema)
		if v == nil {
			return meta.Put(keySchema, u64(SchemaVersion))
		}
		if got := binary.BigEndian.Uint64(v); got > SchemaVersion {
			return fmt.Errorf("store %s has schema %d, newer than this build's %d: upgrade veille", s.path, got, SchemaVersion)
		}
		return meta.Put(keySchema, u64(SchemaVersion))
	})
}

// Close releases the file lock.
func (s *Store) Close() error { return s.db.Close() }

// Path is the store's file.
func (s *Store) Path() string { return s.path }

// Backup writes a consistent copy of the store to w while it stays usable.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	return n, err
}

// BackupFile writes a consistent copy to path.
func (s *Store) BackupFile(path string) (int64, error) {
	pr, pw := io.Pipe()
	go func() {
		_, err := s.Backup(pw)
		pw.CloseWithError(err)
	}()
	n, err := writeFileAtomic(path, pr)
	pr.CloseWithError(err)
	if err != nil {
		return 0, fmt.Errorf("backup %s: %w", s.path, err)
	}
	return n, nil
}

// Compact rewrites the store at src into a fresh file and replaces it; the
// store must not be open (bbolt files never shrink on their own).
func Compact(src string, timeout time.Duration) (before, after int64, err error) {
	st, err := os.Stat(src)
	if err != nil {
		return 0, 0, fmt.Errorf("compact %s: %w", src, err)
	}
	in, err := bolt.Open(src, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: true})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return 0, 0, fmt.Errorf("compact %s: %w (stop the daemon first)", src, ErrLocked)
	}
	if err != nil {
		return 0, 0, fmt.Errorf("compact %s: %w", src, err)
	}
	defer in.Close()
	tmp := src + ".compact"
	os.Remove(tmp)
	out, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: timeout, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return 0, 0, fmt.Errorf("compact %s: %w", src, err)
	}
	if err := bolt.Compact(out, in, 1<<20); err != nil {
		out.Close()
		os.Remove(tmp)
		return 0, 0, fmt.Errorf("compact %s: %w", src, err)
	}
	if err := out.Close(); err != nil {
		return 0, 0, fmt.Errorf("compact %s: %w", src, err)
	}
	nst, err := os.Stat(tmp)
	if err != nil {
		return 0, 0, fmt.Errorf("compact %s: %w", src, err)
	}
	if err := os.Rename(tmp, src); err != nil {
		return 0, 0, fmt.Errorf("compact %s: %w", src, err)
	}
	return st.Size(), nst.Size(), nil
}

func u64(v uint64) []byte {
	b := make([]byte, 8)
	binary.BigEndian.PutUint64(b, v)
	return b
}

func key(parts ...string) []byte {
	n := 0
	for _, p := range parts {
		n += len(p) + 1
	}
	b := make([]byte, 0, n)
	for i, p := range parts {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, p...)
	}
	return b
}

// denseFill is the share of a page bbolt fills before splitting it, for
// the buckets every cycle inserts into at scattered keys (items, signals,
// history). At bbolt's default of one half, those buckets' pages stayed
// about half empty: a file, and resident set, twice the data.
const denseFill = 0.9

// dense returns tx's bucket name set to split pages at denseFill (the
// setting lasts for the transaction).
func dense(tx *bolt.Tx, name []byte) *bolt.Bucket {
	b := tx.Bucket(name)
	b.FillPercent = denseFill
	return b
}

func putJSON(b *bolt.Bucket, k []byte, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode %q: %w", k, err)
	}
	return b.Put(k, data)
}

// getJSON decodes the value at k; found is false when there is none. The
// value is decoded inside the transaction, so nothing outlives it.
func getJSON(b *bolt.Bucket, k []byte, v any) (found bool, err error) {
	data := b.Get(k)
	if data == nil {
		return false, nil
	}
	if err := json.Unmarshal(data, v); err != nil {
		return true, fmt.Errorf("decode %q: %w", k, err)
	}
	return true, nil
}
