package watcher

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/signals"
)

// TestWriteSchema1Fixture writes a schema-1 store holding every bucket, and
// a JSON dump of its records, into $VEILLE_WRITE_SCHEMA1 (a folder).
func TestWriteSchema1Fixture(t *testing.T) {
	dir := os.Getenv("VEILLE_WRITE_SCHEMA1")
	if dir == "" {
		t.Skip("set VEILLE_WRITE_SCHEMA1 to a folder to write the fixture")
	}
	cfg := testConfig(t)
	cfg.Admins = []string{"ops@example.com"}
	cfg.Watchlists[0].Prospects[1].Pages = []config.Page{{URL: "https://armor.example/jobs", Watch: "changes", Select: ".job"}}
	path := filepath.Join(dir, "schema1.db")
	os.Remove(path)
	st, err := Open(path, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	lex, _ := signals.NewLexicon(nil)
	plan, err := NewPlan(cfg, lex)
	if err != nil {
		t.Fatal(err)
	}
	w := New(st, plan)
	now := t0
	w.Now = func() time.Time { return now }
	items := corpus()
	feeds := feedOf(w.Now, items)
	w.Fetcher = &fakeFetcher{fetch: func(src signals.Source, s signals.SourceState) (signals.FetchResult, signals.SourceState, error) {
		if src.Kind == signals.KindChanges {
			s.LastAttempt = now
			s.Failures++
			s.NextTry = now.Add(time.Hour)
			s.ErrorKind, s.LastError = signals.ErrBlocked, "403 Forbidden"
			s.Baseline, s.HasBaseline = []string{"Chauffeur PL (H/F)", "Responsable d'exploitation"}, true
			return signals.FetchResult{}, s, errors.New("403 Forbidden")
		}
		res, s, err := feeds(src, s)
		s.ETag, s.LastModified, s.BodyHash, s.Known = `"v1"`, "Mon, 23 Nov 2026 07:00:00 GMT", "abc123", []uint64{3, 1 << 40}
		return res, s, err
	}}
	w.Renderer = fakeRenderer{}
	ctx := context.Background()
	if _, err := w.Cycle(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := w.QueueDigests(now, ""); err != nil {
		t.Fatal(err)
	}
	// The next day: one more story, a digest that fails for good, one pending.
	now = now.Add(24 * time.Hour)
	items["https://breizh.example/feed"] = append(items["https://breizh.example/feed"],
		signals.Item{GUID: "b3", URL: "https://breizh.example/n/3", Title: "Breizh Conserves recrute 40 opérateurs de production", Published: now.Add(-time.Hour), Hints: []signals.Label{"hr_moves"}})
	if _, err := w.Cycle(ctx); err != nil {
		t.Fatal(err)
	}
	w.Sender = fakeSender{func(signals.Message) error { return tempErr{temp: false} }}
	if _, _, err := w.DrainOutbox(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := w.QueueDigests(now, ""); err != nil {
		t.Fatal(err)
	}
	if ok, err := w.QueueHealth(now); err != nil || !ok {
		t.Fatalf("health notice: %v %v", ok, err)
	}
	if _, err := st.Enqueue(signals.Message{Kind: "health", To: []string{"ops@example.com"}, Subject: "veille: 1 source failing", MessageID: "<h@test>", EML: []byte("Subject: x\r\n\r\nbody\r\n")}, now); err != nil {
		t.Fatal(err)
	}
	// Dump every bucket's records as today's code reads them.
	dump := map[string]any{}
	err = st.db.View(func(tx *bolt.Tx) error {
		srcs := map[string]sourceRecord{}
		tx.Bucket(bucketSources).ForEach(func(k, v []byte) error {
			var r sourceRecord
			json.Unmarshal(v, &r)
			srcs[string(k)] = r
			return nil
		})
		its := map[string]StoredItem{}
		tx.Bucket(bucketItems).ForEach(func(k, v []byte) error {
			r, err := decodeItem(k, v)
			its[string(k)] = r
			return err
		})
		sigs := map[string]signals.Signal{}
		tx.Bucket(bucketSignals).ForEach(func(k, v []byte) error {
			var s signals.Signal
			err := decodeSignal(k, v, &s)
			sigs[string(k)] = s
			return err
		})
		leads := map[string]signals.Lead{}
		tx.Bucket(bucketLeads).ForEach(func(k, v []byte) error {
			var l signals.Lead
			leads[string(k)] = l
			return json.Unmarshal(v, &l)
		})
		hist := map[string]float64{}
		tx.Bucket(bucketHistory).ForEach(func(k, v []byte) error {
			var f float64
			err := json.Unmarshal(v, &f)
			hist[string(k)] = f
			return err
		})
		var outbox []OutboxEntry
		tx.Bucket(bucketOutbox).ForEach(func(k, v []byte) error {
			var e OutboxEntry
			err := json.Unmarshal(v, &e)
			outbox = append(outbox, e)
			return err
		})
		dl := map[string]string{}
		tx.Bucket(bucketDigestLog).ForEach(func(k, v []byte) error { dl[string(k)] = string(v); return nil })
		meta := map[string]string{}
		tx.Bucket(bucketMeta).ForEach(func(k, v []byte) error { meta[string(k)] = string(v); return nil })
		dump["sources"], dump["items"], dump["signals"], dump["leads"] = srcs, its, sigs, leads
		dump["history"], dump["outbox"], dump["digestlog"], dump["meta"] = hist, outbox, dl, meta
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	data, _ := json.MarshalIndent(dump, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "schema1.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
}
