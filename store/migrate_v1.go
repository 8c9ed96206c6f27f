package store

import (
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veille-hq/veille/signals"
)

// Schema 1 kept sources, leads, history and the outbox as JSON shaped by
// the exported types' tags, the digest log as RFC 3339 text, and signals
// and items in a binary form behind a version byte (1), some still as JSON.
// Schema 2 writes every record in this package's codec. The v1 types below
// are schema 1's JSON, frozen here: the tags of the types outside this
// package no longer describe the file.

// migrateV1 rewrites every schema-1 record into schema 2.
func migrateV1(tx *bolt.Tx) error {
	steps := []struct {
		bucket []byte
		conv   func(k, v []byte) ([]byte, error)
	}{
		{bucketSources, func(k, v []byte) ([]byte, error) {
			var r v1SourceRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return nil, fmt.Errorf("source %q: %w", k, err)
			}
			return encodeSource(r.record()), nil
		}},
		{bucketItems, func(k, v []byte) ([]byte, error) {
			r, err := decodeItemV1(k, v)
			if err != nil {
				return nil, err
			}
			return encodeItem(r), nil
		}},
		{bucketSignals, func(k, v []byte) ([]byte, error) {
			var s signals.Signal
			if err := decodeSignalV1(k, v, &s); err != nil {
				return nil, err
			}
			return encodeSignal(s), nil
		}},
		{bucketLeads, func(k, v []byte) ([]byte, error) {
			var l v1Lead
			if err := json.Unmarshal(v, &l); err != nil {
				return nil, fmt.Errorf("lead %q: %w", k, err)
			}
			// Leads come after signals: their explanations refer to them.
			sigs, err := (&Tx{tx: tx}).LeadSignals(string(k))
			if err != nil {
				return nil, err
			}
			return encodeLead(l.lead(), sigs), nil
		}},
		{bucketHistory, func(k, v []byte) ([]byte, error) {
			var score float64
			if err := json.Unmarshal(v, &score); err != nil {
				return nil, fmt.Errorf("history %q: %w", k, err)
			}
			return appendTenths(nil, score), nil
		}},
		{bucketOutbox, func(k, v []byte) ([]byte, error) {
			var e v1OutboxEntry
			if err := json.Unmarshal(v, &e); err != nil {
				return nil, fmt.Errorf("outbox %x: %w", k, err)
			}
			return encodeOutbox(e.entry()), nil
		}},
		{bucketDigestLog, func(k, v []byte) ([]byte, error) {
			t, err := time.Parse(time.RFC3339, string(v))
			if err != nil {
				return nil, fmt.Errorf("digest log %q: %w", k, err)
			}
			return appendUnix(nil, t), nil
		}},
	}
	for _, st := range steps {
		if err := rewrite(tx, st.bucket, st.conv); err != nil {
			return fmt.Errorf("bucket %s: %w", st.bucket, err)
		}
	}
	meta := tx.Bucket(bucketMeta)
	if day := meta.Get([]byte("health_day")); day != nil {
		if err := meta.Put(keyReportDay, day); err != nil {
			return err
		}
		return meta.Delete([]byte("health_day"))
	}
	return nil
}

const codecV1 = 1

// decodeSignalV1 reads a schema-1 signal record: JSON, or the version
// byte then schema 2's layout.
func decodeSignalV1(k, v []byte, s *signals.Signal) error {
	if len(v) > 0 && v[0] == '{' {
		var js v1Signal
		if err := json.Unmarshal(v, &js); err != nil {
			return fmt.Errorf("decode signal %q: %w", k, err)
		}
		*s = js.signal()
		return nil
	}
	if len(v) == 0 || v[0] != codecV1 {
		return fmt.Errorf("decode signal %q: %w: unknown version", k, errCorrupt)
	}
	return decodeSignal(k, v[1:], s)
}

func decodeItemV1(k, v []byte) (storedItem, error) {
	if len(v) > 0 && v[0] == '{' {
		var js v1Item
		if err := json.Unmarshal(v, &js); err != nil {
			return storedItem{}, fmt.Errorf("decode item %q: %w", k, err)
		}
		return js.item(), nil
	}
	if len(v) == 0 || v[0] != codecV1 {
		return storedItem{}, fmt.Errorf("decode item %q: %w: unknown version", k, errCorrupt)
	}
	return decodeItem(k, v[1:])
}

type v1SourceRecord struct {
	Source struct {
		ID   string `json:"id"`
		Kind string `json:"kind"`
		URL  string `json:"url"`
		Page struct {
			Item    string `json:"item"`
			Title   string `json:"title"`
			Link    string `json:"link"`
			Date    string `json:"date"`
			Summary string `json:"summary"`
			Select  string `json:"select"`
		} `json:"page"`
	} `json:"source"`
	State struct {
		ETag         string    `json:"etag"`
		LastModified string    `json:"last_modified"`
		FirstFetched time.Time `json:"first_fetched"`
		LastAttempt  time.Time `json:"last_attempt"`
		LastSuccess  time.Time `json:"last_success"`
		Failures     int       `json:"failures"`
		NextTry      time.Time `json:"next_try"`
		LastError    string    `json:"last_error"`
		ErrorKind    string    `json:"error_kind"`
		FeedURL      string    `json:"feed_url"`
		Baseline     []string  `json:"baseline"`
		HasBaseline  bool      `json:"has_baseline"`
		BodyHash     string    `json:"body_hash"`
		Known        []uint64  `json:"known"`
	} `json:"state"`
}

