// Package store is veille's one bbolt file: its buckets, the record
// codec, the schema migrations, retention, backup and compaction. Other
// packages see domain operations on signals' types inside a Tx, never
// bbolt, and the file's layout is this package's alone: the JSON shape of
// signals' types (the admin API, the CLI) does not reach it.
package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Buckets, one per concern.
var (
	bucketMeta      = []byte("meta")
	bucketSources   = []byte("sources")   // source id → source record
	bucketItems     = []byte("items")     // source id \x00 item id → item record
	bucketSignals   = []byte("signals")   // lead key \x00 story id → signal record; lead key \x01 story id → the story's print (printKey)
	bucketLeads     = []byte("leads")     // lead key → lead record
	bucketHistory   = []byte("history")   // lead key \x00 YYYY-MM-DD → score
	bucketOutbox    = []byte("outbox")    // big-endian sequence → outbox record
	bucketDigestLog = []byte("digestlog") // rep \x00 lead key \x00 story id → time sent
	bucketTexts     = []byte("texts")     // source id \x00 item id → the item's summary, for a rescan
	allBuckets      = [][]byte{bucketMeta, bucketSources, bucketItems, bucketSignals, bucketLeads, bucketHistory, bucketOutbox, bucketDigestLog, bucketFeedback, bucketTexts}
	keySchema       = []byte("schema")
)

// ErrLocked means another process (a running daemon) holds the store.
var ErrLocked = errors.New("store is locked by another veille process")

// ErrNotFound is returned for an outbox id that does not exist.
var ErrNotFound = errors.New("not found")

// Store is veille's one bbolt file.
type Store struct {
	db   *bolt.DB
	path string
}

