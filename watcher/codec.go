package watcher

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veille-hq/veille/signals"
)

// Signal and item records are the bulk of the store, and every cycle reads
// a lead's signals twice (the same-story test and the rescore), so they are
// kept in a compact binary form rather than JSON: about a third of the bytes, hence
// of the file and of the pages a cycle maps (the kernel maps the pages
// around each one read, so touching a record costs its neighbourhood), and
// no reflection to decode.
// The watch list, company and story id are not repeated: the key holds
// them. Records written as JSON by earlier builds (first byte '{') still
// decode, so an existing store needs no migration.
//
// Layout after the version byte: title, first-seen and published times
// (first, so the same-story test and pruning read only a prefix), strength,
// flags, the outlets, the labels, then the evidence per label. Strings and
// counts are uvarint-prefixed, times are varint Unix nanoseconds (0: none).
const signalCodecV1 = 1

const flagBacklog = 1

// evidenceFields are the fields evidence names, written as a code.
var evidenceFields = []string{"title", "summary"}

// errCorrupt says a record ends early or holds impossible counts.
var errCorrupt = errors.New("corrupt record")

func encodeSignal(s signals.Signal) []byte {
	b := make([]byte, 0, 64+len(s.Title)+2*len(s.URL)+len(s.Source))
	b = append(b, signalCodecV1)
	b = appendString(b, s.Title)
	b = appendTime(b, s.FirstSeen)
	b = appendTime(b, s.Published)
	b = binary.AppendUvarint(b, uint64(s.Strength))
	var flags byte
	if s.Backlog {
		flags |= flagBacklog
	}
	b = append(b, flags)
	b = binary.AppendUvarint(b, uint64(len(s.Sources)))
	for _, sr := range s.Sources {
		b = appendString(b, sr.Source)
		b = appendString(b, sr.URL)
	}
	b = binary.AppendUvarint(b, uint64(len(s.Labels)))
	for _, l := range s.Labels {
		b = appendString(b, string(l))
	}
	// Map order is random; sorting keeps a record's bytes a function of
	// its content. The classifier names one term at every place it occurs,
	// under one of the record's labels, in the title or the summary: a
	// label is written as its place in Labels, a term already written as
	// its place in the record's terms, a field as a code.
	b = binary.AppendUvarint(b, uint64(len(s.Evidence)))
	var terms []string
	for _, l := range slices.Sorted(maps.Keys(s.Evidence)) {
		if i := slices.Index(s.Labels, l); i >= 0 {
			b = binary.AppendUvarint(b, uint64(i+1))
		} else {
			b = append(b, 0)
			b = appendString(b, string(l))
		}
		ev := s.Evidence[l]
		b = binary.AppendUvarint(b, uint64(len(ev)))
		for _, e := range ev {
			if i := slices.Index(terms, e.Term); i >= 0 {
				b = binary.AppendUvarint(b, uint64(i+1))
			} else {
				b = append(b, 0)
				b = appendString(b, e.Term)
				terms = append(terms, e.Term)
			}
			if i := slices.Index(evidenceFields, e.Field); i >= 0 {
				b = append(b, byte(i+1))
			} else {
				b = append(b, 0)
				b = appendString(b, e.Field)
			}
			b = binary.AppendUvarint(b, uint64(e.Offset))
			b = binary.AppendVarint(b, int64(e.Points))
		}
	}
	return b
}

// decodeSignal decodes the record v stored under k (lead key \x00 story).
func decodeSignal(k, v []byte, s *signals.Signal) error {
	*s = signals.Signal{}
	if len(v) > 0 && v[0] == '{' {
		if err := json.Unmarshal(v, s); err != nil {
			return fmt.Errorf("decode signal %q: %w", k, err)
		}
		return nil
	}
	lead, story, ok := splitSignalKey(k)
	if !ok {
		return fmt.Errorf("decode signal %q: %w: bad key", k, errCorrupt)
	}
	s.ID = story
	s.Watchlist, s.Company, _ = strings.Cut(lead, "\x00")
	d := decoder{b: v}
	d.version(signalCodecV1)
	s.Title = d.string()
	s.FirstSeen = d.time()
	s.Published = d.time()
	s.Strength = signals.Strength(d.uvarint())
	s.Backlog = d.byte()&flagBacklog != 0
	s.Sources = make([]signals.SourceRef, d.count())
	for i := range s.Sources {
		s.Sources[i] = signals.SourceRef{Source: d.string(), URL: d.string()}
	}
	s.Labels = make([]signals.Label, d.count())
	for i := range s.Labels {
		s.Labels[i] = signals.Label(d.string())
	}
	labels := make([]string, len(s.Labels))
	for i, l := range s.Labels {
		labels[i] = string(l)
	}
	var terms []string
	n := d.count()
	s.Evidence = make(map[signals.Label][]signals.Evidence, n)
	for range n {
		l := signals.Label(d.ref(labels, nil))
		ev := make([]signals.Evidence, d.count())
		for i := range ev {
			ev[i] = signals.Evidence{Term: d.ref(terms, &terms), Field: d.ref(evidenceFields, nil), Offset: int(d.uvarint()), Points: int(d.varint())}
		}
		s.Evidence[l] = ev
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = errCorrupt
	}
	if d.err != nil {
		return fmt.Errorf("decode signal %q: %w", k, d.err)
	}
	// The first outlet is the signal's own URL and source (storeSignal).
	if len(s.Sources) > 0 {
		s.Source, s.URL = s.Sources[0].Source, s.Sources[0].URL
	}
	return nil
}

