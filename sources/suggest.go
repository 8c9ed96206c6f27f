package sources

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/veille-hq/veille/signals"
)

// PageSuggestion is a proposed selector-mode reading of a newsroom page:
// the repeated block holding dated links, and what it yields.
type PageSuggestion struct {
	Spec   signals.PageSpec
	Items  []signals.Item // what Spec reads on the page
	Blocks int            // elements the item selector matches
	Dated  int            // items with a title, a link and a date
	Score  float64
}

const (
	// minBlocks is how many sibling blocks make a list of news.
	minBlocks = 3
	// maxSuggestions bounds the proposals returned, best first.
	maxSuggestions = 3
	// maxDateText is the longest text read as a date on its own: longer
	// texts are sentences that merely mention one.
	maxDateText = 48
	// maxGroupClasses bounds the classes tried as a group's signature.
	maxGroupClasses = 12
)

// SuggestPageSpecs finds the blocks of a page that repeat (at least three
// siblings sharing a tag and classes, each with a link and a date, in a
// <time> or a short text) and proposes selectors that read them, best
// first: more dated items, longer titles, not in a menu or footer. Each
// proposal is checked by reading the page with it. None when no repeated
// block holds dated links.
func SuggestPageSpecs(body []byte, contentType, pageURL string, now time.Time) ([]PageSuggestion, error) {
	doc, _, err := loadHTML(body, contentType, pageURL)
	if err != nil {
		return nil, err
	}
	var out []PageSuggestion
	seen := map[string]bool{}
	for _, g := range siblingGroups(doc) {
		spec, ok := groupSpec(doc, g, now)
		if !ok || seen[spec.Item] {
			continue
		}
		seen[spec.Item] = true
		items, y, err := parsePageYield(context.Background(), body, contentType, pageURL, spec, now, 0)
		if err != nil || len(y.Unmatched) > 0 {
			continue
		}
		s := PageSuggestion{Spec: spec, Items: items, Blocks: doc.Find(spec.Item).Length()}
		titles := 0
		for _, it := range items {
			if it.Title != "" && it.URL != "" && !it.Published.IsZero() {
				s.Dated++
				titles += min(len([]rune(it.Title)), 80)
			}
		}
		if s.Dated < minBlocks {
			continue
		}
		// Dated items weigh most; long titles are news rather than menu
		// entries; blocks the selector matches beyond the dated ones are
		// noise it would read too.
		s.Score = float64(s.Dated) * (0.5 + float64(titles)/float64(s.Dated)/80) * float64(s.Dated) / float64(max(s.Blocks, 1))
		if chrome(g.members[0]) {
			s.Score *= 0.3
		}
		s.Score = float64(int(s.Score*10+0.5)) / 10
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b PageSuggestion) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(len(a.Spec.Item), len(b.Spec.Item)))
	})
	return out[:min(len(out), maxSuggestions)], nil
}

// group is a set of sibling elements sharing a tag and classes.
type group struct {
	parent  *goquery.Selection
	tag     string
	classes []string // shared by every member
	members []*goquery.Selection
}

// siblingGroups lists, for every element, its children that share a tag
// (and, for each class at least minBlocks of them carry, that class), when
// at least minBlocks do.
func siblingGroups(doc *goquery.Document) []group {
	var out []group
	doc.Find("body, body *").Each(func(_ int, parent *goquery.Selection) {
		byTag := map[string][]*goquery.Selection{}
		var tags []string
		parent.Children().Each(func(_ int, c *goquery.Selection) {
			tag := goquery.NodeName(c)
			if hiddenTag(tag) {
				return
			}
			if byTag[tag] == nil {
				tags = append(tags, tag)
			}
			byTag[tag] = append(byTag[tag], c)
		})
		for _, tag := range tags {
			members := byTag[tag]
			if len(members) < minBlocks {
				continue
			}
			all := group{parent: parent, tag: tag, classes: sharedClasses(members), members: members}
			out = append(out, all)
			counts := map[string]int{}
			var order []string
			for _, m := range members {
				for _, c := range classesOf(m) {
					if counts[c] == 0 {
						order = append(order, c)
					}
					counts[c]++
				}
			}
			for _, c := range order[:min(len(order), maxGroupClasses)] {
				if counts[c] < minBlocks || counts[c] == len(members) {
					continue
				}
				var sub []*goquery.Selection
				for _, m := range members {
					if slices.Contains(classesOf(m), c) {
						sub = append(sub, m)
					}
				}
				// A class that adds nothing to the selector is a category
				// of the same blocks (WordPress's category-*), not a list.
				if cs := sharedClasses(sub); simpleSelector(tag, cs) != simpleSelector(tag, all.classes) {
					out = append(out, group{parent: parent, tag: tag, classes: cs, members: sub})
				}
			}
		}
	})
	return out
}

