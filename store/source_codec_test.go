package store

import (
	"bytes"
	"reflect"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

func TestSourceCodecRoundTrip(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC)
	base := sourceRecord{
		Source: signals.Source{ID: "page:1", Kind: signals.KindPage, URL: "https://example.fr/actualites",
			Page: signals.PageSpec{Item: "article", Title: "h2", Date: "time@datetime"}},
		State: signals.SourceState{ETag: `"x"`, FirstFetched: t0, LastSuccess: t0, Known: []uint64{1, 2}},
	}
	silent := base
	silent.Source.Page.Render = signals.RenderChromium
	silent.State.LastYield = t0.Add(-48 * time.Hour)
	silent.State.Silence = signals.SilenceSelector
	silent.State.SilentSince = t0.Add(-24 * time.Hour)
	silent.State.SilentWhat = `item "article"`
	for name, r := range map[string]sourceRecord{"schema 3 fields": base, "yield and render": silent} {
		t.Run(name, func(t *testing.T) {
			got, err := decodeSource([]byte(r.Source.ID), encodeSource(r))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, r) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, r)
			}
		})
	}
	// The new fields are a trailing section: without them a record is the
	// schema 3 layout, so stored sources decode with no migration.
	old, full := encodeSource(base), encodeSource(silent)
	if !bytes.HasPrefix(full, old) {
		t.Fatal("the yield fields are not a trailing section")
	}
	got, err := decodeSource([]byte("page:1"), full[:len(old)])
	if err != nil {
		t.Fatalf("a schema 3 record: %v", err)
	}
	if !reflect.DeepEqual(got, base) {
		t.Errorf("schema 3 record decoded as %+v", got)
	}
	if _, err := decodeSource([]byte("page:1"), full[:len(full)-3]); err == nil {
		t.Error("a truncated yield section decoded")
	}
}
