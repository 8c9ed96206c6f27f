package plan

import "github.com/veille-hq/veille/signals"

// Verdict is what storing an item's match needs that reads nothing from
// the store: the lead's prospect, the item's classification for it and,
// for a signal, the story's print. The cycle's fetch workers work verdicts
// out for the items they fetched, in parallel: in the single store writer,
// which sets the pace of a large cycle, classifying and printing would be a
// third of its work.
type Verdict struct {
	Match          signals.Match
	Prospect       Prospect
	Known          bool // Prospect is the plan's: false for a lead the plan lacks
	Classification signals.Classification
	Print          *signals.StoryPrint // nil: worked out when needed
}

// JudgeItems judges the items src delivered (Judge) and prints the
// stories of those that carry a signal; the item at index i has the
// verdicts at index i.
func (p *Plan) JudgeItems(src *Source, items []signals.Item) [][]Verdict {
	out := make([][]Verdict, len(items))
	for i, it := range items {
		it.SourceID = src.ID
		out[i] = p.Judge(src, it)
		for j := range out[i] {
			if v := &out[i][j]; v.Classification.Classified() {
				sp := signals.NewStoryPrint(it.Title, it.Summary, v.Prospect.Name)
				v.Print = &sp
			}
		}
	}
	return out
}

// Judge matches an item of src with the plan's leads and classifies it
// for each lead it names.
func (p *Plan) Judge(src *Source, it signals.Item) []Verdict {
	var out []Verdict
	for _, m := range signals.Matches(p.Matcher(), src.Owners, src.Shared, it) {
		out = append(out, p.JudgeMatch(it, m))
	}
	return out
}

// JudgeMatch classifies it for the lead m names, with the classifier of
// the lead's watch list (or the item's stated labels).
func (p *Plan) JudgeMatch(it signals.Item, m signals.Match) Verdict {
	v := Verdict{Match: m}
	if v.Prospect, v.Known = p.Prospect(m.Key); !v.Known {
		return v
	}
	if it.Stated {
		v.Classification = it.StatedClassification()
	} else {
		v.Classification = p.Classifier(v.Prospect.Watchlist).Classify(signals.Input{Title: it.Title, Summary: it.Summary, Lang: it.Lang, Company: v.Prospect.Name, Hints: it.Hints})
	}
	return v
}
