package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

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
	n, err := WriteFileAtomic(path, pr)
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
	out, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: timeout, FreelistType: bolt.FreelistMapType})
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

// WriteFileAtomic copies r into path through a temp file and rename, so a
// failed copy never leaves a truncated file behind.
func WriteFileAtomic(path string, r io.Reader) (int64, error) {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	n, err := io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return 0, fmt.Errorf("write %s: %w", path, err)
	}
	return n, nil
}
