package demo

import (
	"net/url"
	"strings"
	"testing"
)

// A prospect list without the corpus's aliases still gets its search
// results; a query naming no company gets an empty feed, not a 404.
func TestSearchAnswersAnyQuery(t *testing.T) {
	s, err := Start(testNow)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	tests := []struct {
		q, want, notWant string
	}{
		{`"Conserverie Ker Avel"`, "<item>", ""},
		{`"Forez Usinage"`, "<channel>", "<item>"},
		{`"Nobody SA"`, "<channel>", "<item>"},
	}
	for _, tt := range tests {
		resp, body := get(t, s.URL+"/recherche?q="+url.QueryEscape(tt.q)+"&hl=fr")
		if resp.StatusCode != 200 || !strings.Contains(string(body), tt.want) || (tt.notWant != "" && strings.Contains(string(body), tt.notWant)) {
			t.Errorf("search %s: %s, want %q and not %q:\n%.300s", tt.q, resp.Status, tt.want, tt.notWant, body)
		}
	}
	csv := string(SampleCSV(s.URL))
	if !strings.HasPrefix(csv, "name,site,siren,crm_id\n") || !strings.Contains(csv, ",835612771,") {
		t.Errorf("SampleCSV:\n%s", csv)
	}
}

func TestStartOnRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", "10.0.0.1:0", "example.com:80"} {
		if s, err := StartOn(addr, testNow); err == nil {
			s.Close()
			t.Errorf("StartOn(%q) served", addr)
		}
	}
}
