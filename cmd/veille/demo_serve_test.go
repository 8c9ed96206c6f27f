package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is written by the command's goroutine and read by the test.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestDemoServe(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--serve", "--listen", "127.0.0.1:0"}, strings.NewReader(""), &out, &errOut)
	}()
	addr := regexp.MustCompile(`served at (http://127\.0\.0\.1:\d+) `)
	var base string
	for deadline := time.Now().Add(5 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		select {
		case err := <-done:
			t.Fatalf("demo --serve ended before serving: %v\n%s%s", err, out.String(), errOut.String())
		default:
		}
		if m := addr.FindStringSubmatch(out.String()); m != nil && strings.Contains(out.String(), "registries: {bodacc:") {
			base = m[1]
		}
	}
	if base == "" {
		t.Fatalf("demo --serve printed no address:\n%s", out.String())
	}
	for _, want := range []string{
		"name,site,siren,crm_id\n",
		"Laiterie de la Rance," + base + "/laiterie-de-la-rance/,835612771,",
		"Forez Usinage," + base + "/forez-usinage/,,",
		`news_search: ["` + base + `/recherche?q={query}&hl=fr"]`,
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	resp, err := http.Get(base + "/forez-usinage/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Forez Usinage") {
		t.Errorf("GET /forez-usinage/: %s\n%s", resp.Status, body)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("demo --serve on interrupt: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("demo --serve did not stop when its context ended")
	}
	if _, err := http.Get(base + "/"); err == nil {
		t.Error("the corpus is still served after the command returned")
	}
}

func TestDemoServeRefusesNonLoopback(t *testing.T) {
	t.Parallel()
	for _, addr := range []string{"0.0.0.0:8089", ":8089", "192.168.1.10:8089", "nonsense"} {
		_, _, err := runCmd(t, "demo", "--serve", "--listen", addr)
		if err == nil || !strings.Contains(err.Error(), "listen address") {
			t.Errorf("--listen %s: %v, want a refusal", addr, err)
		}
	}
}
