package store

import (
	"bytes"
	"time"

	"github.com/veille-hq/veille/signals"
)

// SourceStates reads every stored source state, by source id.
func (t *Tx) SourceStates() (map[string]signals.SourceState, error) {
	out := map[string]signals.SourceState{}
	err := t.tx.Bucket(bucketSources).ForEach(func(k, v []byte) error {
		t.read()
		r, err := decodeSource(k, v)
		out[string(k)] = r.State
		return err
	})
	return out, err
}

// PutSourceState stores a source with its state after a fetch.
func (t *Tx) PutSourceState(src signals.Source, st signals.SourceState) error {
	t.read()
	return t.tx.Bucket(bucketSources).Put([]byte(src.ID), encodeSource(sourceRecord{Source: src, State: st}))
}

// HasItem reports whether the source already delivered the item.
func (t *Tx) HasItem(sourceID, itemID string) bool {
	t.readNear(nearItems, sourceID)
	return t.tx.Bucket(bucketItems).Get(key(sourceID, itemID)) != nil
}

// SourceHasItems reports whether any item of the source is stored: when
// none is (its first fetch), every item it brings is new, and one search
// of the bucket tells so instead of a HasItem for each.
func (t *Tx) SourceHasItems(sourceID string) bool {
	t.readNear(nearItems, sourceID)
	prefix := key(sourceID, "")
	k, _ := t.tx.Bucket(bucketItems).Cursor().Seek(prefix)
	return bytes.HasPrefix(k, prefix)
}

// PutItem records an item of its source (it.SourceID) first seen at
// firstSeen. Its summary goes to the texts bucket (putText), not in the
// item record: the poll reads the items for every item a feed lists, and
// summaries would make those records, hence the pages it maps, many times
// larger.
func (t *Tx) PutItem(it signals.Item, firstSeen time.Time) error {
	// bbolt copies a key it stores: both buckets' puts share one.
	k := key(it.SourceID, it.ID())
	if err := t.putText(k, it.Summary); err != nil {
		return err
	}
	it.Summary = ""
	t.readNear(nearItems, it.SourceID)
	return t.dense(bucketItems).Put(k, encodeItem(storedItem{Item: it, FirstSeen: firstSeen}))
}

// Signal reads a lead's stored signal for story; found is false when there
// is none. Once the transaction has read the lead's stories (SameStory),
// they say without a search of the bucket that a story is not stored: a
// feed's first fetch asks so of each of its new stories.
func (t *Tx) Signal(leadKey, story string) (s signals.Signal, found bool, err error) {
	if ls, ok := t.stories[leadKey]; ok && !ls.ids[story] {
		return s, false, nil
	}
	t.readNear(nearSignals, leadKey)
	k := key(leadKey, story)
	v := t.tx.Bucket(bucketSignals).Get(k)
	if v == nil {
		return s, false, nil
	}
	return s, true, decodeSignal(k, v, &s)
}

// PutSignal stores a signal under its lead (watch list and company) and
// story id. Its first outlet is its own source and URL.
func (t *Tx) PutSignal(s signals.Signal) error {
	lk := signals.LeadKey(s.Watchlist, s.Company)
	t.readNear(nearSignals, lk)
	if err := t.dense(bucketSignals).Put(key(lk, s.ID), encodeSignal(s)); err != nil {
		return err
	}
	t.noteStory(lk, s)
	return nil
}

// LeadSignals reads a lead's stored signals, in story id order.
func (t *Tx) LeadSignals(leadKey string) ([]signals.Signal, error) {
	var out []signals.Signal
	err := t.scan(bucketSignals, key(leadKey, ""), func(k, v []byte) error {
		var s signals.Signal
		if err := decodeSignal(k, v, &s); err != nil {
			return err
		}
		out = append(out, s)
		return nil
	})
	return out, err
}

// ScoredSignals reads a lead's stored signals as scoring needs them, in
// story id order: without their outlets, and of the evidence only the
// keywords' (decodeScoredSignal). A signal read so is not written back.
func (t *Tx) ScoredSignals(leadKey string) ([]signals.Signal, error) {
	var out []signals.Signal
	err := t.scan(bucketSignals, key(leadKey, ""), func(k, v []byte) error {
		out = append(out, signals.Signal{})
		return decodeScoredSignal(k, v, &out[len(out)-1])
	})
	return out, err
}

