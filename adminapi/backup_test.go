package adminapi

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/internal/logbuf"
	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// storeBackend serves backups from a real store.
type storeBackend struct {
	fakeBackend
	s *store.Store
}

func (b *storeBackend) Backup(w io.Writer) (int64, error) { return b.s.Backup(w) }

// fill adds mib items of 1 MiB each to s in one transaction.
func fill(t *testing.T, s *store.Store, prefix string, mib int) {
	t.Helper()
	if err := put(s, prefix, mib); err != nil {
		t.Fatal(err)
	}
}

func put(s *store.Store, prefix string, mib int) error {
	title := strings.Repeat("x", 1<<20)
	return s.Update(func(tx *store.Tx) error {
		for i := range mib {
			if err := tx.PutItem(signals.Item{SourceID: "big", GUID: fmt.Sprintf("%s-%d", prefix, i), Title: title}, t0); err != nil {
				return err
			}
		}
		return nil
	})
}

// stalledBackup asks addr for /api/backup, reads the reply's headers and
// then never reads again, like a client stuck on a dead link. The
// connection closes with the test.
func stalledBackup(t *testing.T, addr, token string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "GET /api/backup HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n\r\n", addr, token)
	conn.SetReadDeadline(time.Now().Add(60 * time.Second))
	r := bufio.NewReaderSize(conn, 4096)
	var head bytes.Buffer
	for !bytes.HasSuffix(head.Bytes(), []byte("\r\n\r\n")) {
		b, err := r.ReadByte()
		if err != nil {
			t.Fatalf("backup reply headers: %v (read %q)", err, head.String())
		}
		head.WriteByte(b)
	}
	if !strings.HasPrefix(head.String(), "HTTP/1.1 200") {
		t.Fatalf("backup reply: %q", head.String())
	}
}

// TestStalledBackupDoesNotBlockCommits: while a client that stopped reading
// holds a backup of a 48 MiB store, a commit that grows the file past its
// memory map (which waits for every read transaction) still completes.
func TestStalledBackupDoesNotBlockCommits(t *testing.T) {
	s, err := store.Open(filepath.Join(t.TempDir(), "veille.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	// A cleanup, not a defer: Close waits for read transactions, so it runs
	// after the stalled client's connection is closed.
	t.Cleanup(func() { s.Close() })
	fill(t, s, "before", 48) // more than the loopback socket buffers hold
	c := serve(t, &storeBackend{s: s})
	stalledBackup(t, strings.TrimPrefix(c.base, "http://"), testToken)

	start := time.Now()
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := put(s, "during", 64); err != nil {
			t.Error(err)
		}
	}()
	select {
	case <-done:
		t.Logf("64 MiB commit beside a stalled backup client: %s", time.Since(start).Round(time.Millisecond))
	case <-time.After(30 * time.Second):
		t.Fatal("a commit growing the store waited on the stalled backup client")
	}
}

// TestBackupWriteDeadline: a backup sent to a client that stopped reading
// ends at the backup's write deadline, and a normal client still gets the
// whole copy.
func TestBackupWriteDeadline(t *testing.T) {
	s, err := store.Open(filepath.Join(t.TempDir(), "veille.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	// A cleanup, not a defer: Close waits for read transactions, so it runs
	// after the stalled client's connection is closed.
	t.Cleanup(func() { s.Close() })
	fill(t, s, "before", 48)
	var logs logbuf.Buffer
	c := serve(t, &storeBackend{s: s}, func(o *Options) {
		o.BackupWriteTimeout = 300 * time.Millisecond
		o.Log = slog.New(slog.NewTextHandler(&logs, nil))
	})
	stalledBackup(t, strings.TrimPrefix(c.base, "http://"), testToken)
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(logs.String(), "sending stopped") {
		if time.Now().After(deadline) {
			t.Fatalf("the stalled backup was never cut off; logs:\n%s", logs.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if strings.Contains(logs.String(), testToken) {
		t.Error("the logs hold the admin token")
	}
	c = serve(t, &storeBackend{s: s}) // the default deadline
	req, _ := http.NewRequest("GET", c.base+"/api/backup", nil)
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || n < 48<<20 || resp.ContentLength != n {
		t.Errorf("backup to a reading client: %d bytes (Content-Length %d), %v", n, resp.ContentLength, err)
	}
}
