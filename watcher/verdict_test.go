package watcher

import (
	"context"
	"reflect"
	"testing"

	"github.com/veille-hq/veille/query"
	"github.com/veille-hq/veille/signals"
)

// The verdicts a fetch worker works out store what the writer stores when
// it judges the items itself: the same signals, stories, outlets, scores.
func TestJudgedItemsStoreAsTheWriterWould(t *testing.T) {
	stored := func(judged bool) ([]query.SignalView, []signals.Lead) {
		fx := newFixture(t, nil)
		p := fx.w.Plan()
		items := corpus()
		var batch []fetched
		for _, ps := range p.Sources() {
			f := fetched{src: ps, res: signals.FetchResult{Items: items[ps.URL], Status: 200}, state: signals.SourceState{FirstFetched: t0, LastSuccess: t0}}
			if judged {
				f.verdicts = p.JudgeItems(ps, f.res.Items)
			}
			batch = append(batch, f)
		}
		if _, _, err := fx.w.applyBatch(context.Background(), p, batch, t0, map[string]bool{}); err != nil {
			t.Fatal(err)
		}
		sigs, err := fx.w.Signals(query.SignalFilter{}, t0)
		if err != nil {
			t.Fatal(err)
		}
		leads, err := fx.w.Leads(query.LeadFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return sigs, leads
	}
	wantSigs, wantLeads := stored(false)
	gotSigs, gotLeads := stored(true)
	if len(wantSigs) < 3 {
		t.Fatalf("the writer's own judgement stored %d signals; the corpus has at least 3", len(wantSigs))
	}
	if !reflect.DeepEqual(gotSigs, wantSigs) {
		t.Errorf("judged by the workers, signals\n%+v\nwant\n%+v", gotSigs, wantSigs)
	}
	if !reflect.DeepEqual(gotLeads, wantLeads) {
		t.Errorf("judged by the workers, leads\n%+v\nwant\n%+v", gotLeads, wantLeads)
	}
}