// storyBriefs reads what the same-story test needs of a lead's stored
// signals, in story id order: it decodes only a prefix of each record.
func (t *Tx) storyBriefs(leadKey string) ([]storyBrief, error) {
	out := []storyBrief{}
	err := t.scan(bucketSignals, key(leadKey, ""), func(k, v []byte) error {
		sb, err := decodeStoryBrief(k, v)
		out = append(out, sb)
		return err
	})
	return out, err
}

// scan reads a lead's signals, in key order: consecutive records share
// pages, so it counts a read per scanPage records, not per record.
func (t *Tx) scan(bucket, prefix []byte, fn func(k, v []byte) error) error {
	c := t.tx.Bucket(bucket).Cursor()
	t.readNear(nearSignals, string(prefix[:len(prefix)-1]))
	n := 0
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if n++; n%scanPage == 0 {
			t.read()
		}
		if err := fn(k, v); err != nil {
			return err
		}
	}
	return nil
}

// Lead reads a lead's record; found is false before its first scoring.
func (t *Tx) Lead(leadKey string) (l signals.Lead, found bool, err error) {
	t.read()
	v := t.tx.Bucket(bucketLeads).Get([]byte(leadKey))
	if v == nil {
		return l, false, nil
	}
	l, err = decodeLead([]byte(leadKey), v, func(story string) string { return t.storyTitle(leadKey, story) })
	return l, true, err
}

// storyTitle reads a stored signal's title ("" when there is none).
func (t *Tx) storyTitle(leadKey, story string) string {
	t.readNear(nearSignals, leadKey)
	k := key(leadKey, story)
	v := t.tx.Bucket(bucketSignals).Get(k)
	if v == nil {
		return ""
	}
	sb, _ := decodeStoryBrief(k, v)
	return sb.Title
}

// PutLead stores a lead's record, scored from sigs (its stored signals,
// whose titles its explanation refers to), and its score as the history
// point of day (YYYY-MM-DD in the config's zone; see Day).
func (t *Tx) PutLead(l signals.Lead, sigs []signals.Signal, day string) error {
	lk := l.Key()
	t.read()
	if err := t.tx.Bucket(bucketLeads).Put([]byte(lk), encodeLead(l, sigs)); err != nil {
		return err
	}
	return t.dense(bucketHistory).Put(key(lk, day), appendTenths(nil, l.Score))
}

// Day is t's date in loc (UTC when nil): history and the day marks are
// kept by the config's days.
func Day(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format(time.DateOnly)
}

// Digested reports whether the rep was sent the lead's story in a digest.
func (t *Tx) Digested(rep, leadKey, story string) bool {
	t.read()
	return t.tx.Bucket(bucketDigestLog).Get(key(rep, leadKey, story)) != nil
}

// MarkDigested records that a digest queued at sent carried the lead's
// story to the rep.
func (t *Tx) MarkDigested(rep, leadKey, story string, sent time.Time) error {
	return t.tx.Bucket(bucketDigestLog).Put(key(rep, leadKey, story), appendUnix(nil, sent))
}

// EnqueueDigest queues a rep's digest and records the news it carries as
// sent to the rep, together: a crash can neither lose the digest nor have
// its news sent twice.
func (t *Tx) EnqueueDigest(m signals.Message, d signals.Digest, now time.Time) error {
	if _, err := t.Enqueue(m, now); err != nil {
		return err
	}
	for _, dl := range d.Leads {
		for _, s := range dl.New {
			if err := t.MarkDigested(d.Rep.ID, dl.Lead.Key(), s.ID, now); err != nil {
				return err
			}
		}
	}
	return nil
}

// Marks in the meta bucket: what the last full rescore was for, and the
// day of the last source report queued.
var (
	keyScored    = []byte("scored")
	keyReportDay = []byte("report_day")
)

// ScoredMark is what the last full rescore recorded (SetScoredMark).
func (t *Tx) ScoredMark() string { return string(t.tx.Bucket(bucketMeta).Get(keyScored)) }

// SetScoredMark records what a full rescore was for.
func (t *Tx) SetScoredMark(mark string) error {
	return t.tx.Bucket(bucketMeta).Put(keyScored, []byte(mark))
}

// ReportDay is the day the last source report was queued.
func (t *Tx) ReportDay() string { return string(t.tx.Bucket(bucketMeta).Get(keyReportDay)) }

// SetReportDay records the day a source report was queued.
func (t *Tx) SetReportDay(day string) error {
	return t.tx.Bucket(bucketMeta).Put(keyReportDay, []byte(day))
}

// scanPage is how many consecutive signal records a scan counts as one
// access: a page holds a few, and the kernel maps its neighbours with it.
const scanPage = 8
