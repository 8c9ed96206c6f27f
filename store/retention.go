package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// pruneBatch bounds the keys deleted per write transaction, so pruning a
// large store never holds the writer lock for long.
const pruneBatch = 1000

// Pruned counts what Prune removed.
type Pruned struct{ Items, Signals, History, DigestLog int }

// Prune deletes items (with their texts), signals (with their prints),
// history points and digest-log entries older than the retention, in small transactions. History days are days
// in loc, the zone they were recorded in.
func (s *Store) Prune(retention time.Duration, now time.Time, loc *time.Location) (Pruned, error) {
	var p Pruned
	cutoff := now.Add(-retention)
	day := Day(cutoff, loc)
	steps := []struct {
		bucket []byte
		also   func(tx *bolt.Tx, k []byte) error // deletes a record that goes with k's
		n      *int
		old    func(k, v []byte) bool
	}{
		{bucketItems, func(tx *bolt.Tx, k []byte) error { return deleteRecord(tx.Bucket(bucketTexts), k) }, &p.Items, func(_, v []byte) bool {
			seen, err := itemFirstSeen(v)
			return err == nil && seen.Before(cutoff)
		}},
		{bucketSignals, deletePrint, &p.Signals, func(k, v []byte) bool {
			if isPrintKey(k) {
				return false // goes with its signal
			}
			sb, err := decodeStoryBrief(k, v)
			return err == nil && sb.FirstSeen.Before(cutoff)
		}},
		{bucketHistory, nil, &p.History, func(k, _ []byte) bool {
			return len(k) >= 10 && string(k[len(k)-10:]) < day
		}},
		{bucketDigestLog, nil, &p.DigestLog, func(_, v []byte) bool {
			sent, n := binary.Varint(v)
			return n > 0 && time.Unix(sent, 0).Before(cutoff)
		}},
	}
	for _, st := range steps {
		var after []byte // resume point: the scan continues where the last batch stopped
		for {
			done := true
			err := s.guarded(func() error {
				return s.db.Update(func(tx *bolt.Tx) error {
					c := tx.Bucket(st.bucket).Cursor()
					k, v := c.First()
					if after != nil {
						k, v = c.Seek(after)
					}
					var doomed [][]byte
					for ; k != nil; k, v = c.Next() {
						if len(doomed) == pruneBatch {
							after, done = append([]byte(nil), k...), false
							break
						}
						if st.old(k, v) {
							doomed = append(doomed, append([]byte(nil), k...))
						}
					}
					b := tx.Bucket(st.bucket)
					for _, k := range doomed {
						if err := deleteRecord(b, k); err != nil {
							return err
						}
						if st.also != nil {
							if err := st.also(tx, k); err != nil {
								return err
							}
						}
					}
					*st.n += len(doomed)
					return nil
				})
			})
			if err != nil {
				return p, fmt.Errorf("prune %s in %s: %w", st.bucket, s.path, err)
			}
			if done {
				break
			}
		}
	}
	return p, nil
}

// deletePrint deletes the print of the signal whose key is k.
func deletePrint(tx *bolt.Tx, k []byte) error {
	lead, story, ok := splitSignalKey(k)
	if !ok {
		return nil
	}
	return deleteRecord(tx.Bucket(bucketSignals), printKey(lead, story))
}

// deleteRecord deletes k from b. A key that reads as a nested bucket is a
// damaged record: the store holds no nested buckets.
func deleteRecord(b *bolt.Bucket, k []byte) error {
	err := b.Delete(k)
	if errors.Is(err, bolterrors.ErrIncompatibleValue) {
		return fmt.Errorf("delete %q: %w: a record marked as a bucket", k, errCorrupt)
	}
	return err
}