func hiddenTag(tag string) bool {
	switch tag {
	case "script", "style", "noscript", "template", "iframe", "svg", "head", "br", "hr", "img", "input", "option":
		return true
	}
	return false
}

// classesOf lists an element's classes fit for a selector: generated ones
// (post-123, with digits) are left out, they differ from block to block.
func classesOf(s *goquery.Selection) []string {
	var out []string
	for _, c := range strings.Fields(s.AttrOr("class", "")) {
		if strings.ContainsAny(c, "0123456789:/[]()%@!") {
			continue
		}
		out = append(out, c)
	}
	return out
}

func sharedClasses(members []*goquery.Selection) []string {
	shared := classesOf(members[0])
	for _, m := range members[1:] {
		cs := classesOf(m)
		shared = slices.DeleteFunc(shared, func(c string) bool { return !slices.Contains(cs, c) })
	}
	return shared
}

// simpleSelector is tag.class1.class2 for an element, with the classes
// given (at most two, the first ones: enough to tell blocks apart).
func simpleSelector(tag string, classes []string) string {
	var b strings.Builder
	b.WriteString(tag)
	for _, c := range classes[:min(len(classes), 2)] {
		b.WriteString("." + c)
	}
	return b.String()
}

// groupSpec proposes the selectors that read a group's members: the item
// selector (qualified by the parent when it would match elsewhere too),
// the title (a heading, else the longest link), the link, the date (a
// <time>, else the short text that reads as a date) and the summary (a
// paragraph). It reports false when the members do not hold dated links.
func groupSpec(doc *goquery.Document, g group, now time.Time) (signals.PageSpec, bool) {
	item := simpleSelector(g.tag, g.classes)
	// A bare tag (li, div) matches whatever the next redesign adds: it is
	// qualified by its list, as is a selector that matches elsewhere too.
	if len(g.classes) == 0 || doc.Find(item).Length() > len(g.members) {
		if p := parentSelector(g.parent); p != "" {
			item = p + " > " + item
		}
	}
	var spec signals.PageSpec
	spec.Item = item
	titles, links, dates, summaries := map[string]int{}, map[string]int{}, map[string]int{}, map[string]int{}
	withDate, withLink := 0, 0
	for _, m := range g.members {
		title, link := titleAndLink(m)
		if link != "" {
			withLink++
			links[link]++
		}
		if title != "" {
			titles[title]++
		}
		if d := dateSelector(m, now); d != "" {
			withDate++
			dates[d]++
		}
		if s := summarySelector(m); s != "" {
			summaries[s]++
		}
	}
	if withDate < minBlocks || withLink < minBlocks {
		return spec, false
	}
	spec.Title, spec.Link, spec.Date = mostCommon(titles), mostCommon(links), mostCommon(dates)
	if n := summaries[mostCommon(summaries)]; n*2 >= len(g.members) {
		spec.Summary = mostCommon(summaries)
	}
	if spec.Link == "@href" {
		spec.Link = "" // the block is the link: the default reads its href
	}
	return spec, true
}

// parentSelector names a group's parent: #id, else tag.classes, else its
// own parent's name > its tag, up to a few levels; "" when nothing up
// there has a name.
func parentSelector(p *goquery.Selection) string {
	path := ""
	for range 3 {
		if p.Length() == 0 || goquery.NodeName(p) == "body" {
			return ""
		}
		name := ""
		if id := p.AttrOr("id", ""); id != "" && !strings.ContainsAny(id, " 0123456789") {
			name = "#" + id
		} else if cs := classesOf(p); len(cs) > 0 {
			name = simpleSelector(goquery.NodeName(p), cs)
		}
		if name != "" {
			return name + path
		}
		path = " > " + goquery.NodeName(p) + path
		p = p.Parent()
	}
	return ""
}

