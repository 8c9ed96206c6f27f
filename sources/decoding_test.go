package sources

import (
	"context"
	"errors"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/veille-hq/veille/signals"
)

// A fetch whose document arrives while every decode slot is taken
// waits for one: with the slots held, it decodes nothing and ends with its
// deadline as a timeout, the source's validators untouched; once a slot is
// free the same fetch decodes.
func TestFetchDecodesAFewPerCPU(t *testing.T) {
	body := readFixture(t, "rss2_relative.xml")
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(body)
	})
	f := testFetcher(t, Options{})
	if want := decodesPerCPU * runtime.GOMAXPROCS(0); cap(f.decoding) != want {
		t.Fatalf("%d decode slots, want %d per CPU (%d)", cap(f.decoding), decodesPerCPU, want)
	}
	for range cap(f.decoding) {
		f.decoding <- struct{}{}
	}
	src := feedSource(srv.URL + "/feed")
	prev := signals.SourceState{ETag: `"old"`}

	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	res, st, err := f.Fetch(ctx, src, prev)
	var fe *FetchError
	if !errors.As(err, &fe) || fe.Kind != signals.ErrTimeout || len(res.Items) != 0 {
		t.Fatalf("with every slot taken: %d items, err %v; want a timeout and no items", len(res.Items), err)
	}
	if st.ETag != `"old"` || st.Failures != 1 {
		t.Errorf("state after the timeout: %+v; want the old validators and one failure", st)
	}

	<-f.decoding
	res, _, err = f.Fetch(context.Background(), src, prev)
	if err != nil || len(res.Items) != 3 {
		t.Fatalf("with a slot free: %d items, err %v; want 3 items", len(res.Items), err)
	}
	if len(f.decoding) != cap(f.decoding)-1 {
		t.Errorf("%d slots taken after the decode, want %d: a decode returns its slot", len(f.decoding), cap(f.decoding)-1)
	}
}
