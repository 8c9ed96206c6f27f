package store

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

func codecSignals() []signals.Signal {
	seen := time.Date(2026, 11, 23, 7, 30, 12, 123456789, time.UTC)
	return []signals.Signal{
		{
			ID: "163d1ca97521a199d3f0", Watchlist: "agro-bretagne", Company: "Conserverie Ker Avel",
			Title: "Conserverie Ker Avel lève 12 M€ et recrute 40 personnes",
			URL:   "https://news.example.org/a/1", Source: "https://news.example.org/feed.xml",
			Sources: []signals.SourceRef{
				{Source: "https://news.example.org/feed.xml", URL: "https://news.example.org/a/1"},
				{Source: "https://other.example.com/rss", URL: "https://other.example.com/b?x=1"},
			},
			Published: time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC), FirstSeen: seen,
			Labels: []signals.Label{signals.FinancialGrowth, signals.HRMoves},
			Evidence: map[signals.Label][]signals.Evidence{
				signals.FinancialGrowth: {{Term: "lève 12", Field: "title", Offset: 21}},
				signals.HRMoves:         {{Term: "recrute 40", Field: "title", Offset: 37}, {Term: "embauche", Field: "summary", Offset: 300}},
				signals.Keyword:         {{Term: "appel d'offres", Field: "summary", Offset: 12, Points: 10}, {Term: "x", Field: "title", Points: -5}},
			},
			Strength: signals.Strong,
		},
		{
			ID: "00", Watchlist: "w", Company: "Sancy Précision", Title: "", Source: "feed:1",
			Sources:   []signals.SourceRef{{Source: "feed:1", URL: ""}},
			FirstSeen: seen, Labels: []signals.Label{}, Evidence: map[signals.Label][]signals.Evidence{},
			Strength: signals.Weak, Backlog: true, MoreOutlets: 1234,
		},
	}
}

func TestSignalCodecRoundTrip(t *testing.T) {
	for _, s := range codecSignals() {
		t.Run(s.Company, func(t *testing.T) {
			k := key(signals.LeadKey(s.Watchlist, s.Company), s.ID)
			v := encodeSignal(s)
			var got signals.Signal
			if err := decodeSignal(k, v, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, s) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, s)
			}
			sb, err := decodeStoryBrief(k, v)
			if err != nil {
				t.Fatal(err)
			}
			if want := (storyBrief{ID: s.ID, Title: s.Title, FirstSeen: s.FirstSeen}); sb != want {
				t.Errorf("brief = %+v, want %+v", sb, want)
			}
			js, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d bytes (JSON: %d)", len(v), len(js))
			if len(v) >= len(js)/2 {
				t.Errorf("record is %d bytes, JSON %d: the compact form should be under half", len(v), len(js))
			}
		})
	}
}

// scoredView is what decodeScoredSignal keeps of s: no outlets, and of
// the evidence only the keywords'.
func scoredView(s signals.Signal) signals.Signal {
	s.Sources, s.Source, s.URL = nil, "", ""
	kw, ok := s.Evidence[signals.Keyword]
	s.Evidence = nil
	if ok {
		s.Evidence = map[signals.Label][]signals.Evidence{signals.Keyword: kw}
	}
	return s
}

func TestScoredSignalDecode(t *testing.T) {
	sigs := codecSignals()
	// A keyword whose term an earlier label's evidence wrote first: the
	// record refers to it.
	shared := sigs[0]
	shared.ID = "shared-term"
	shared.Evidence = map[signals.Label][]signals.Evidence{
		signals.HRMoves: {{Term: "recrute", Field: "title", Offset: 3}},
		signals.Keyword: {{Term: "recrute", Field: "title", Offset: 3, Points: 7}, {Term: "custom", Field: "body", Points: 2}},
	}
	sigs = append(sigs, shared)
	now := sigs[0].FirstSeen.Add(48 * time.Hour)
	for _, s := range sigs {
		t.Run(s.ID, func(t *testing.T) {
			k := key(signals.LeadKey(s.Watchlist, s.Company), s.ID)
			v := encodeSignal(s)
			var got signals.Signal
			if err := decodeScoredSignal(k, v, &got); err != nil {
				t.Fatal(err)
			}
			if want := scoredView(s); !reflect.DeepEqual(got, want) {
				t.Errorf("scored decode:\n got %+v\nwant %+v", got, want)
			}
			p := signals.Policy{HalfLife: 30 * 24 * time.Hour, Hot: 50, Potential: 20}
			l := signals.Lead{Watchlist: s.Watchlist, Company: s.Company}
			full, scored := signals.RateLead(l, nil, []signals.Signal{s}, p, now), signals.RateLead(l, nil, []signals.Signal{got}, p, now)
			if !reflect.DeepEqual(full, scored) {
				t.Errorf("rated from the scored decode:\n got %+v\nwant %+v", scored, full)
			}
			if s.MoreOutlets > 0 {
				return // the record without its count of more outlets is a record too
			}
			for n := range len(v) {
				if err := decodeScoredSignal(k, v[:n], &got); err == nil {
					t.Errorf("decode of the first %d of %d bytes succeeded", n, len(v))
				}
			}
		})
	}
}

// Schema 1's signal records, JSON or binary behind a version byte, read
// as the signal they hold.
func TestSignalV1RecordsDecode(t *testing.T) {
	s := codecSignals()[0]
	k := key(signals.LeadKey(s.Watchlist, s.Company), s.ID)
	js, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var got signals.Signal
	if err := decodeSignalV1(k, js, &got); err != nil {
		t.Fatal(err)
	}
	if !got.FirstSeen.Equal(s.FirstSeen) || got.Title != s.Title || !reflect.DeepEqual(got.Evidence, s.Evidence) || got.URL != s.URL || !reflect.DeepEqual(got.Sources, s.Sources) {
		t.Errorf("JSON record decoded as %+v", got)
	}
	if err := decodeSignalV1(k, append([]byte{codecV1}, encodeSignal(s)...), &got); err != nil || !reflect.DeepEqual(got, s) {
		t.Errorf("binary v1 record decoded as %+v, %v", got, err)
	}
	if err := decodeSignalV1(k, append([]byte{9}, encodeSignal(s)...), &got); err == nil {
		t.Error("unknown version accepted")
	}
}