// titleAndLink proposes the title and link selectors of one block: its
// first heading with text (and the link inside or around it), else its
// link with the longest text.
func titleAndLink(m *goquery.Selection) (title, link string) {
	if goquery.NodeName(m) == "a" && m.AttrOr("href", "") != "" {
		link = "@href"
	}
	h := m.Find("h1, h2, h3, h4, h5, h6").FilterFunction(func(_ int, s *goquery.Selection) bool { return selectionText(s) != "" }).First()
	if h.Length() > 0 {
		title = goquery.NodeName(h)
		if a := h.Find("a[href]").First(); a.Length() > 0 && usableHref(a) {
			return title, title + " a@href"
		}
		if link == "" {
			if a := h.ParentsFiltered("a[href]").First(); a.Length() > 0 && usableHref(a) {
				return title, "a@href"
			}
		}
	}
	var best *goquery.Selection
	m.Find("a[href]").Each(func(_ int, a *goquery.Selection) {
		if usableHref(a) && (best == nil || len(selectionText(a)) > len(selectionText(best))) {
			best = a
		}
	})
	if link == "" && best != nil {
		link = simpleSelector("a", classesOf(best)) + "@href"
	}
	// A block that is itself the link keeps an empty title: its own text
	// is the title then.
	if title == "" && best != nil && len(selectionText(best)) >= 8 {
		title = simpleSelector("a", classesOf(best))
	}
	return title, link
}

func usableHref(a *goquery.Selection) bool {
	h := strings.TrimSpace(a.AttrOr("href", ""))
	return h != "" && !strings.HasPrefix(h, "#") && !strings.HasPrefix(strings.ToLower(h), "javascript:")
}

// dateSelector proposes the date selector of one block: a <time> (its
// datetime attribute when it has one), else the innermost element whose
// short text reads as a date.
func dateSelector(m *goquery.Selection, now time.Time) string {
	if t := m.Find("time").First(); t.Length() > 0 {
		if v, ok := t.Attr("datetime"); ok {
			if _, ok := ParseDate(v, now); ok {
				return "time@datetime"
			}
		}
		if _, ok := ParseDate(selectionText(t), now); ok {
			return "time"
		}
	}
	found := ""
	m.Find("*").EachWithBreak(func(_ int, s *goquery.Selection) bool {
		tag := goquery.NodeName(s)
		if hiddenTag(tag) || s.Children().Length() > 0 {
			return true
		}
		text := selectionText(s)
		if text == "" || len(text) > maxDateText {
			return true
		}
		if _, ok := ParseDate(text, now); ok {
			found = simpleSelector(tag, classesOf(s))
			return false
		}
		return true
	})
	return found
}

// summarySelector proposes a block's summary: its first paragraph long
// enough to be one.
func summarySelector(m *goquery.Selection) string {
	p := m.Find("p").FilterFunction(func(_ int, s *goquery.Selection) bool { return len(selectionText(s)) >= 40 }).First()
	if p.Length() == 0 {
		return ""
	}
	return simpleSelector("p", classesOf(p))
}

func mostCommon(counts map[string]int) string {
	best, n := "", 0
	for _, k := range slices.Sorted(maps.Keys(counts)) {
		if counts[k] > n {
			best, n = k, counts[k]
		}
	}
	return best
}

// chrome reports whether an element sits in a page's navigation, header,
// footer or sidebar, where repeated dated links are rarely the news.
func chrome(s *goquery.Selection) bool {
	for n := s.Get(0); n != nil; n = n.Parent {
		if n.Type != html.ElementNode {
			continue
		}
		switch n.Data {
		case "nav", "footer", "header", "aside":
			return true
		}
	}
	return false
}

// YAML is the suggestion as an entry of a `pages:` list in veille.yaml.
func (s PageSuggestion) YAML(pageURL string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- {url: %s", yamlQuote(pageURL))
	for _, f := range []struct{ k, v string }{{"item", s.Spec.Item}, {"title", s.Spec.Title}, {"link", s.Spec.Link}, {"date", s.Spec.Date}, {"summary", s.Spec.Summary}} {
		if f.v != "" {
			fmt.Fprintf(&b, ", %s: %s", f.k, yamlQuote(f.v))
		}
	}
	if s.Spec.Render != "" {
		fmt.Fprintf(&b, ", render: %s", s.Spec.Render)
	}
	b.WriteString("}")
	return b.String()
}

// yamlQuote writes s as a YAML double-quoted scalar.
func yamlQuote(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}
