package deliver

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
	"github.com/veille-hq/veille/store"
)

// storeOutbox is the outbox of a store, as the watcher offers it.
type storeOutbox struct{ st *store.Store }

func (o storeOutbox) Outbox() (es []store.OutboxEntry, err error) {
	err = o.st.View(func(tx *store.Tx) error { es, err = tx.Outbox(); return err })
	return es, err
}

func (o storeOutbox) MarkSent(id uint64) error {
	return o.st.Update(func(tx *store.Tx) error { return tx.MarkSent(id) })
}

func (o storeOutbox) MarkFailed(id uint64, sendErr error, permanent bool, now time.Time) (e store.OutboxEntry, err error) {
	err = o.st.Update(func(tx *store.Tx) error { e, err = tx.MarkFailed(id, sendErr, permanent, now); return err })
	return e, err
}

type senderFunc func(signals.Message) error

func (f senderFunc) Send(_ context.Context, m signals.Message) error { return f(m) }

// sendErr is a send failure: temporary or not, of the server (down) or
// of the message.
type sendErr struct{ temp, down bool }

func (e sendErr) Error() string     { return "smtp says no" }
func (e sendErr) Temporary() bool   { return e.temp }
func (e sendErr) Unreachable() bool { return e.down }

// TestUnreachableServerEndsTheDrain: one failure of the server itself
// (no reply) ends the drain after one attempt; a 4xx for one message
// does not stop the others.
func TestUnreachableServerEndsTheDrain(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "veille.db"), time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	for range 3 {
		st.Update(func(tx *store.Tx) error { _, err := tx.Enqueue(signals.Message{Rep: "alice"}, now); return err })
	}
	var calls int
	var reply sendErr
	d := New(storeOutbox{st}, Options{Send: true, Now: func() time.Time { return now },
		Sender: senderFunc(func(signals.Message) error { calls++; return reply })})
	for _, tc := range []struct {
		name      string
		reply     sendErr
		wantCalls int
	}{
		{"server down", sendErr{temp: true, down: true}, 1},
		{"4xx for each message", sendErr{temp: true}, 3},
	} {
		calls, reply = 0, tc.reply
		now = now.Add(time.Hour) // every message due again
		sent, failed, err := d.Drain(context.Background())
		if err != nil || sent != 0 || failed != tc.wantCalls || calls != tc.wantCalls {
			t.Errorf("%s: %d send attempts, sent %d, failed %d, err %v; want %d attempts", tc.name, calls, sent, failed, err, tc.wantCalls)
		}
	}
}
