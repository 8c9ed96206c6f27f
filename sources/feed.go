package sources

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/mmcdole/gofeed"
	"github.com/mmcdole/gofeed/atom"
	"github.com/mmcdole/gofeed/rss"

	"github.com/veille-hq/veille/signals"
)

// errNotFeed says the bytes are not RSS, Atom or JSON Feed: usually an HTML
// page, an error page or a bot challenge served at the feed's URL.
var errNotFeed = errors.New("not a feed")

// maxSummary bounds an item's summary, in bytes; a feed that puts whole
// books in its descriptions must not fill the store.
const maxSummary = 16 << 10

// maxTitle bounds an item's title, in bytes.
const maxTitle = 1000

// maxKnown bounds the fingerprints a source's state keeps, its first items
// (feeds list the newest first). The items of a longer feed beyond them are
// extracted again at each fetch, and found stored.
const maxKnown = 1000

// ctxCheckEvery is how many items a decoding loop handles between two
// looks at its context: often enough to stop within milliseconds, rarely
// enough to cost nothing.
const ctxCheckEvery = 64

// feedDecoder turns fetched bytes into items. It holds one gofeed parser,
// shared by every fetch (safe for concurrent use since gofeed #278), and the
// format parsers used when type detection fails.
type feedDecoder struct {
	maxItems  int // items kept per document, the newest; 0: all
	universal *gofeed.Parser
	rss       *rss.Parser
	atom      *atom.Parser
	rssTr     gofeed.Translator
	atomTr    gofeed.Translator
}

func newFeedDecoder(maxItems int) *feedDecoder {
	// Items' images are not used; without the scan, the RSS translator does
	// not parse every description as HTML a second time.
	rssTr := &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	universal := gofeed.NewParser()
	universal.RSSTranslator = rssTr
	return &feedDecoder{
		maxItems:  maxItems,
		universal: universal,
		rss:       &rss.Parser{},
		atom:      &atom.Parser{},
		rssTr:     rssTr,
		atomTr:    &gofeed.DefaultAtomTranslator{},
	}
}

// ParseFeed decodes an RSS 0.9x/1.0/2.0, Atom 0.3/1.0 or JSON Feed document
// fetched from feedURL. Links are resolved against feedURL; HTML in titles
// and descriptions becomes plain text; dates in the future are clamped to
// the current time. Bytes that are no feed give an error wrapping
// errNotFeed.
func ParseFeed(r io.Reader, contentType string, feedURL string) ([]signals.Item, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read feed %s: %w", signals.RedactURL(feedURL), err)
	}
	items, _, err := newFeedDecoder(0).decode(context.Background(), body, contentType, feedURL, time.Now(), nil)
	return items, err
}

// decode parses a feed and returns its items but those whose fingerprint is
// in known (sorted), with the sorted fingerprints of every item kept: the
// known list of its next fetch. Past d.maxItems, only the newest are kept.
// It stops with ctx's error when ctx ends.
func (d *feedDecoder) decode(ctx context.Context, body []byte, contentType, feedURL string, now time.Time, known []uint64) ([]signals.Item, []uint64, error) {
	base, err := url.Parse(feedURL)
	if err != nil {
		return nil, nil, fmt.Errorf("parse feed %s: %w", signals.RedactURL(feedURL), err)
	}
	feed, err := d.parse(body)
	if err != nil && !utf8.Valid(body) && declaresUTF8OrNothing(body) {
		// gofeed #21: an undeclared Latin-1 feed fails as invalid UTF-8.
		if utf, terr := transcodeToUTF8(body, contentType); terr == nil {
			if f, perr := d.parse(utf); perr == nil {
				feed, err = f, nil
			}
		}
	}
	if err != nil {
		if errors.Is(err, gofeed.ErrFeedTypeNotDetected) || looksLikeHTML(body) {
			return nil, nil, fmt.Errorf("parse feed %s: %w", signals.RedactURL(feedURL), errNotFeed)
		}
		return nil, nil, fmt.Errorf("parse feed %s: %w", signals.RedactURL(feedURL), err)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	kept, err := newestItems(ctx, feed.Items, d.maxItems, now)
	if err != nil {
		return nil, nil, err
	}
	lang := langTag(feed.Language)
	items := make([]signals.Item, 0, len(kept))
	carried := make([]uint64, 0, min(len(kept), maxKnown))
	for i, it := range kept {
		if i%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, nil, err
			}
		}
		item, fp, isNew := feedItem(it, base, lang, now, known)
		if len(carried) < maxKnown {
			carried = append(carried, fp)
		}
		if isNew && (item.Title != "" || item.URL != "" || item.GUID != "" || item.Summary != "") {
			items = append(items, item)
		}
	}
	slices.Sort(carried)
	return items, slices.Compact(carried), nil
}

