package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/veille-hq/veille/signals"
)

// The texts bucket keeps each item's summary (its first
// signals.StoryTextMax bytes) under the item's own key, so a rescan can
// match and classify stored items again after the config changed. It is
// apart from the items, which the poll reads for every item a feed lists,
// and from the signals, which scoring reads: neither maps a page of text.
// An item stored before schema 4 has no entry: a rescan reads its title
// alone.

// putText keeps the summary of the item whose key is k for a rescan. An
// entry, even empty, says the item's text is known.
func (t *Tx) putText(k []byte, summary string) error {
	text := signals.TruncateText(summary, signals.StoryTextMax)
	return t.dense(bucketTexts).Put(k, appendString(make([]byte, 0, binary.MaxVarintLen64+len(text)), text))
}

// StoredItem is an item as the store keeps it, for a rescan.
type StoredItem struct {
	signals.Item
	FirstSeen time.Time
	// HasText is false for an item stored before its summary was kept: its
	// Summary is empty because it is unknown.
	HasText bool
}

// ScanItems calls fn with every stored item first seen at or after since,
// in key order, summary included when the store keeps it. The items and
// their texts share keys, so two cursors walk them side by side; an
// item's record is decoded only when its first-seen time is in range.
func (t *Tx) ScanItems(since time.Time, fn func(StoredItem) error) error {
	texts := t.tx.Bucket(bucketTexts).Cursor()
	tk, tv := texts.First()
	c := t.tx.Bucket(bucketItems).Cursor()
	n := 0
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if n++; n%scanPage == 0 {
			t.read()
		}
		seen, err := itemFirstSeen(v)
		if err != nil {
			return fmt.Errorf("decode item %q: %w", k, err)
		}
		if seen.Before(since) {
			continue
		}
		r, err := decodeItem(k, v)
		if err != nil {
			return err
		}
		si := StoredItem{Item: r.Item, FirstSeen: r.FirstSeen}
		for tk != nil && bytes.Compare(tk, k) < 0 {
			tk, tv = texts.Seek(k)
		}
		if bytes.Equal(tk, k) {
			d := decoder{b: tv}
			si.Summary, si.HasText = d.string(), true
			if err := d.end(); err != nil {
				return fmt.Errorf("decode text %q: %w", k, err)
			}
		}
		if err := fn(si); err != nil {
			return err
		}
	}
	return nil
}

// A story's print is kept in the signals bucket under printKey: the lead
// key, \x01 and the story id. A lead's prints sort together right after
// its signals (lead key, \x00, story id), and before the next lead's
// records (a lead key holds no byte below a space after its \x00): a
// transaction that stores a lead's new stories writes its signals and
// prints into the same pages, where separate buckets had it map and
// rewrite a page of each (a first cycle of 2,000 feeds: a fifth fewer
// page faults). A scan of the lead's signals (the prefix lead
// key \x00: scoring, the same-story test's briefs) stops at its first
// print, so it maps at most the one page where its signals end and its
// prints begin.

// printKey is the key of a story's print in the signals bucket.
func printKey(leadKey, story string) []byte {
	k := key(leadKey, story)
	k[len(leadKey)] = printSep
	return k
}

// printSep separates the lead key from the story id in a print's key.
const printSep = 0x01

// isPrintKey reports whether k, a key of the signals bucket, is a print's:
// its last separator (story ids are hexadecimal) is printSep.
func isPrintKey(k []byte) bool {
	for i := len(k) - 1; i >= 0; i-- {
		switch k[i] {
		case printSep:
			return true
		case 0:
			return false
		}
	}
	return false
}

// PutStoryPrint keeps a story's print beside its signal: the same-story
// test compares new items with it.
func (t *Tx) PutStoryPrint(leadKey, story string, p signals.StoryPrint) error {
	if err := t.dense(bucketSignals).Put(printKey(leadKey, story), encodePrint(p)); err != nil {
		return err
	}
	if ls, ok := t.stories[leadKey]; ok && ls.ids[story] {
		// The story was just stored (PutSignal): it is one of the last.
		for i := len(ls.entries) - 1; i >= 0; i-- {
			if ls.entries[i].ID == story {
				ls.entries[i].print = &p
				break
			}
		}
	}
	return nil
}

// storyPrint reads a story's print; found is false for a story stored
// before prints were kept.
func (t *Tx) storyPrint(leadKey, story string) (signals.StoryPrint, bool, error) {
	t.readNear(nearSignals, leadKey)
	k := printKey(leadKey, story)
	v := t.tx.Bucket(bucketSignals).Get(k)
	if v == nil {
		return signals.StoryPrint{}, false, nil
	}
	p, err := decodePrint(v)
	if err != nil {
		return p, false, fmt.Errorf("decode print %q: %w", k, err)
	}
	return p, true, nil
}

// DeleteSignal removes a lead's signal and its print (a rescan found the
// item no longer about the company, or no longer a signal).
func (t *Tx) DeleteSignal(leadKey, story string) error {
	t.readNear(nearSignals, leadKey)
	b := t.tx.Bucket(bucketSignals)
	if err := b.Delete(key(leadKey, story)); err != nil {
		return err
	}
	if err := b.Delete(printKey(leadKey, story)); err != nil {
		return err
	}
	if ls, ok := t.stories[leadKey]; ok && ls.ids[story] {
		delete(ls.ids, story)
		for i := range ls.entries {
			if ls.entries[i].ID == story {
				ls.entries = append(ls.entries[:i], ls.entries[i+1:]...)
				break
			}
		}
	}
	return nil
}

// keyMatched marks in the meta bucket what the last rescan matched and
// classified with.
var keyMatched = []byte("matched")

// MatchedMark is what the last rescan recorded (SetMatchedMark); "" before
// the first.
func (t *Tx) MatchedMark() string { return string(t.tx.Bucket(bucketMeta).Get(keyMatched)) }

// SetMatchedMark records what stored items were last matched and
// classified with.
func (t *Tx) SetMatchedMark(mark string) error {
	return t.tx.Bucket(bucketMeta).Put(keyMatched, []byte(mark))
}

// Print layout: four uvarint-counted lists, the hashes as fixed four
// bytes (random values: a varint would take five), the figures as
// uvarints.
func encodePrint(p signals.StoryPrint) []byte {
	b := make([]byte, 0, 8+4*(len(p.Title)+len(p.Shingles)+len(p.Entities))+9*len(p.Figures))
	for _, hs := range [][]uint32{p.Title, p.Shingles, p.Entities} {
		b = binary.AppendUvarint(b, uint64(len(hs)))
		for _, h := range hs {
			b = binary.BigEndian.AppendUint32(b, h)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(p.Figures)))
	for _, f := range p.Figures {
		b = binary.AppendUvarint(b, f)
	}
	return b
}

func decodePrint(v []byte) (signals.StoryPrint, error) {
	var p signals.StoryPrint
	d := decoder{b: v}
	for _, hs := range []*[]uint32{&p.Title, &p.Shingles, &p.Entities} {
		n := d.count()
		if n > len(d.b)/4 {
			d.fail()
			break
		}
		*hs = make([]uint32, n)
		for i := range *hs {
			(*hs)[i] = binary.BigEndian.Uint32(d.b)
			d.b = d.b[4:]
		}
	}
	p.Figures = make([]uint64, d.count())
	for i := range p.Figures {
		p.Figures[i] = d.uvarint()
	}
	return p, d.end()
}