// getSignal decodes the signal at k; found is false when there is none.
func getSignal(b *bolt.Bucket, k []byte, s *signals.Signal) (found bool, err error) {
	v := b.Get(k)
	if v == nil {
		return false, nil
	}
	return true, decodeSignal(k, v, s)
}

// decodeStoryBrief reads only what the same-story test and pruning need.
func decodeStoryBrief(k, v []byte) (storyBrief, error) {
	if len(v) > 0 && v[0] == '{' {
		var sb storyBrief
		if err := json.Unmarshal(v, &sb); err != nil {
			return sb, fmt.Errorf("decode signal %q: %w", k, err)
		}
		return sb, nil
	}
	_, story, ok := splitSignalKey(k)
	if !ok {
		return storyBrief{}, fmt.Errorf("decode signal %q: %w: bad key", k, errCorrupt)
	}
	d := decoder{b: v}
	d.version(signalCodecV1)
	sb := storyBrief{ID: story, Title: d.string(), FirstSeen: d.time()}
	if d.err != nil {
		return sb, fmt.Errorf("decode signal %q: %w", k, d.err)
	}
	return sb, nil
}

// Item records are checked for existence on every fetch and read back
// only for exports: first-seen time first (pruning reads only that), then
// what the key does not already hold. The key is source id \x00 item id,
// and the item id carries the GUID ("g:") or, without one, the link ("u:").
const itemCodecV1 = 1

func encodeItem(r StoredItem) []byte {
	id := r.ID()
	b := make([]byte, 0, 32+len(r.Title)+len(r.URL))
	b = append(b, itemCodecV1)
	b = appendTime(b, r.FirstSeen)
	b = appendTime(b, r.Published)
	if strings.HasPrefix(id, "g:") {
		b = appendString(b, r.URL)
	} else {
		b = appendString(b, "") // the key holds the link, or the item has none
	}
	b = appendString(b, r.Title)
	b = appendString(b, r.Lang)
	b = binary.AppendUvarint(b, uint64(len(r.Hints)))
	for _, l := range r.Hints {
		b = appendString(b, string(l))
	}
	return b
}

func decodeItem(k, v []byte) (StoredItem, error) {
	var r StoredItem
	if len(v) > 0 && v[0] == '{' {
		if err := json.Unmarshal(v, &r); err != nil {
			return r, fmt.Errorf("decode item %q: %w", k, err)
		}
		return r, nil
	}
	source, id, ok := strings.Cut(string(k), "\x00")
	if !ok {
		return r, fmt.Errorf("decode item %q: %w: bad key", k, errCorrupt)
	}
	r.SourceID = source
	d := decoder{b: v}
	d.version(itemCodecV1)
	r.FirstSeen = d.time()
	r.Published = d.time()
	r.URL = d.string()
	switch {
	case strings.HasPrefix(id, "g:"):
		r.GUID = id[2:]
	case r.URL != "":
		d.fail() // only a GUID's record holds the link
	case strings.HasPrefix(id, "u:"):
		r.URL = id[2:]
	}
	r.Title = d.string()
	r.Lang = d.string()
	if n := d.count(); n > 0 {
		r.Hints = make([]signals.Label, n)
		for i := range r.Hints {
			r.Hints[i] = signals.Label(d.string())
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = errCorrupt
	}
	if d.err != nil {
		return r, fmt.Errorf("decode item %q: %w", k, d.err)
	}
	return r, nil
}

// itemFirstSeen reads only an item record's first-seen time.
func itemFirstSeen(v []byte) (time.Time, error) {
	if len(v) > 0 && v[0] == '{' {
		var r struct {
			FirstSeen time.Time `json:"first_seen"`
		}
		err := json.Unmarshal(v, &r)
		return r.FirstSeen, err
	}
	d := decoder{b: v}
	d.version(itemCodecV1)
	t := d.time()
	return t, d.err
}

// splitSignalKey splits watchlist \x00 company \x00 story into the lead key
// and the story id.
func splitSignalKey(k []byte) (lead, story string, ok bool) {
	i := bytes.LastIndexByte(k, 0)
	if i < 0 {
		return "", "", false
	}
	return string(k[:i]), string(k[i+1:]), true
}

func appendString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

func appendTime(b []byte, t time.Time) []byte {
	if t.IsZero() {
		return binary.AppendVarint(b, 0)
	}
	return binary.AppendVarint(b, t.UnixNano())
}

// decoder reads a record front to back; the first problem sticks in err
// and every later read returns a zero value.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() { d.err, d.b = errCorrupt, nil }

// version reads the version byte, which must be want.
func (d *decoder) version(want byte) {
	if d.byte() != want && d.err == nil {
		d.err = fmt.Errorf("%w: unknown version", errCorrupt)
	}
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

// count reads a length that must fit in what is left (each element takes
// at least one byte), so a corrupt count cannot make a huge allocation.
func (d *decoder) count() int {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) string() string {
	n := d.count()
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

// ref reads a string written as k, table[k-1], or as 0 then the string,
// which is then added to *grow when grow is not nil.
func (d *decoder) ref(table []string, grow *[]string) string {
	k := d.uvarint()
	if k > 0 {
		if k > uint64(len(table)) {
			d.fail()
			return ""
		}
		return table[k-1]
	}
	s := d.string()
	if grow != nil && d.err == nil {
		*grow = append(*grow, s)
	}
	return s
}

func (d *decoder) time() time.Time {
	ns := d.varint()
	if ns == 0 {
		return time.Time{}
	}
	return time.Unix(0, ns).UTC()
}