// newestItems drops nil items and, past max (> 0), keeps the max newest in
// document order. Undated items count as older than dated ones, so a feed
// without dates keeps its first max, as feeds list the newest first.
func newestItems(ctx context.Context, all []*gofeed.Item, max int, now time.Time) ([]*gofeed.Item, error) {
	items := make([]*gofeed.Item, 0, len(all))
	for _, it := range all {
		if it != nil {
			items = append(items, it)
		}
	}
	if max <= 0 || len(items) <= max {
		return items, nil
	}
	dates := make([]time.Time, len(items))
	for i, it := range items {
		if i%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		dates[i] = feedDate(it, now)
	}
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return dates[b].Compare(dates[a]) })
	order = order[:max]
	slices.Sort(order)
	kept := make([]*gofeed.Item, len(order))
	for i, j := range order {
		kept[i] = items[j]
	}
	return kept, nil
}

// parse runs gofeed's detection and, when the root element lies beyond the
// 4 KB it inspects (gofeed #327: a long leading comment), the RSS then Atom
// parser directly. JSON feeds are always detected.
func (d *feedDecoder) parse(body []byte) (*gofeed.Feed, error) {
	body = escapedAsText(body)
	feed, err := d.universal.Parse(bytes.NewReader(body))
	if !errors.Is(err, gofeed.ErrFeedTypeNotDetected) || looksLikeHTML(body) {
		return feed, err
	}
	if rf, rerr := d.rss.Parse(bytes.NewReader(body)); rerr == nil {
		return d.rssTr.Translate(rf)
	}
	if af, aerr := d.atom.Parse(bytes.NewReader(body)); aerr == nil {
		return d.atomTr.Translate(af)
	}
	return nil, err
}

// feedItem turns a gofeed item into ours and gives its fingerprint. An item
// whose fingerprint is in known (sorted) was in the source's last document,
// whose items the store holds: only what identifies it is filled and isNew
// is false. Extracting the text of every item again, to store the one or
// two a poll finds new, was most of a cycle's work after parsing.
func feedItem(it *gofeed.Item, base *url.URL, lang string, now time.Time, known []uint64) (item signals.Item, fp uint64, isNew bool) {
	item.URL = resolveLink(base, it.Link)
	for _, l := range it.Links {
		if item.URL != "" {
			break
		}
		item.URL = resolveLink(base, l)
	}
	item.GUID = strings.TrimSpace(it.GUID)
	item.Published = feedDate(it, now)
	title := func() string { return truncateUTF8(htmlToText(it.Title), maxTitle) }
	if item.GUID == "" && item.URL == "" {
		item.Title = title() // the id hashes it
	}
	fp = fingerprint(item.ID())
	if _, found := slices.BinarySearch(known, fp); found {
		return item, fp, false
	}
	if item.Title == "" {
		item.Title = title()
	}
	summary := it.Description
	if strings.TrimSpace(summary) == "" {
		summary = it.Content
	}
	item.Summary = truncateUTF8(htmlToText(summary), maxSummary)
	item.Lang = lang
	return item, fp, true
}

// fingerprint is the first 8 bytes of an item id's SHA-256: what a
// source's state keeps of the items its last document carried. FNV gave
// close values to ids that differ only in their last bytes, as numbered
// GUIDs do.
func fingerprint(id string) uint64 {
	sum := sha256.Sum256([]byte(id))
	return binary.BigEndian.Uint64(sum[:8])
}

