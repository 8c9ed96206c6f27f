package store

import (
	"bytes"
	"fmt"

	"github.com/veille-hq/veille/signals"
)

// bucketFeedback holds what reps said of news items and leads: lead key
// \x00 kind \x00 story id ("" for a lead's own kinds) → feedback record.
// The bucket is created at open like every other, so a store of an older
// build gains it without a migration.
var bucketFeedback = []byte("feedback")

func feedbackKey(leadKey string, kind signals.LinkKind, story string) []byte {
	return key(leadKey, string(kind), story)
}

// PutFeedback records a rep's feedback, replacing the same kind of
// feedback on the same lead and story (a second click renews a snooze).
func (t *Tx) PutFeedback(f signals.Feedback) error {
	t.read()
	return t.tx.Bucket(bucketFeedback).Put(feedbackKey(f.LeadKey(), f.Kind, f.Signal), encodeFeedback(f))
}

// DeleteFeedback removes the feedback of kind on the lead's story (undo);
// found is false when there was none.
func (t *Tx) DeleteFeedback(leadKey string, kind signals.LinkKind, story string) (found bool, err error) {
	t.read()
	b := t.tx.Bucket(bucketFeedback)
	k := feedbackKey(leadKey, kind, story)
	if b.Get(k) == nil {
		return false, nil
	}
	return true, b.Delete(k)
}

// LeadFeedback reads the feedback recorded on a lead and its signals.
func (t *Tx) LeadFeedback(leadKey string) ([]signals.Feedback, error) {
	t.read()
	var out []signals.Feedback
	prefix := key(leadKey, "")
	c := t.tx.Bucket(bucketFeedback).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		f, err := decodeFeedback(k, v)
		if err != nil {
			return nil, err
		}
		// The prefix "wl\x00Acme\x00" also starts the keys of a company
		// named "Acme\x00…"; names hold no NUL, but the record says whose it is.
		if f.LeadKey() == leadKey {
			out = append(out, f)
		}
	}
	return out, nil
}

// AllFeedback reads every feedback record, by lead.
func (t *Tx) AllFeedback() ([]signals.Feedback, error) {
	var out []signals.Feedback
	err := t.tx.Bucket(bucketFeedback).ForEach(func(k, v []byte) error {
		t.read()
		f, err := decodeFeedback(k, v)
		out = append(out, f)
		return err
	})
	return out, err
}

// Feedback layout: a version byte, then kind, rep, time, watch list,
// company, story id, snooze end, and for a signal's feedback the copy of
// the signal in the signal record's layout.
const feedbackV1 = 1

func encodeFeedback(f signals.Feedback) []byte {
	b := []byte{feedbackV1}
	b = appendString(b, string(f.Kind))
	b = appendString(b, f.Rep)
	b = appendTime(b, f.At)
	b = appendString(b, f.Watchlist)
	b = appendString(b, f.Company)
	b = appendString(b, f.Signal)
	b = appendTime(b, f.Until)
	if f.Signal != "" {
		s := signals.Signal{Title: f.Title, Labels: f.Labels, Evidence: f.Evidence}
		if f.URL != "" || f.Source != "" {
			s.Sources = []signals.SourceRef{{Source: f.Source, URL: f.URL}}
		}
		b = append(b, encodeSignal(s)...)
	}
	return b
}

func decodeFeedback(k, v []byte) (signals.Feedback, error) {
	d := decoder{b: v}
	if d.byte() != feedbackV1 {
		return signals.Feedback{}, fmt.Errorf("decode feedback %q: %w: unknown version", k, errCorrupt)
	}
	f := signals.Feedback{
		Kind: signals.LinkKind(d.string()), Rep: d.string(), At: d.time(),
		Watchlist: d.string(), Company: d.string(), Signal: d.string(), Until: d.time(),
	}
	if d.err != nil {
		return f, fmt.Errorf("decode feedback %q: %w", k, d.err)
	}
	if f.Signal != "" {
		var s signals.Signal
		if err := decodeSignal(key(f.LeadKey(), f.Signal), d.b, &s); err != nil {
			return f, fmt.Errorf("decode feedback %q: %w", k, err)
		}
		f.Title, f.URL, f.Source = s.Title, s.URL, s.Source
		if len(s.Labels) > 0 {
			f.Labels = s.Labels
		}
		if len(s.Evidence) > 0 {
			f.Evidence = s.Evidence
		}
		return f, nil
	}
	if err := d.end(); err != nil {
		return f, fmt.Errorf("decode feedback %q: %w", k, err)
	}
	return f, nil
}

// HistoryPoint is a lead's score on one day.
type HistoryPoint struct {
	Day   string  `json:"day"` // YYYY-MM-DD in the config's zone
	Score float64 `json:"score"`
}

// LeadHistory reads a lead's score history, oldest day first.
func (t *Tx) LeadHistory(leadKey string) ([]HistoryPoint, error) {
	t.read()
	var out []HistoryPoint
	prefix := key(leadKey, "")
	c := t.tx.Bucket(bucketHistory).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		day := string(k[len(prefix):])
		if len(day) != len("2006-01-02") {
			continue // another lead whose company name starts with this one's and a NUL
		}
		d := decoder{b: v}
		score := d.tenths()
		if err := d.end(); err != nil {
			return nil, fmt.Errorf("decode history %q: %w", k, err)
		}
		out = append(out, HistoryPoint{Day: day, Score: score})
	}
	return out, nil
}
