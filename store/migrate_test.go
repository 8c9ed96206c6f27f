package store

import (
	"encoding/binary"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veille-hq/veille/signals"
)

// schema1Dump is testdata/schema1.json: the fixture's records as the
// schema-1 code read them back.
type schema1Dump struct {
	Sources map[string]struct {
		Source signals.Source      `json:"source"`
		State  signals.SourceState `json:"state"`
	} `json:"sources"`
	Items map[string]struct {
		signals.Item
		FirstSeen time.Time `json:"first_seen"`
	} `json:"items"`
	Signals   map[string]signals.Signal `json:"signals"`
	Leads     map[string]signals.Lead   `json:"leads"`
	History   map[string]float64        `json:"history"`
	Outbox    []OutboxEntry             `json:"outbox"`
	DigestLog map[string]string         `json:"digestlog"`
	Meta      map[string]string         `json:"meta"`
}

// A store written by schema 1 opens upgraded, and every record reads back
// as the schema-1 code read it.
func TestOpenUpgradesSchema1(t *testing.T) {
	data, err := os.ReadFile("testdata/schema1.db")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "veille.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var want schema1Dump
	js, err := os.ReadFile("testdata/schema1.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(js, &want); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	err = s.View(func(tx *Tx) error {
		if v := tx.tx.Bucket(bucketMeta).Get(keySchema); binary.BigEndian.Uint64(v) != SchemaVersion {
			t.Errorf("schema after open = %x, want %d", v, SchemaVersion)
		}
		if got := tx.ScoredMark(); got != want.Meta["scored"] {
			t.Errorf("scored mark %q, want %q", got, want.Meta["scored"])
		}
		if got := tx.ReportDay(); got != want.Meta["health_day"] || got == "" {
			t.Errorf("report day %q, want %q", got, want.Meta["health_day"])
		}

		n := 0
		tx.tx.Bucket(bucketSources).ForEach(func(k, v []byte) error {
			n++
			r, err := decodeSource(k, v)
			w := want.Sources[string(k)]
			if err != nil || !reflect.DeepEqual(r.Source, w.Source) || !sameJSON(r.State, w.State) {
				t.Errorf("source %s:\n got %+v, %v\nwant %+v", k, r, err, w)
			}
			return nil
		})
		states, err := tx.SourceStates()
		if err != nil || n != len(want.Sources) || len(states) != n || n == 0 {
			t.Errorf("%d sources (%d states, %v), want %d", n, len(states), err, len(want.Sources))
		}

		n = 0
		tx.tx.Bucket(bucketItems).ForEach(func(k, v []byte) error {
			n++
			r, err := decodeItem(k, v)
			w := want.Items[string(k)]
			if err != nil || !sameJSON(r.Item, w.Item) || !r.FirstSeen.Equal(w.FirstSeen) {
				t.Errorf("item %q:\n got %+v, %v\nwant %+v", k, r, err, w)
			}
			if !tx.HasItem(r.SourceID, r.ID()) {
				t.Errorf("HasItem(%s, %s) = false", r.SourceID, r.ID())
			}
			return nil
		})
		if n != len(want.Items) || n == 0 {
			t.Errorf("%d items, want %d", n, len(want.Items))
		}

		n = 0
		for lk, wl := range want.Leads {
			l, found, err := tx.Lead(lk)
			if err != nil || !found || !reflect.DeepEqual(l, normLead(wl)) {
				t.Errorf("lead %q:\n got %+v, %v, %v\nwant %+v", lk, l, found, err, wl)
			}
			sigs, err := tx.LeadSignals(lk)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range sigs {
				n++
				if w := want.Signals[string(key(lk, s.ID))]; !sameJSON(s, w) {
					t.Errorf("signal %s:\n got %+v\nwant %+v", s.ID, s, w)
				}
			}
		}
		if n != len(want.Signals) || n == 0 {
			t.Errorf("%d signals, want %d", n, len(want.Signals))
		}

		n = 0
		tx.tx.Bucket(bucketHistory).ForEach(func(k, v []byte) error {
			n++
			d := decoder{b: v}
			if got := d.tenths(); d.end() != nil || got != want.History[string(k)] {
				t.Errorf("history %q = %v, want %v", k, got, want.History[string(k)])
			}
			return nil
		})
		if n != len(want.History) || n == 0 {
			t.Errorf("%d history points, want %d", n, len(want.History))
		}

		out, err := tx.Outbox()
		if err != nil || !sameJSON(out, want.Outbox) {
			t.Errorf("outbox:\n got %+v, %v\nwant %+v", out, err, want.Outbox)
		}
		var statuses []string
		for _, e := range out {
			statuses = append(statuses, e.Status)
		}
		if !reflect.DeepEqual(statuses, []string{StatusFailed, StatusPending, StatusPending, StatusPending}) {
			t.Errorf("outbox statuses %v", statuses)
		}

		n = 0
		tx.tx.Bucket(bucketDigestLog).ForEach(func(k, v []byte) error {
			n++
			sent, _ := binary.Varint(v)
			if w, _ := time.Parse(time.RFC3339, want.DigestLog[string(k)]); !time.Unix(sent, 0).Equal(w) {
				t.Errorf("digest log %q = %v, want %v", k, time.Unix(sent, 0), w)
			}
			return nil
		})
		if n != len(want.DigestLog) || n == 0 {
			t.Errorf("%d digest log entries, want %d", n, len(want.DigestLog))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Upgraded once: a second open finds schema 2 and rewrites nothing.
	s.Close()
	before, _ := os.ReadFile(path)
	s, err = Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	after, _ := os.ReadFile(path)
	if len(after) != len(before) {
		t.Errorf("second open changed the file: %d bytes, then %d", len(before), len(after))
	}
}

// A store from a newer build is refused, and left as it was.
func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "veille.db")
	s, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keySchema, u64(SchemaVersion+1)) })
	s.Close()
	if _, err := Open(path, time.Second); err == nil {
		t.Fatal("a newer schema opened")
	}
}

// sameJSON compares what two values say, not how their times are zoned.
func sameJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	var va, vb any
	json.Unmarshal(ja, &va)
	json.Unmarshal(jb, &vb)
	return reflect.DeepEqual(normTimes(va), normTimes(vb))
}

func normTimes(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = normTimes(e)
		}
	case []any:
		for i, e := range x {
			x[i] = normTimes(e)
		}
	case string:
		if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return t.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}

func normLead(l signals.Lead) signals.Lead {
	l.LastSignalAt = l.LastSignalAt.UTC()
	if l.Why == nil {
		l.Why = []signals.Contribution{}
	}
	return l
}