// feedDate is the item's published time, else its updated time, else what
// ParseDate makes of the raw strings gofeed could not read, else zero.
func feedDate(it *gofeed.Item, now time.Time) time.Time {
	for _, p := range []*time.Time{it.PublishedParsed, it.UpdatedParsed} {
		if p != nil && !p.IsZero() {
			if p.After(now) {
				return now
			}
			return *p
		}
	}
	for _, s := range []string{it.Published, it.Updated} {
		if t, ok := ParseDate(s, now); ok {
			return t
		}
	}
	return time.Time{}
}

var xmlDeclEncoding = regexp.MustCompile(`^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']*)["']`)

// declaresUTF8OrNothing reports whether the XML declaration names no
// encoding or names UTF-8: the case where a wrongly encoded feed needs us to
// transcode it.
func declaresUTF8OrNothing(body []byte) bool {
	head := body[:min(len(body), 512)]
	m := xmlDeclEncoding.FindSubmatch(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")))
	if m == nil {
		return true
	}
	enc := strings.ToLower(string(m[1]))
	return enc == "utf-8" || enc == "utf8" || enc == ""
}

// looksLikeHTML reports whether the first element of body is an HTML one.
func looksLikeHTML(body []byte) bool {
	head := bytes.ToLower(body[:min(len(body), 1024)])
	return bytes.Contains(head, []byte("<!doctype html")) || bytes.Contains(head, []byte("<html")) ||
		bytes.Contains(head, []byte("<head")) || bytes.Contains(head, []byte("<body"))
}

// langTag maps a language tag ("fr-FR", "en_us") to "fr", "en" or "".
func langTag(tag string) string {
	t := strings.ToLower(strings.TrimSpace(tag))
	switch {
	case strings.HasPrefix(t, "fr"):
		return "fr"
	case strings.HasPrefix(t, "en"):
		return "en"
	}
	return ""
}

func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// escapedAsText returns body with the Atom text constructs of type "html"
// (a title, summary, content, subtitle or rights whose markup is escaped)
// marked type "text", in a copy when there is any. gofeed's Atom parser
// runs x/net/html's parse over every text construct of type html, to strip
// a wrapping div that escaped markup cannot hold (the parse finds text
// only), then decodes the entities as for type text. That parse was a tenth
// of a first cycle's allocations; the text is the same either way, as
// feedItem turns the markup into text itself (and drops the links that
// gofeed would resolve against an xml:base in it).
func escapedAsText(body []byte) []byte {
	out := body
	for _, attr := range [][]byte{[]byte(`type="html"`), []byte(`type='html'`)} {
		for i := 0; ; {
			j := bytes.Index(body[i:], attr)
			if j < 0 {
				break
			}
			j += i
			i = j + len(attr)
			if !inTextConstructTag(body, j) {
				continue
			}
			if &out[0] == &body[0] {
				out = bytes.Clone(body)
			}
			copy(out[j+len(`type="`):], "text")
		}
	}
	return out
}

// inTextConstructTag reports whether offset j of body, where an attribute
// starts, lies in the start tag of an Atom text construct (any namespace
// prefix).
func inTextConstructTag(body []byte, j int) bool {
	if j == 0 || !isXMLSpace(body[j-1]) {
		return false
	}
	lt := bytes.LastIndexByte(body[:j], '<')
	if lt < 0 || bytes.IndexByte(body[lt:j], '>') >= 0 {
		return false
	}
	name := body[lt+1 : j-1]
	if k := bytes.IndexFunc(name, func(r rune) bool { return r < 0x80 && isXMLSpace(byte(r)) }); k >= 0 {
		name = name[:k]
	}
	if k := bytes.IndexByte(name, ':'); k >= 0 {
		name = name[k+1:]
	}
	switch string(name) {
	case "title", "summary", "content", "subtitle", "rights":
		return true
	}
	return false
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