// Every truncation of a record, and trailing bytes, are errors, never a
// panic or a partial signal taken as whole.
func TestSignalCodecRejectsCorrupt(t *testing.T) {
	s := codecSignals()[0]
	k := key(signals.LeadKey(s.Watchlist, s.Company), s.ID)
	v := encodeSignal(s)
	for n := range len(v) {
		var got signals.Signal
		if err := decodeSignal(k, v[:n], &got); err == nil {
			t.Errorf("decode of the first %d of %d bytes succeeded", n, len(v))
		}
	}
	var got signals.Signal
	if err := decodeSignal(k, append(v, 0), &got); err == nil {
		t.Error("trailing byte accepted")
	}
	if err := decodeSignal([]byte("no-separator"), v, &got); err == nil {
		t.Error("key without a story id accepted")
	}
}

// FuzzDecodeSignal: a record read back from a damaged file decodes or
// fails cleanly, and whatever decodes encodes back to the same signal.
func FuzzDecodeSignal(f *testing.F) {
	for _, s := range codecSignals() {
		f.Add(encodeSignal(s))
	}
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	k := key("w", "c", "story")
	f.Fuzz(func(t *testing.T, v []byte) {
		var s signals.Signal
		if err := decodeSignal(k, v, &s); err != nil {
			return
		}
		var again signals.Signal
		if err := decodeSignal(k, encodeSignal(s), &again); err != nil {
			t.Fatalf("re-encoded record does not decode: %v", err)
		}
		if !reflect.DeepEqual(again, s) {
			t.Fatalf("re-encoding changed the signal:\n%+v\n%+v", s, again)
		}
		var scored signals.Signal
		if err := decodeScoredSignal(k, v, &scored); err != nil {
			t.Fatalf("the scored decode fails where the full one does not: %v", err)
		}
		if want := scoredView(s); !reflect.DeepEqual(scored, want) {
			t.Fatalf("scored decode:\n%+v\nwant %+v", scored, want)
		}
	})
}

func codecItems() []storedItem {
	seen := time.Date(2026, 11, 23, 7, 30, 12, 5, time.UTC)
	return []storedItem{
		{Item: signals.Item{SourceID: "feed:0014394a9f45775c", GUID: "urn:uuid:42", URL: "https://news.example.org/a/1",
			Title: "Sancy Précision nomme un directeur général", Published: time.Date(2026, 11, 22, 18, 0, 0, 0, time.UTC), Lang: "fr"}, FirstSeen: seen},
		{Item: signals.Item{SourceID: "page:1", URL: "https://example.com/jobs", Title: "3 new offers", Hints: []signals.Label{signals.HRMoves}}, FirstSeen: seen},
		{Item: signals.Item{SourceID: "feed:2", Title: "No link, no guid", Published: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)}, FirstSeen: seen},
	}
}

func TestItemCodecRoundTrip(t *testing.T) {
	for _, r := range codecItems() {
		t.Run(r.ID(), func(t *testing.T) {
			k := key(r.SourceID, r.ID())
			v := encodeItem(r)
			got, err := decodeItem(k, v)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, r) {
				t.Errorf("round trip:\n got %+v\nwant %+v", got, r)
			}
			if seen, err := itemFirstSeen(v); err != nil || !seen.Equal(r.FirstSeen) {
				t.Errorf("first seen = %v, %v", seen, err)
			}
			for n := range len(v) {
				if _, err := decodeItem(k, v[:n]); err == nil {
					t.Errorf("decode of the first %d of %d bytes succeeded", n, len(v))
				}
			}
			js, _ := json.Marshal(v1Item{SourceID: r.SourceID, URL: r.URL, GUID: r.GUID, Title: r.Title, Published: r.Published, Lang: r.Lang, FirstSeen: r.FirstSeen})
			old, err := decodeItemV1(k, js)
			if err != nil || old.Title != r.Title || !old.FirstSeen.Equal(r.FirstSeen) {
				t.Errorf("schema-1 JSON record decoded as %+v, %v", old, err)
			}
			if old, err := decodeItemV1(k, append([]byte{codecV1}, v...)); err != nil || !reflect.DeepEqual(old, r) {
				t.Errorf("schema-1 binary record decoded as %+v, %v", old, err)
			}
		})
	}
}

func FuzzDecodeItem(f *testing.F) {
	for _, r := range codecItems() {
		f.Add("g:x", encodeItem(r))
	}
	f.Fuzz(func(t *testing.T, id string, v []byte) {
		if !strings.HasPrefix(id, "g:") && !strings.HasPrefix(id, "u:") && !strings.HasPrefix(id, "h:") {
			return
		}
		k := key("src", id)
		r, err := decodeItem(k, v)
		if err != nil {
			return
		}
		if strings.HasPrefix(id, "u:") && r.URL == "" || strings.HasPrefix(id, "g:") && r.GUID == "" {
			return // an id a real item cannot have
		}
		again, err := decodeItem(k, encodeItem(r))
		if err != nil {
			t.Fatalf("re-encoded item does not decode: %v", err)
		}
		if !reflect.DeepEqual(again, r) {
			t.Fatalf("re-encoding changed the item:\n%+v\n%+v", r, again)
		}
	})
}
