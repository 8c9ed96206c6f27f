package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/veille-hq/veille/signals"
)

// Records are kept in a compact binary form rather than JSON: about a
// third of the bytes, hence of the file and of the pages a cycle maps (the
// kernel maps the pages around each one read, so touching a record costs
// its neighbourhood), and no reflection to decode. What a key holds (the
// watch list, company, story, source and item ids) is not repeated in the
// value. Strings and counts are uvarint-prefixed, times are varint Unix
// nanoseconds (0: none), scores and points are varint tenths (they are
// rounded to one decimal before they are stored). The layout of each
// record is this schema's (SchemaVersion); a change of layout is a new
// schema with a migration.

// errCorrupt says a record ends early or holds impossible counts.
var errCorrupt = errors.New("corrupt record")

const flagBacklog = 1

// evidenceFields are the fields evidence names, written as a code.
var evidenceFields = []string{"title", "summary"}

// Signal layout: title, first-seen and published times (first, so the
// same-story test and pruning read only a prefix), strength, flags, the
// outlets kept, the labels, the evidence per label, then, only when more
// outlets carried the story than are kept, how many more (schema 3).
func encodeSignal(s signals.Signal) []byte {
	n := 64 + len(s.Title) + len(s.URL) // the URL's length for the labels and evidence
	for _, sr := range s.Sources {
		n += 4 + len(sr.Source) + len(sr.URL)
	}
	b := make([]byte, 0, n)
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
	if s.MoreOutlets > 0 {
		b = binary.AppendUvarint(b, uint64(s.MoreOutlets))
	}
	return b
}

// decodeSignalHead resets s, fills it from the key k (lead key \x00 story)
// and from the fields every decode of a signal record reads (title to
// backlog), and returns the decoder placed after them.
func decodeSignalHead(k, v []byte, s *signals.Signal) (decoder, error) {
	*s = signals.Signal{}
	lead, story, ok := splitSignalKey(k)
	if !ok {
		return decoder{}, fmt.Errorf("decode signal %q: %w: bad key", k, errCorrupt)
	}
	s.ID = story
	s.Watchlist, s.Company, _ = strings.Cut(lead, "\x00")
	d := decoder{b: v}
	s.Title = d.string()
	s.FirstSeen = d.time()
	s.Published = d.time()
	s.Strength = signals.Strength(d.uvarint())
	s.Backlog = d.byte()&flagBacklog != 0
	return d, nil
}

// decodeSignal decodes the record v stored under k (lead key \x00 story).
func decodeSignal(k, v []byte, s *signals.Signal) error {
	d, err := decodeSignalHead(k, v, s)
	if err != nil {
		return err
	}
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
	if len(d.b) > 0 {
		if s.MoreOutlets = int(d.uvarint()); s.MoreOutlets == 0 {
			d.fail() // written only when there are some
		}
	}
	if err := d.end(); err != nil {
		return fmt.Errorf("decode signal %q: %w", k, err)
	}
	// The first outlet is the signal's own URL and source (PutSignal).
	if len(s.Sources) > 0 {
		s.Source, s.URL = s.Sources[0].Source, s.Sources[0].URL
	}
	return nil
}

// decodeScoredSignal decodes of the record v stored under k what scoring
// reads (signals.RateLead): the signal without its outlets, and of its
// evidence only the watch list's keywords. A rescore decodes every signal
// of each lead a write touched; the outlets' URLs and the labels' evidence
// were most of what that allocated.
func decodeScoredSignal(k, v []byte, s *signals.Signal) error {
	d, err := decodeSignalHead(k, v, s)
	if err != nil {
		return err
	}
	for range 2 * d.count() {
		d.skip()
	}
	s.Labels = make([]signals.Label, d.count())
	for i := range s.Labels {
		s.Labels[i] = signals.Label(d.string())
	}
	// Terms are written once per record and referred to after: every
	// label's evidence is walked to keep the table, as bytes of v.
	var terms [][]byte
	for range d.count() {
		var l signals.Label
		if i := d.uvarint(); i == 0 {
			l = signals.Label(d.bytes())
		} else if i <= uint64(len(s.Labels)) {
			l = s.Labels[i-1]
		} else {
			d.fail()
		}
		n := d.count()
		var ev []signals.Evidence
		if l == signals.Keyword {
			ev = make([]signals.Evidence, n)
		}
		for i := range n {
			var term []byte
			if t := d.uvarint(); t == 0 {
				term = d.bytes()
				terms = append(terms, term)
			} else if t <= uint64(len(terms)) {
				term = terms[t-1]
			} else {
				d.fail()
			}
			var field string
			if f := d.uvarint(); f == 0 {
				field = string(d.bytes())
			} else if f <= uint64(len(evidenceFields)) {
				field = evidenceFields[f-1]
			} else {
				d.fail()
			}
			offset, points := int(d.uvarint()), int(d.varint())
			if ev != nil && d.err == nil {
				ev[i] = signals.Evidence{Term: string(term), Field: field, Offset: offset, Points: points}
			}
		}
		if ev != nil {
			s.Evidence = map[signals.Label][]signals.Evidence{signals.Keyword: ev}
		}
	}
	if len(d.b) > 0 {
		if s.MoreOutlets = int(d.uvarint()); s.MoreOutlets == 0 {
			d.fail()
		}
	}
	if err := d.end(); err != nil {
		return fmt.Errorf("decode signal %q: %w", k, err)
	}
	return nil
}

