package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/veille-hq/veille/examples/demo"
	"github.com/veille-hq/veille/notify/smtptest"
)

// TestDigestToWebhook: a rep's webhook gets the digest `digest --send`
// queues, as a Slack message, once, beside the email.
func TestDigestToWebhook(t *testing.T) {
	t.Parallel()
	srv, err := demo.Start(time.Now())
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	mail := smtptest.Start(t, "", "")
	var mu sync.Mutex
	var posts [][]byte
	hook := httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path == "/services/T0/B0/secret" {
			posts = append(posts, b)
		}
	}))
	defer hook.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "veille.yaml")
	text := demoConfig(t, srv.URL, filepath.Join(dir, "veille.db"))
	text = strings.Replace(text, "port: 2525", fmt.Sprintf("port: %d", mail.Port), 1)
	withHook := strings.Replace(text, "    timezone: Europe/London\n", "    timezone: Europe/London\n    webhook: {url: \""+hook.URL+"/services/T0/B0/secret\", format: slack}\n", 1)
	if withHook == text {
		t.Fatal("the demo config has no rep in Europe/London to give a webhook")
	}
	os.WriteFile(cfg, []byte(withHook), 0o600)

	if _, stderr, err := runCmd(t, "once", "-c", cfg, "--no-send"); err != nil {
		t.Fatalf("once: %v\n%s", err, stderr)
	}
	out, stderr, err := runCmd(t, "digest", "--send", "--rep", "james", "-c", cfg)
	if err != nil {
		t.Fatalf("digest --send: %v\n%s%s", err, out, stderr)
	}
	mu.Lock()
	got := len(posts)
	mu.Unlock()
	if !strings.Contains(out, "1 digest queued") || got != 1 || len(mail.Mails()) != 1 {
		t.Fatalf("digest --send printed %q; %d posts, %d mails: want one of each", out, got, len(mail.Mails()))
	}
	var slack struct {
		Text   string           `json:"text"`
		Blocks []map[string]any `json:"blocks"`
	}
	if err := json.Unmarshal(posts[0], &slack); err != nil || !strings.Contains(slack.Text, "James Whitfield") || len(slack.Blocks) < 2 {
		t.Errorf("the post is not James's digest in Slack's format: %v\n%s", err, posts[0])
	}
	out, _, _ = runCmd(t, "outbox", "list", "-c", cfg)
	if !strings.Contains(out, "outbox empty") {
		t.Errorf("outbox after delivery:\n%s", out)
	}
	runCmd(t, "digest", "--send", "--rep", "james", "-c", cfg)
	mu.Lock()
	defer mu.Unlock()
	if len(posts) != 1 {
		t.Errorf("a second digest with nothing new posted again: %d posts", len(posts))
	}
}
