package watcher

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/veille-hq/veille/signals"
)

// TrendWindow is how far back a lead's trend looks.
const TrendWindow = 7 * 24 * time.Hour

// Rescore recomputes every lead of the plan from its stored signals, in
// one write transaction, and records one history point per lead per day.
// Scores are computed, never accumulated, so a reload that changes scoring
// takes effect at the next rescore.
func (w *Watcher) Rescore(now time.Time) error {
	return w.rescore(w.Plan(), now, nil)
}

// keyScored is the meta key that says what the last full rescore was for:
// the scoring fingerprint of the plan and the day, in the config's zone.
var keyScored = []byte("scored")

// rescoreAfterCycle rescores, at the end of a cycle, the leads whose
// signals the cycle wrote, and every lead on the first cycle of a day or
// when the plan's scoring differs from the last full rescore's (a reload,
// or a `veille once` with an edited config). Rescoring every lead each
// cycle decoded every stored signal: the whole cost of a cycle where all
// sources answer 304. Between full rescores, an untouched lead's stored
// score misses only the fading of its signals since the day began (under
// 2% of its points with a 30-day half-life).
//
// full and mark are what fullRescoreDue said at the cycle's start: a cycle
// that crosses midnight leaves the new day's full rescore to the next one.
func (w *Watcher) rescoreAfterCycle(p *Plan, now time.Time, touched map[string]bool, full bool, mark []byte) error {
	if !full {
		if len(touched) == 0 {
			return nil
		}
		return w.rescore(p, now, touched)
	}
	if err := w.rescore(p, now, nil); err != nil {
		return err
	}
	if err := w.Store.db.Update(func(tx *bolt.Tx) error { return tx.Bucket(bucketMeta).Put(keyScored, mark) }); err != nil {
		return fmt.Errorf("rescore leads in %s: %w", w.Store.path, err)
	}
	return nil
}

// fullRescoreDue reports whether the last full rescore was not of p's
// scoring on now's day, and gives the mark such a rescore records.
func (w *Watcher) fullRescoreDue(p *Plan, now time.Time) (bool, []byte, error) {
	fp, err := scoringFingerprint(p)
	if err != nil {
		return false, nil, err
	}
	mark := append(append(fp, 0), now.In(p.cfg.Location).Format("2006-01-02")...)
	var last []byte
	if err := w.Store.db.View(func(tx *bolt.Tx) error {
		last = bytes.Clone(tx.Bucket(bucketMeta).Get(keyScored))
		return nil
	}); err != nil {
		return false, nil, fmt.Errorf("rescore leads in %s: %w", w.Store.path, err)
	}
	return !bytes.Equal(last, mark), mark, nil
}

// scoringFingerprint hashes what a lead's score depends on besides its
// signals and the clock: the watch lists' policies and the prospects.
func scoringFingerprint(p *Plan) ([]byte, error) {
	data, err := json.Marshal(struct {
		Policies  map[string]signals.Policy
		Prospects map[string]Prospect
		Zone      string
	}{p.policies, p.prospects, p.cfg.Location.String()})
	if err != nil {
		return nil, fmt.Errorf("scoring fingerprint: %w", err)
	}
	sum := sha256.Sum256(data)
	return []byte(hex.EncodeToString(sum[:])), nil
}

// rescore recomputes the leads in only, or every lead of the plan when
// only is nil.
func (w *Watcher) rescore(p *Plan, now time.Time, only map[string]bool) error {
	leadKeys := p.order
	if only != nil {
		leadKeys = slices.Sorted(maps.Keys(only))
	}
	if err := w.Store.db.Update(func(tx *bolt.Tx) error { return rescoreTx(tx, p, leadKeys, now) }); err != nil {
		return fmt.Errorf("rescore leads in %s: %w", w.Store.path, err)
	}
	return nil
}

// rescoreTx recomputes, in tx, the records of the leads leadKeys and their
// history point for now's day.
func rescoreTx(tx *bolt.Tx, p *Plan, leadKeys []string, now time.Time) error {
	day := now.In(p.cfg.Location).Format("2006-01-02")
	leads, hist := tx.Bucket(bucketLeads), dense(tx, bucketHistory)
	for _, lk := range leadKeys {
		pr, ok := p.prospects[lk]
		if !ok {
			continue // dropped from the config since
		}
		sigs, err := leadSignals(tx, lk)
		if err != nil {
			return err
		}
		lead := scoreLead(pr, p.policies[pr.Watchlist], sigs, now)
		if err := putJSON(leads, []byte(lk), lead); err != nil {
			return err
		}
		if err := putJSON(hist, key(lk, day), lead.Score); err != nil {
			return err
		}
	}
	return nil
}

func scoreLead(pr Prospect, pol signals.Policy, sigs []signals.Signal, now time.Time) signals.Lead {
	res := signals.Score(pr.Fields, sigs, pol, now)
	before := now.Add(-TrendWindow)
	var older []signals.Signal
	lead := signals.Lead{
		Watchlist: pr.Watchlist, Company: pr.Name, CRMID: pr.CRMID, Owner: pr.Owner,
		Score: res.Score, Tier: res.Tier, Fit: res.Fit, Why: res.Why,
	}
	for _, s := range sigs {
		if s.Backlog || len(s.Labels) == 0 && len(s.Evidence[signals.Keyword]) == 0 {
			continue
		}
		lead.Signals++
		if s.FirstSeen.After(lead.LastSignalAt) {
			lead.LastSignalAt = s.FirstSeen
		}
		if !s.FirstSeen.After(before) {
			older = append(older, s)
		}
	}
	lead.Trend7d = round1(res.Score - signals.Score(pr.Fields, older, pol, before).Score)
	return lead
}

func round1(v float64) float64 {
	if v < 0 {
		return -round1(-v)
	}
	return float64(int64(v*10+0.5)) / 10
}

// leadSignals reads a lead's stored signals (prefix scan).
func leadSignals(tx *bolt.Tx, leadKey string) ([]signals.Signal, error) {
	prefix := key(leadKey, "")
	var out []signals.Signal
	c := tx.Bucket(bucketSignals).Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var s signals.Signal
		if err := decodeSignal(k, v, &s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}
