package store

import (
	"bytes"
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the store layout this build reads and writes.
const SchemaVersion = 5

// migrations[v] upgrades a store of schema v to v+1, inside the
// transaction that then records the new version: a migration that fails
// leaves the store as it was.
var migrations = map[uint64]func(*bolt.Tx) error{
	1: migrateV1,
	// Schema 3 adds to a signal the count of outlets beyond those it
	// keeps, written only when there are some: every schema 2 record reads
	// as it is. The version still changes, so that a build of schema 2
	// refuses a store whose records it would fail to read.
	2: func(*bolt.Tx) error { return nil },
	// Schema 4 adds the texts and prints buckets, which migrate creates
	// empty: items and stories stored before keep their titles alone. A
	// build of schema 3 would neither fill nor prune them.
	3: func(*bolt.Tx) error { return nil },
	// Schema 5 keeps each story's print in the signals bucket, beside its
	// signal (printKey), and drops the prints bucket.
	4: migrateV4,
}

// bucketPrintsV4 is schema 4's bucket of story prints, under the signal's
// key (lead key \x00 story id).
var bucketPrintsV4 = []byte("prints")

// migrateV4 moves every print of the prints bucket into the signals
// bucket under its printKey, and deletes the prints bucket. A store
// upgraded from schema 3 by this build has none.
func migrateV4(tx *bolt.Tx) error {
	prints := tx.Bucket(bucketPrintsV4)
	if prints == nil {
		return nil
	}
	sigs := tx.Bucket(bucketSignals)
	sigs.FillPercent = denseFill
	n := 0
	err := prints.ForEach(func(k, v []byte) error {
		lead, story, ok := splitSignalKey(k)
		if !ok || v == nil {
			return fmt.Errorf("print %q: %w: no story id, or a record marked as a bucket", k, errCorrupt)
		}
		if n++; n%rewriteBatch == 0 {
			dropResident(tx)
		}
		return sigs.Put(printKey(lead, story), bytes.Clone(v))
	})
	if err != nil {
		return err
	}
	return tx.DeleteBucket(bucketPrintsV4)
}

// migrate creates missing buckets, runs the migrations from the store's
// schema up to SchemaVersion, and refuses a store written by a newer
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
			return meta.Put(keySchema, u64(SchemaVersion)) // a new store
		}
		got := binary.BigEndian.Uint64(v)
		if got > SchemaVersion {
			return fmt.Errorf("store %s has schema %d, newer than this build's %d: upgrade veille", s.path, got, SchemaVersion)
		}
		for ; got < SchemaVersion; got++ {
			m, ok := migrations[got]
			if !ok {
				return fmt.Errorf("store %s has schema %d, which this build cannot upgrade", s.path, got)
			}
			if err := m(tx); err != nil {
				return fmt.Errorf("store %s: upgrade schema %d to %d: %w (the file is unchanged)", s.path, got, got+1, err)
			}
		}
		return meta.Put(keySchema, u64(SchemaVersion))
	})
}

// rewriteBatch bounds how many records a rewrite reads before it writes
// them back: a cursor must not see the bucket change under it.
const rewriteBatch = 1000

// rewrite replaces every value of bucket by conv's; conv returning nil
// deletes the record.
func rewrite(tx *bolt.Tx, bucket []byte, conv func(k, v []byte) ([]byte, error)) error {
	b := tx.Bucket(bucket)
	b.FillPercent = denseFill
	var after []byte
	for {
		type kv struct{ k, v []byte }
		var batch []kv
		c := b.Cursor()
		k, v := c.First()
		if after != nil {
			k, v = c.Seek(after)
			if bytes.Equal(k, after) {
				k, v = c.Next()
			}
		}
		for ; k != nil && len(batch) < rewriteBatch; k, v = c.Next() {
			nv, err := conv(k, v)
			if err != nil {
				return err
			}
			batch = append(batch, kv{bytes.Clone(k), nv})
		}
		if len(batch) == 0 {
			return nil
		}
		for _, r := range batch {
			var err error
			if r.v == nil {
				err = b.Delete(r.k)
			} else {
				err = b.Put(r.k, r.v)
			}
			if err != nil {
				return err
			}
		}
		after = batch[len(batch)-1].k
		dropResident(tx)
	}
}