// Open opens (creating if needed) the store at path and brings its schema
// up to this build's. A second writer fails within timeout with ErrLocked
// instead of blocking forever. A file that exists is never initialised: an
// empty or short one is refused, and one bbolt cannot read (a damaged page,
// a truncation) gives an error that says so and how to restore it, not a
// crash.
func Open(path string, timeout time.Duration) (*Store, error) {
	if err := checkSize(path); err != nil {
		return nil, err
	}
	// The freelist is written with each commit (bbolt's default) rather
	// than rebuilt at open (NoFreelistSync, etcd's setting): the rebuild
	// reads every page of the file, so each `veille once` and each start
	// mapped the whole store into the process, a peak resident set the
	// size of the file (over 300 MB at 20,000 feeds), and its time grew
	// with the file. The hashmap freelist keeps the per-commit cost low.
	var db *bolt.DB
	err := guard(func() (err error) {
		db, err = bolt.Open(path, 0o600, &bolt.Options{
			Timeout:      timeout,
			FreelistType: bolt.FreelistMapType,
		})
		return err
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("open store %s: %w (a `veille run` daemon probably holds it: use its admin API, or stop it first)", path, ErrLocked)
	}
	if err != nil {
		return nil, openError(path, err)
	}
	s := &Store{db: db, path: path}
	err = guard(func() error {
		if err := s.migrate(); err != nil {
			return err
		}
		return db.View(func(tx *bolt.Tx) error { dropResident(tx); return nil })
	})
	if err != nil {
		err = diagnose(db, path, err)
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close releases the file lock.
func (s *Store) Close() error { return s.db.Close() }

// Path is the store's file.
func (s *Store) Path() string { return s.path }

// Tx is one transaction: the domain operations run inside it, and commit
// or roll back together.
type Tx struct {
	tx      *bolt.Tx
	stories map[string]*leadStories // by lead key: SameStory's
	reads   int
	near    [nearKinds]string // per kind, the key prefix of the last read
	keep    bool              // KeepPages: no release before the commit
}

// releaseEvery is how many accesses to distinct places (record reads and
// writes) a transaction makes between two releases of the pages it mapped
// (dropResident). A record's page is mapped with its neighbours (the
// kernel's fault-around, 64 KB, whatever the map's madvise), and
// pages a store rewrites are scattered over the file: reading the 20,000
// source states of a 360 MB store mapped 290 MB, and 256 accesses between
// releases were up to 16 MB of a 2,000-feed cycle's peak. Releasing in the
// middle of a transaction is safe: its pages do not change until it ends,
// and a read after the release maps them again from the page cache.
const releaseEvery = 64

// Kinds of accesses whose records sit together: a source's items, a
// lead's signals and their prints (printKey). An access with the same
// prefix as the last of its kind lands on a page already mapped, so it
// does not count toward releaseEvery: counting each record released, and faulted in again,
// pages a cycle was still reading (a fifth of a cycle's page faults).
const (
	nearItems = iota
	nearSignals
	nearKinds
)

// read counts a record access and releases the mapped pages every
// releaseEvery.
func (t *Tx) read() {
	t.reads++
	if t.reads%releaseEvery == 0 && !t.keep {
		dropResident(t.tx)
	}
}

// readNear counts an access to a record under prefix, unless the last
// access of its kind was under the same prefix.
func (t *Tx) readNear(kind int, prefix string) {
	if t.near[kind] == prefix {
		return
	}
	t.near[kind] = prefix
	t.read()
}

// KeepPages tells a write transaction to keep the pages it maps until it
// commits, for a bounded transaction that rewrites most of the records it
// reads (a poll cycle's batch of first fetches: every item is new). Its
// commit maps the old page of every node it rewrites, so releasing pages
// in its middle lowers the peak resident set little, and makes the
// transaction fault its buckets' branch pages and leaves in again after
// each release: over 40 % of a first cycle's page faults, and a third of
// the store's CPU time in it (page faults are costly on a virtual
// machine). The pages are released after the commit (Update), as for any
// transaction.
func (t *Tx) KeepPages() { t.keep = true }

// Update runs fn in a write transaction, committed when fn returns nil.
// The pages fn and the commit touched through the memory map are then
// released from the process (dropResident): a cycle's many write
// transactions each read a different part of the file, and kept resident
// they added up to the whole file by the end of a first poll. The commit
// maps the old page of every node it rewrites, scattered over the file,
// so the release runs after it, in a read transaction (the map cannot move
// then); advice only, its failure leaves pages mapped. They stay in the
// page cache. A damaged page the open did not read fails the transaction
// with the same error as a damaged file at open (see guarded).
func (s *Store) Update(fn func(*Tx) error) error {
	return s.guarded(func() error {
		err := s.db.Update(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
		s.db.View(func(tx *bolt.Tx) error { dropResident(tx); return nil })
		return err
	})
}

// View runs fn in a read transaction; nothing read may outlive it, which
// the operations ensure by decoding into fresh values.
func (s *Store) View(fn func(*Tx) error) error {
	return s.guarded(func() error {
		return s.db.View(func(tx *bolt.Tx) error { return fn(&Tx{tx: tx}) })
	})
}

// guarded runs a transaction: a panic or memory fault inside it (a page
// the open did not read is damaged) becomes the store's damaged error, and
// a panic on a sound file goes on as the caller's bug. The transaction is
// rolled back first (bbolt's Update and View do it on a panic).
func (s *Store) guarded(txn func() error) error {
	err := guard(txn)
	var pe panicError
	if errors.As(err, &pe) {
		return diagnose(s.db, s.path, err)
	}
	return err
}

// denseFill is the share of a page bbolt fills before splitting it, for
// the buckets every cycle inserts into at scattered keys (items, signals,
// history). At bbolt's default of one half, those buckets' pages stayed
// about half empty: a file, and resident set, twice the data.
const denseFill = 0.9

// dense returns the bucket name set to split pages at denseFill (the
// setting lasts for the transaction).
func (t *Tx) dense(name []byte) *bolt.Bucket {
	b := t.tx.Bucket(name)
	b.FillPercent = denseFill
	return b
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
