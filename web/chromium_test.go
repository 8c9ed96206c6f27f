package web

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/veille-hq/veille/internal/chromium"
	"github.com/veille-hq/veille/notify"
	"github.com/veille-hq/veille/signals"
)

// TestBrowserWrongCompanyAndUndo drives a real headless Chromium as a rep
// would: it opens a digest rendered by notify, clicks "wrong company" on
// a news item, confirms, sees the lead's score drop in the web view, then
// undoes it from the lead's page and sees the score restored. CI installs
// Chromium; elsewhere the test skips without it. With $VEILLE_SCREENSHOTS
// set, a screenshot of each step goes to that folder; they are for a
// person to look at (a full-page PNG costs the browser more than the step
// it shows), so the test takes none otherwise.
func TestBrowserWrongCompanyAndUndo(t *testing.T) {
	t.Parallel()
	path, err := chromium.Find()
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	shots := os.Getenv("VEILLE_SCREENSHOTS")
	if shots != "" {
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
	}

	fx := newFixture(t)
	ds, err := fx.w.BuildDigests(fx.now, "alice")
	if err != nil || len(ds) != 1 {
		t.Fatalf("digests: %d, %v", len(ds), err)
	}
	r, err := notify.NewRenderer(notify.Options{From: "Veille <veille@example.com>"})
	if err != nil {
		t.Fatal(err)
	}
	msg, err := r.Digest(ds[0])
	if err != nil {
		t.Fatal(err)
	}
	fx.extra["/digest.html"] = msg.HTML
	var wrong string // the wrong-company link of Kerlann's fund-raising news
	for _, dl := range ds[0].Leads {
		for _, s := range dl.New {
			if dl.Lead.Company == "Kerlann" && strings.HasPrefix(s.Title, "Kerlann lève") {
				for _, l := range dl.SignalLinks[s.ID] {
					if l.Kind == signals.LinkWrongCompany {
						wrong = l.URL
					}
				}
			}
		}
	}
	if wrong == "" {
		t.Fatalf("the digest has no wrong-company link on Kerlann's news: %+v", ds[0].Leads)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	actx, stop := chromium.NewAllocator(ctx, path, chromium.Options{HeapMB: 256})
	defer stop()
	bctx, closeTab := chromedp.NewContext(actx)
	defer closeTab()

	shot := func(name string) {
		t.Helper()
		if shots == "" {
			return
		}
		b, err := chromedp.Run(bctx, chromedp.FullScreenshot(100)) // quality 100 is a PNG
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		p := filepath.Join(shots, name+".png")
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s", p)
	}
	step := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, actions...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return strings.TrimSpace(s)
	}
	kerlannScore := func() int {
		t.Helper()
		sel := `tr[data-company="Kerlann"] td.score`
		step("wait for the leads table", chromedp.WaitVisible(chromedp.CSS(sel)))
		n, err := strconv.Atoi(text(sel))
		if err != nil {
			t.Fatalf("Kerlann's score: %v", err)
		}
		return n
	}

	step("open the digest", chromedp.EmulateViewport(1000, 900), chromedp.Navigate(fx.srv.URL+"/digest.html"))
	shot("1-digest")
	step("open the web view from the digest", chromedp.Click(chromedp.CSS(`a[data-link="web"]`)))
	before := kerlannScore() // 7-leads-restored shows this page as it is again

	step("back to the digest, click wrong company",
		chromedp.Navigate(fx.srv.URL+"/digest.html"),
		chromedp.Click(chromedp.CSS(`a[href="`+wrong+`"]`)),
		chromedp.WaitVisible(chromedp.ID("confirm")))
	if got := fx.lead(t, "Kerlann").Score; int(got+0.5) != before {
		t.Fatalf("opening the link changed the score: %v, want %d", got, before)
	}
	shot("2-confirm")
	step("confirm", chromedp.Click(chromedp.ID("confirm")), chromedp.WaitVisible(chromedp.ID("undo")))
	shot("3-recorded")
	step("see my leads", chromedp.Click(chromedp.ID("see-leads")))
	after := kerlannScore()
	if after >= before {
		t.Fatalf("Kerlann's score in the web view after wrong company: %d, want less than %d", after, before)
	}
	shot("4-leads-after")

	step("open Kerlann's page",
		chromedp.Click(chromedp.CSS(`tr[data-company="Kerlann"] td.company a`)),
		chromedp.WaitVisible(chromedp.CSS("svg.chart")),
		chromedp.WaitVisible(chromedp.CSS("li.signal.dismissed")))
	shot("5-lead-dismissed")
	step("undo from the lead's page",
		chromedp.Click(chromedp.CSS(`li.signal.dismissed button[data-kind="wrong_company"]`)),
		chromedp.WaitVisible(chromedp.ID("flash")))
	shot("6-undone")
	step("see my leads again", chromedp.Click(chromedp.ID("see-leads")))
	if restored := kerlannScore(); restored != before {
		t.Fatalf("Kerlann's score after undo: %d, want %d", restored, before)
	}
	shot("7-leads-restored")
}
