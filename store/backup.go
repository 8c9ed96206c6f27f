package store

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Backup writes a consistent copy of the store to w while it stays usable.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.guarded(func() error {
		return s.db.View(func(tx *bolt.Tx) error {
			var err error
			n, err = tx.WriteTo(w)
			return err
		})
	})
	return n, err
}

// BackupFile writes a consistent copy to path, which must not be the store
// itself.
func (s *Store) BackupFile(path string) (int64, error) {
	if err := CheckBackupTarget(s.path, path); err != nil {
		return 0, err
	}
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
	if err := checkSize(src); err != nil {
		return 0, 0, err
	}
	var in *bolt.DB
	err = guard(func() (err error) {
		in, err = bolt.Open(src, 0o600, &bolt.Options{Timeout: timeout, ReadOnly: true})
		return err
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return 0, 0, fmt.Errorf("compact %s: %w (stop the daemon first)", src, ErrLocked)
	}
	if err != nil {
		return 0, 0, openError(src, err)
	}
	defer in.Close()
	// Compacting reads every page: a damaged one is reported as the
	// store's damage, and the store is left as it was. The check walks the
	// pages first, as bbolt's own walk may meet a damaged one where no
	// recover can (a race build's pointer checks are fatal errors).
	if cause := check(in); cause != nil {
		return 0, 0, &damagedError{src, cause.Error()}
	}
	tmp := src + ".compact"
	os.Remove(tmp)
	out, err := bolt.Open(tmp, 0o600, &bolt.Options{Timeout: timeout, FreelistType: bolt.FreelistMapType})
	if err != nil {
		return 0, 0, fmt.Errorf("compact %s: %w", src, err)
	}
	if err := guard(func() error { return bolt.Compact(out, in, 1<<20) }); err != nil {
		out.Close()
		os.Remove(tmp)
		var pe panicError
		if errors.As(err, &pe) {
			return 0, 0, diagnose(in, src, err)
		}
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

// ErrBackupOntoStore refuses a backup whose target is the store file:
// renaming the copy over it would replace the file under the daemon.
var ErrBackupOntoStore = errors.New("the backup target is the store itself")

// CheckBackupTarget refuses out when it names the store at storePath: the
// same cleaned absolute path, a symlink or hard link to it, or a path
// through a symlinked folder.
func CheckBackupTarget(storePath, out string) error {
	refuse := fmt.Errorf("backup --out %s: %w (%s): choose another file", out, ErrBackupOntoStore, storePath)
	a, errA := filepath.Abs(storePath)
	b, errB := filepath.Abs(out)
	if errA == nil && errB == nil && a == b {
		return refuse
	}
	if ra, err := filepath.EvalSymlinks(storePath); err == nil {
		if rb, err := filepath.EvalSymlinks(out); err == nil && ra == rb {
			return refuse
		}
	}
	sa, errA := os.Stat(storePath)
	sb, errB := os.Stat(out)
	if errA == nil && errB == nil && os.SameFile(sa, sb) {
		return refuse
	}
	return nil
}

// WriteFileAtomic copies r into path through a temp file and rename, so a
// failed copy never leaves a truncated file behind. The temp file is new
// (O_EXCL, never a planted file or symlink), private (0600) and has a
// random name in path's folder.
func WriteFileAtomic(path string, r io.Reader) (int64, error) {
	f, tmp, err := createTemp(filepath.Dir(path), filepath.Base(path))
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

// createTemp creates dir/.base.RANDOM.tmp with O_EXCL and, where the
// platform has it, O_NOFOLLOW, mode 0600.
func createTemp(dir, base string) (*os.File, string, error) {
	for range 10 {
		var r [8]byte
		rand.Read(r[:])
		name := filepath.Join(dir, "."+base+"."+hex.EncodeToString(r[:])+".tmp")
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|oNoFollow, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, name, err
	}
	return nil, "", fmt.Errorf("no free temp file name in %s", dir)
}
