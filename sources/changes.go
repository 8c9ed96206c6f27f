package sources

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/veille-hq/veille/signals"
)

// maxListed is how many new or removed entries a change item's title names.
const maxListed = 5

// ExtractChanges returns the texts of the elements of a page that match
// selector (change mode), in document order; empty texts are skipped.
func ExtractChanges(r io.Reader, contentType string, pageURL string, selector string) ([]string, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read page %s: %w", signals.RedactURL(pageURL), err)
	}
	texts, _, err := extractChanges(context.Background(), body, contentType, pageURL, selector)
	return texts, err
}

// extractChanges returns the selected texts and the page's language. It
// stops with ctx's error when ctx ends.
func extractChanges(ctx context.Context, body []byte, contentType, pageURL, selector string) ([]string, string, error) {
	if strings.TrimSpace(selector) == "" {
		return nil, "", fmt.Errorf("page %s: change mode: no select selector", signals.RedactURL(pageURL))
	}
	fld, err := compileField(selector)
	if err != nil {
		return nil, "", fmt.Errorf("page %s: %w", signals.RedactURL(pageURL), err)
	}
	if fld.sel == nil {
		return nil, "", fmt.Errorf("page %s: change mode: selector %q selects no element", signals.RedactURL(pageURL), selector)
	}
	doc, _, err := loadHTML(body, contentType, pageURL)
	if err != nil {
		return nil, "", err
	}
	var texts []string
	var ctxErr error
	doc.FindMatcher(fld.sel).EachWithBreak(func(i int, s *goquery.Selection) bool {
		if i%ctxCheckEvery == 0 {
			if ctxErr = ctx.Err(); ctxErr != nil {
				return false
			}
		}
		t := selectionText(s)
		if fld.attr != "" {
			t = foldSpace(s.AttrOr(fld.attr, ""))
		}
		if t != "" {
			texts = append(texts, truncateUTF8(t, 1000))
		}
		return true
	})
	if ctxErr != nil {
		return nil, "", ctxErr
	}
	return texts, langTag(doc.Find("html").AttrOr("lang", "")), nil
}

// diffChanges compares the selected texts of a visit with the baseline of
// the previous one and returns the one item describing the change, or false
// when the set is the same. A rising count carries the hr_moves hint.
func diffChanges(prev, cur []string, pageURL, lang string, now time.Time) (signals.Item, bool) {
	added, removed := multisetDiff(prev, cur)
	if len(added) == 0 && len(removed) == 0 {
		return signals.Item{}, false
	}
	title := signals.JobChange{Before: len(prev), After: len(cur), Added: listSome(added), Removed: listSome(removed)}.Title()
	sorted := slices.Clone(cur)
	slices.Sort(sorted)
	sum := sha256.Sum256([]byte(pageURL + "\x00" + strings.Join(sorted, "\x00")))
	id := hex.EncodeToString(sum[:8])
	it := signals.Item{
		GUID:      "changes:" + id,
		Title:     title,
		Summary:   truncateUTF8(strings.Join(added, "\n"), maxSummary),
		Published: now,
		Lang:      lang,
	}
	if u, err := url.Parse(pageURL); err == nil {
		// The fragment tells this change from the page's other changes,
		// which all link to the same page.
		if c, err := canonicalURL(u); err == nil {
			it.URL = c + "#changes-" + id
		}
	}
	if len(cur) > len(prev) {
		it.Hints = []signals.Label{signals.HRMoves}
	}
	return it, true
}

// multisetDiff returns what cur has that prev has not, and the reverse,
// counting duplicates (two identical offers are two offers).
func multisetDiff(prev, cur []string) (added, removed []string) {
	count := map[string]int{}
	for _, p := range prev {
		count[p]++
	}
	for _, c := range cur {
		if count[c] > 0 {
			count[c]--
			continue
		}
		added = append(added, c)
	}
	for _, p := range prev {
		if count[p] > 0 {
			count[p]--
			removed = append(removed, p)
		}
	}
	return added, removed
}

// listSome shortens a list of offers for a change's title: the first ones,
// each cut to 80 bytes, then "… (+N)" for the others.
func listSome(s []string) []string {
	shown := make([]string, 0, maxListed+1)
	for _, t := range s[:min(len(s), maxListed)] {
		shown = append(shown, truncateUTF8(t, 80))
	}
	if len(s) > maxListed {
		shown = append(shown, fmt.Sprintf("… (+%d)", len(s)-maxListed))
	}
	return shown
}

// fetchChanges fetches a page in change mode. The first visit only records
// the baseline; later visits emit one item when the selected set changed.
func (f *Fetcher) fetchChanges(ctx context.Context, src signals.Source, st *signals.SourceState) (signals.FetchResult, error) {
	d, err := f.pageDocument(ctx, src, st)
	if err != nil {
		return resultOf(d), err
	}
	if d.notModified {
		return signals.FetchResult{NotModified: true, Status: d.status}, nil
	}
	texts, lang, err := extractChanges(ctx, d.body, d.contentType(), d.url.String(), src.Page.Select)
	if ctx.Err() != nil {
		return signals.FetchResult{Status: d.status}, ctxError(src.URL, ctx)
	}
	if err != nil {
		return signals.FetchResult{Status: d.status}, &FetchError{Kind: signals.ErrParse, URL: src.URL, Status: d.status, Err: err}
	}
	res := signals.FetchResult{Status: d.status, Yield: signals.Yield{Items: len(texts)}}
	if len(texts) == 0 {
		res.Yield.Unmatched = []string{fmt.Sprintf("select %q", src.Page.Select)}
	}
	if st.HasBaseline {
		if it, ok := diffChanges(st.Baseline, texts, src.URL, lang, f.now()); ok {
			res.Items = []signals.Item{it}
		}
	}
	st.Baseline, st.HasBaseline = texts, true
	return res, nil
}
