package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDiscoverCommand(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/{$}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><a href="/presse">Espace presse</a></body></html>`)
	})
	mux.HandleFunc("/presse", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<html lang="fr"><body><ul class="actus">`)
		for i, title := range []string{"Kerloc ouvre une usine à Brest", "Kerloc recrute 25 techniciens", "Kerloc lève 8 millions d'euros"} {
			fmt.Fprintf(w, `<li><span class="date">%d mars 2025</span> <a href="/presse/%d">%s</a></li>`, 10-i, i, title)
		}
		fmt.Fprint(w, `</ul></body></html>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	out, stderr, err := runCmd(t, "discover", srv.URL+"/", "--interval", "0")
	if err != nil {
		t.Fatalf("discover: %v\n%s%s", err, out, stderr)
	}
	want := `  - {url: "` + srv.URL + `/presse", item: "ul.actus > li", title: "a", link: "a@href", date: "span.date"}`
	if !strings.Contains(out, "\npages:\n"+want+"\n") || !strings.Contains(out, "2025-03-10  Kerloc ouvre une usine à Brest") {
		t.Errorf("discover output lacks the pages entry\n%s\nand the first item:\n%s", want, out)
	}

	empty := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><div id="app"></div><script src="/app.js"></script></body></html>`)
	}))
	defer empty.Close()
	out, _, err = runCmd(t, "discover", "--interval", "0", "--render=false", empty.URL+"/")
	if err == nil || !strings.Contains(err.Error(), "install Chromium so discover can render it") {
		t.Errorf("discover on a script-only page: %v, want an error suggesting Chromium\n%s", err, out)
	}
	if _, _, err := runCmd(t, "discover"); exitCode(err, &strings.Builder{}) != exitUsage {
		t.Errorf("discover without a URL: %v, want a usage error", err)
	}
}
