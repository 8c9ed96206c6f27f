package sources

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/veille-hq/veille/signals"
)

// pageSpec is a compiled signals.PageSpec for selector mode.
type pageSpec struct {
	item, title, link, date, summary field
}

func compilePageSpec(spec signals.PageSpec) (pageSpec, error) {
	if strings.TrimSpace(spec.Item) == "" {
		return pageSpec{}, errors.New("page spec: no item selector")
	}
	var ps pageSpec
	var errs []error
	for _, f := range []struct {
		dst  *field
		spec string
	}{
		{&ps.item, spec.Item}, {&ps.title, spec.Title}, {&ps.link, spec.Link},
		{&ps.date, spec.Date}, {&ps.summary, spec.Summary},
	} {
		c, err := compileField(f.spec)
		errs = append(errs, err)
		*f.dst = c
	}
	if ps.item.sel == nil {
		errs = append(errs, fmt.Errorf("page spec: item selector %q selects no element", spec.Item))
	}
	if ps.link.empty() {
		ps.link, _ = compileField("a@href")
	}
	return ps, errors.Join(errs...)
}

// ParsePage reads a newsroom page in selector mode: each element matching
// spec.Item is one item, its title, link, date and summary taken by the
// other selectors ("sel@attr" takes an attribute; the link defaults to the
// first a@href in the item, or the item's own href). The charset comes from
// contentType, a BOM or a <meta>; links are resolved against pageURL and
// <base href>. Dates in the future are clamped to the current time.
func ParsePage(r io.Reader, contentType string, pageURL string, spec signals.PageSpec) ([]signals.Item, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("read page %s: %w", signals.RedactURL(pageURL), err)
	}
	return parsePage(context.Background(), body, contentType, pageURL, spec, time.Now(), 0)
}

// parsePage extracts the items of a page; past maxItems (> 0) it keeps the
// newest, in document order. It stops with ctx's error when ctx ends.
func parsePage(ctx context.Context, body []byte, contentType, pageURL string, spec signals.PageSpec, now time.Time, maxItems int) ([]signals.Item, error) {
	items, _, err := parsePageYield(ctx, body, contentType, pageURL, spec, now, maxItems)
	return items, err
}

// parsePageYield is parsePage that also says what the page held: its
// items and the configured selectors that matched nothing (the item
// selector, or a field selector in none of the items).
func parsePageYield(ctx context.Context, body []byte, contentType, pageURL string, spec signals.PageSpec, now time.Time, maxItems int) ([]signals.Item, signals.Yield, error) {
	var y signals.Yield
	ps, err := compilePageSpec(spec)
	if err != nil {
		return nil, y, fmt.Errorf("page %s: %w", signals.RedactURL(pageURL), err)
	}
	doc, base, err := loadHTML(body, contentType, pageURL)
	if err != nil {
		return nil, y, err
	}
	lang := langTag(doc.Find("html").AttrOr("lang", ""))
	var items []signals.Item
	var ctxErr error
	fields := []struct {
		name, spec string
		f          field
		matched    bool
	}{{"title", spec.Title, ps.title, false}, {"link", spec.Link, ps.link, false}, {"date", spec.Date, ps.date, false}, {"summary", spec.Summary, ps.summary, false}}
	elements := 0
	doc.FindMatcher(ps.item.sel).EachWithBreak(func(i int, s *goquery.Selection) bool {
		if i%ctxCheckEvery == 0 {
			if ctxErr = ctx.Err(); ctxErr != nil {
				return false
			}
		}
		elements++
		for j := range fields {
			if !fields[j].matched && strings.TrimSpace(fields[j].spec) != "" && fields[j].f.value(s) != "" {
				fields[j].matched = true
			}
		}
		link := ps.link.value(s)
		if link == "" && s.Is("a") {
			link = s.AttrOr("href", "")
		}
		it := signals.Item{
			URL:     resolveLink(base, link),
			Title:   truncateUTF8(ps.title.value(s), maxTitle),
			Summary: truncateUTF8(ps.summary.value(s), maxSummary),
			Lang:    lang,
		}
		if it.Title == "" && ps.title.empty() {
			it.Title = truncateUTF8(selectionText(s), 300)
		}
		if it.Title == "" && it.URL == "" {
			return true
		}
		if d := ps.date.value(s); d != "" {
			it.Published, _ = ParseDate(d, now)
		}
		items = append(items, it)
		return true
	})
	if ctxErr != nil {
		return nil, y, ctxErr
	}
	items = newestPageItems(items, maxItems)
	y.Items = len(items)
	if elements == 0 {
		y.Unmatched = []string{fmt.Sprintf("item %q", spec.Item)}
	} else {
		for _, f := range fields {
			if strings.TrimSpace(f.spec) != "" && !f.matched {
				y.Unmatched = append(y.Unmatched, fmt.Sprintf("%s %q", f.name, f.spec))
			}
		}
	}
	return items, y, nil
}

// newestPageItems keeps, past max (> 0), the max newest items in document
// order; undated items count as older than dated ones.
func newestPageItems(items []signals.Item, max int) []signals.Item {
	if max <= 0 || len(items) <= max {
		return items
	}
	order := make([]int, len(items))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return items[b].Published.Compare(items[a].Published) })
	order = order[:max]
	slices.Sort(order)
	kept := make([]signals.Item, len(order))
	for i, j := range order {
		kept[i] = items[j]
	}
	return kept
}

// loadHTML decodes body to UTF-8, parses it and returns the document with
// the base URL links resolve against: pageURL, or <base href> resolved
// against it.
func loadHTML(body []byte, contentType, pageURL string) (*goquery.Document, *url.URL, error) {
	base, err := url.Parse(pageURL)
	if err != nil {
		return nil, nil, fmt.Errorf("page %s: %w", signals.RedactURL(pageURL), err)
	}
	doc, err := goquery.NewDocumentFromReader(decodeHTML(body, contentType))
	if err != nil {
		return nil, nil, fmt.Errorf("parse page %s: %w", signals.RedactURL(pageURL), err)
	}
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if b, err := url.Parse(strings.TrimSpace(href)); err == nil {
			base = base.ResolveReference(b)
		}
	}
	return doc, base, nil
}