func (r v1SourceRecord) record() sourceRecord {
	s, st := r.Source, r.State
	return sourceRecord{
		Source: signals.Source{ID: s.ID, Kind: signals.SourceKind(s.Kind), URL: s.URL, Page: signals.PageSpec{Item: s.Page.Item, Title: s.Page.Title, Link: s.Page.Link, Date: s.Page.Date, Summary: s.Page.Summary, Select: s.Page.Select}},
		State: signals.SourceState{
			ETag: st.ETag, LastModified: st.LastModified, FirstFetched: st.FirstFetched, LastAttempt: st.LastAttempt,
			LastSuccess: st.LastSuccess, Failures: st.Failures, NextTry: st.NextTry, LastError: st.LastError,
			ErrorKind: signals.ErrorKind(st.ErrorKind), FeedURL: st.FeedURL, Baseline: st.Baseline,
			HasBaseline: st.HasBaseline, BodyHash: st.BodyHash, Known: st.Known,
		},
	}
}

type v1Item struct {
	SourceID  string    `json:"source_id"`
	URL       string    `json:"url"`
	GUID      string    `json:"guid"`
	Title     string    `json:"title"`
	Published time.Time `json:"published"`
	Lang      string    `json:"lang"`
	Hints     []string  `json:"hints"`
	FirstSeen time.Time `json:"first_seen"`
}

func (r v1Item) item() storedItem {
	it := storedItem{Item: signals.Item{SourceID: r.SourceID, URL: r.URL, GUID: r.GUID, Title: r.Title, Published: r.Published, Lang: r.Lang}, FirstSeen: r.FirstSeen}
	for _, h := range r.Hints {
		it.Hints = append(it.Hints, signals.Label(h))
	}
	return it
}

type v1Signal struct {
	ID        string `json:"id"`
	Watchlist string `json:"watchlist"`
	Company   string `json:"company"`
	Title     string `json:"title"`
	URL       string `json:"url"`
	Source    string `json:"source"`
	Sources   []struct {
		Source string `json:"source"`
		URL    string `json:"url"`
	} `json:"sources"`
	Published time.Time `json:"published_at"`
	FirstSeen time.Time `json:"first_seen_at"`
	Labels    []string  `json:"labels"`
	Evidence  map[string][]struct {
		Term   string `json:"term"`
		Field  string `json:"field"`
		Offset int    `json:"offset"`
		Points int    `json:"points"`
	} `json:"evidence"`
	Strength int  `json:"strength"`
	Backlog  bool `json:"backlog"`
}

func (r v1Signal) signal() signals.Signal {
	s := signals.Signal{
		ID: r.ID, Watchlist: r.Watchlist, Company: r.Company, Title: r.Title, URL: r.URL, Source: r.Source,
		Published: r.Published, FirstSeen: r.FirstSeen, Strength: signals.Strength(r.Strength), Backlog: r.Backlog,
		Labels: []signals.Label{}, Evidence: map[signals.Label][]signals.Evidence{},
	}
	for _, sr := range r.Sources {
		s.Sources = append(s.Sources, signals.SourceRef{Source: sr.Source, URL: sr.URL})
	}
	for _, l := range r.Labels {
		s.Labels = append(s.Labels, signals.Label(l))
	}
	for l, evs := range r.Evidence {
		for _, e := range evs {
			s.Evidence[signals.Label(l)] = append(s.Evidence[signals.Label(l)], signals.Evidence{Term: e.Term, Field: e.Field, Offset: e.Offset, Points: e.Points})
		}
	}
	// The binary form keeps the first outlet as the signal's own.
	if len(s.Sources) == 0 {
		s.Sources = []signals.SourceRef{{Source: s.Source, URL: s.URL}}
	}
	return s
}

type v1Lead struct {
	Watchlist string  `json:"watchlist"`
	Company   string  `json:"company"`
	CRMID     string  `json:"crm_id"`
	Owner     string  `json:"owner"`
	Score     float64 `json:"score"`
	Tier      string  `json:"tier"`
	Trend7d   float64 `json:"trend_7d"`
	Fit       float64 `json:"fit"`
	Signals   int     `json:"signals"`
	Why       []struct {
		What   string  `json:"what"`
		Points float64 `json:"points"`
	} `json:"why"`
	LastSignalAt time.Time `json:"last_signal_at"`
}

func (r v1Lead) lead() signals.Lead {
	l := signals.Lead{
		Watchlist: r.Watchlist, Company: r.Company, CRMID: r.CRMID, Owner: r.Owner, Score: r.Score, Tier: signals.Tier(r.Tier),
		Trend7d: r.Trend7d, Fit: r.Fit, Signals: r.Signals, LastSignalAt: r.LastSignalAt,
	}
	for _, c := range r.Why {
		l.Why = append(l.Why, signals.Contribution{What: c.What, Points: c.Points})
	}
	return l
}

type v1OutboxEntry struct {
	ID      uint64 `json:"id"`
	Message struct {
		Kind      string   `json:"kind"`
		Rep       string   `json:"rep"`
		From      string   `json:"from"`
		To        []string `json:"to"`
		Subject   string   `json:"subject"`
		MessageID string   `json:"message_id"`
		EML       []byte   `json:"eml"`
	} `json:"message"`
	Status    string    `json:"status"`
	Attempts  int       `json:"attempts"`
	Created   time.Time `json:"created"`
	NextTry   time.Time `json:"next_try"`
	LastError string    `json:"last_error"`
}

func (r v1OutboxEntry) entry() OutboxEntry {
	m := r.Message
	return OutboxEntry{
		ID: r.ID, Status: r.Status, Attempts: r.Attempts, Created: r.Created, NextTry: r.NextTry, LastError: r.LastError,
		Message: signals.Message{Kind: m.Kind, Rep: m.Rep, From: m.From, To: m.To, Subject: m.Subject, MessageID: m.MessageID, EML: m.EML},
	}
}