// storyBrief is what the same-story test reads of a stored signal.
type storyBrief struct {
	ID        string
	Title     string
	FirstSeen time.Time
}

// decodeStoryBrief reads only what the same-story test and pruning need.
func decodeStoryBrief(k, v []byte) (storyBrief, error) {
	_, story, ok := splitSignalKey(k)
	if !ok {
		return storyBrief{}, fmt.Errorf("decode signal %q: %w: bad key", k, errCorrupt)
	}
	d := decoder{b: v}
	sb := storyBrief{ID: story, Title: d.string(), FirstSeen: d.time()}
	if d.err != nil {
		return sb, fmt.Errorf("decode signal %q: %w", k, d.err)
	}
	return sb, nil
}

// storedItem is an item record: an item without its summary (read once,
// by the classifier) and when it was first seen.
type storedItem struct {
	signals.Item
	FirstSeen time.Time
}

// Item layout: first-seen time first (pruning reads only that), then what
// the key does not already hold. The key is source id \x00 item id, and
// the item id carries the GUID ("g:") or, without one, the link ("u:").
func encodeItem(r storedItem) []byte {
	b := make([]byte, 0, 32+len(r.Title)+len(r.URL))
	b = appendTime(b, r.FirstSeen)
	b = appendTime(b, r.Published)
	if r.GUID != "" { // the id is the GUID (signals.Item.ID)
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

func decodeItem(k, v []byte) (storedItem, error) {
	var r storedItem
	source, id, ok := strings.Cut(string(k), "\x00")
	if !ok {
		return r, fmt.Errorf("decode item %q: %w: bad key", k, errCorrupt)
	}
	r.SourceID = source
	d := decoder{b: v}
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
	if err := d.end(); err != nil {
		return r, fmt.Errorf("decode item %q: %w", k, err)
	}
	return r, nil
}

// itemFirstSeen reads only an item record's first-seen time.
func itemFirstSeen(v []byte) (time.Time, error) {
	d := decoder{b: v}
	t := d.time()
	return t, d.err
}

// sourceRecord is what the sources bucket keeps per source: the source as
// configured (its id is the key) and its state between fetches.
type sourceRecord struct {
	Source signals.Source
	State  signals.SourceState
}

const flagHasBaseline = 1

func encodeSource(r sourceRecord) []byte {
	s, st := r.Source, r.State
	b := make([]byte, 0, 128+len(s.URL)+8*len(st.Known))
	for _, v := range []string{string(s.Kind), s.URL, s.Page.Item, s.Page.Title, s.Page.Link, s.Page.Date, s.Page.Summary, s.Page.Select,
		st.ETag, st.LastModified, st.LastError, string(st.ErrorKind), st.FeedURL, st.BodyHash} {
		b = appendString(b, v)
	}
	for _, t := range []time.Time{st.FirstFetched, st.LastAttempt, st.LastSuccess, st.NextTry} {
		b = appendTime(b, t)
	}
	b = binary.AppendUvarint(b, uint64(st.Failures))
	var flags byte
	if st.HasBaseline {
		flags |= flagHasBaseline
	}
	b = append(b, flags)
	b = binary.AppendUvarint(b, uint64(len(st.Baseline)))
	for _, v := range st.Baseline {
		b = appendString(b, v)
	}
	// Fingerprints are hashes: fixed eight bytes beat a varint's nine or ten.
	b = binary.AppendUvarint(b, uint64(len(st.Known)))
	for _, v := range st.Known {
		b = binary.BigEndian.AppendUint64(b, v)
	}
	// The yield and render fields come last and only when set: a record
	// without them is the layout of schema 3, which decodes as before, so
	// they need no migration.
	if !st.LastYield.IsZero() || st.Silence != "" || s.Page.Render != "" {
		b = appendTime(b, st.LastYield)
		b = appendString(b, string(st.Silence))
		b = appendTime(b, st.SilentSince)
		b = appendString(b, st.SilentWhat)
		b = appendString(b, s.Page.Render)
	}
	return b
}

func decodeSource(k, v []byte) (sourceRecord, error) {
	var r sourceRecord
	s, st := &r.Source, &r.State
	d := decoder{b: v}
	s.ID = string(k)
	s.Kind = signals.SourceKind(d.string())
	s.URL = d.string()
	s.Page = signals.PageSpec{Item: d.string(), Title: d.string(), Link: d.string(), Date: d.string(), Summary: d.string(), Select: d.string()}
	st.ETag, st.LastModified, st.LastError = d.string(), d.string(), d.string()
	st.ErrorKind = signals.ErrorKind(d.string())
	st.FeedURL, st.BodyHash = d.string(), d.string()
	st.FirstFetched, st.LastAttempt, st.LastSuccess, st.NextTry = d.time(), d.time(), d.time(), d.time()
	st.Failures = int(d.uvarint())
	st.HasBaseline = d.byte()&flagHasBaseline != 0
	if n := d.count(); n > 0 {
		st.Baseline = make([]string, n)
		for i := range st.Baseline {
			st.Baseline[i] = d.string()
		}
	}
	if n := d.count(); n > 0 {
		st.Known = make([]uint64, n)
		for i := range st.Known {
			st.Known[i] = d.uint64()
		}
	}
	if len(d.b) > 0 {
		st.LastYield = d.time()
		st.Silence = signals.Silence(d.string())
		st.SilentSince = d.time()
		st.SilentWhat = d.string()
		s.Page.Render = d.string()
	}
	if err := d.end(); err != nil {
		return r, fmt.Errorf("decode source %q: %w", k, err)
	}
	return r, nil
}

// Lead layout: owner, CRM id, tier, score, fit, trend, counted signals,
// last signal time, then the explanation lines. A line that explains a
// signal ends with the signal's title, which the signal record already
// holds: it is written as the rest of the line and the story id (the
// titles made most of a lead record, and the leads are rewritten at each
// rescore). Tx.Lead puts the title back.
const (
	whyText  = 0 // the line as it is
	whyStory = 1 // the line without its ending, the title of a story
)

func encodeLead(l signals.Lead, sigs []signals.Signal) []byte {
	b := make([]byte, 0, 64+len(l.Why)*32)
	b = appendString(b, l.Owner)
	b = appendString(b, l.CRMID)
	b = appendString(b, string(l.Tier))
	b = appendTenths(b, l.Score)
	b = appendTenths(b, l.Fit)
	b = appendTenths(b, l.Trend7d)
	b = binary.AppendUvarint(b, uint64(l.Signals))
	b = appendTime(b, l.LastSignalAt)
	b = binary.AppendUvarint(b, uint64(len(l.Why)))
	for _, c := range l.Why {
		i := slices.IndexFunc(sigs, func(s signals.Signal) bool { return s.Title != "" && strings.HasSuffix(c.What, s.Title) })
		if i < 0 {
			b = append(b, whyText)
			b = appendString(b, c.What)
		} else {
			b = append(b, whyStory)
			b = appendString(b, c.What[:len(c.What)-len(sigs[i].Title)])
			b = appendString(b, sigs[i].ID)
		}
		b = appendTenths(b, c.Points)
	}
	return b
}

// decodeLead decodes a lead record; title gives a story's title back (""
// when it is gone: retention pruned it since the lead was scored).
func decodeLead(k, v []byte, title func(story string) string) (signals.Lead, error) {
	var l signals.Lead
	l.Watchlist, l.Company, _ = strings.Cut(string(k), "\x00")
	d := decoder{b: v}
	l.Owner, l.CRMID, l.Tier = d.string(), d.string(), signals.Tier(d.string())
	l.Score, l.Fit, l.Trend7d = d.tenths(), d.tenths(), d.tenths()
	l.Signals = int(d.uvarint())
	l.LastSignalAt = d.time()
	l.Why = make([]signals.Contribution, d.count())
	for i := range l.Why {
		switch d.byte() {
		case whyText:
			l.Why[i].What = d.string()
		case whyStory:
			rest, story := d.string(), d.string()
			if d.err == nil {
				l.Why[i].What = rest + title(story)
			}
		default:
			d.fail()
		}
		l.Why[i].Points = d.tenths()
	}
	if err := d.end(); err != nil {
		return l, fmt.Errorf("decode lead %q: %w", k, err)
	}
	return l, nil
}

// Outbox statuses as stored.
var outboxStatuses = []string{StatusPending, StatusFailed}

// outboxWebhook, or'ed into an outbox record's status reference, says the
// record ends with a webhook's transport, URL and body. Email records,
// the only kind before webhooks, lack it and read as they always did; a
// webhook record cut before its end reads as corrupt, not as an email.
const outboxWebhook = 0x40

func encodeOutbox(e OutboxEntry) []byte {
	m := e.Message
	b := make([]byte, 0, 64+len(m.EML)+len(m.Subject)+len(m.Body))
	var flag byte
	if m.Transport != "" {
		flag = outboxWebhook
	}
	if i := slices.Index(outboxStatuses, e.Status); i >= 0 {
		b = append(b, byte(i+1)|flag)
	} else {
		b = append(b, flag)
		b = appendString(b, e.Status)
	}
	b = binary.AppendUvarint(b, uint64(e.Attempts))
	b = appendTime(b, e.Created)
	b = appendTime(b, e.NextTry)
	b = appendString(b, e.LastError)
	for _, v := range []string{m.Kind, m.Rep, m.From, m.Subject, m.MessageID} {
		b = appendString(b, v)
	}
	b = binary.AppendUvarint(b, uint64(len(m.To)))
	for _, v := range m.To {
		b = appendString(b, v)
	}
	b = appendString(b, string(m.EML))
	if flag != 0 {
		b = appendString(b, m.Transport)
		b = appendString(b, m.URL)
		b = appendString(b, string(m.Body))
	}
	return b
}

func decodeOutbox(k, v []byte) (OutboxEntry, error) {
	var e OutboxEntry
	if len(k) != 8 {
		return e, fmt.Errorf("decode outbox %x: %w: bad key", k, errCorrupt)
	}
	e.ID = binary.BigEndian.Uint64(k)
	d := decoder{b: v}
	ref := d.uvarint()
	webhook := ref&outboxWebhook != 0
	switch ref &^= outboxWebhook; {
	case ref == 0:
		e.Status = d.string()
	case ref <= uint64(len(outboxStatuses)):
		e.Status = outboxStatuses[ref-1]
	default:
		d.fail()
	}
	e.Attempts = int(d.uvarint())
	e.Created, e.NextTry = d.time(), d.time()
	e.LastError = d.string()
	m := &e.Message
	m.Kind, m.Rep, m.From, m.Subject, m.MessageID = d.string(), d.string(), d.string(), d.string(), d.string()
	if n := d.count(); n > 0 {
		m.To = make([]string, n)
		for i := range m.To {
			m.To[i] = d.string()
		}
	}
	if eml := d.string(); eml != "" {
		m.EML = []byte(eml)
	}
	if webhook {
		m.Transport, m.URL = d.string(), d.string()
		if body := d.string(); body != "" {
			m.Body = []byte(body)
		}
	}
	if err := d.end(); err != nil {
		return e, fmt.Errorf("decode outbox %d: %w", e.ID, err)
	}
	return e, nil
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

// appendUnix writes t to the second: the digest log's precision.
func appendUnix(b []byte, t time.Time) []byte { return binary.AppendVarint(b, t.Unix()) }

func appendTenths(b []byte, v float64) []byte {
	return binary.AppendVarint(b, int64(math.Round(v*10)))
}

// decoder reads a record front to back; the first problem sticks in err
// and every later read returns a zero value.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() { d.err, d.b = errCorrupt, nil }

// end reports the first problem, or trailing bytes.
func (d *decoder) end() error {
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%w: %d trailing bytes", errCorrupt, len(d.b))
	}
	return d.err
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

func (d *decoder) uint64() uint64 {
	if len(d.b) < 8 {
		d.fail()
		return 0
	}
	v := binary.BigEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
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

func (d *decoder) tenths() float64 { return float64(d.varint()) / 10 }

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

// bytes reads a string as a slice of the record, without a copy.
func (d *decoder) bytes() []byte {
	n := d.count()
	b := d.b[:n:n]
	d.b = d.b[n:]
	return b
}

// skip passes over a string.
func (d *decoder) skip() { d.b = d.b[d.count():] }

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
