package signals

import "testing"

func TestRedactURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://news.example.com/feed.xml", "https://news.example.com/feed.xml"},
		{"https://user:s3cret@news.example.com/feed", "https://REDACTED@news.example.com/feed"},
		{"https://ghp_abc123@raw.example.com/feed", "https://REDACTED@raw.example.com/feed"},
		{"https://x.example/feed?token=abc&lang=fr", "https://x.example/feed?token=REDACTED&lang=fr"},
		{"https://x.example/feed?lang=fr&API_KEY=abc&page=2", "https://x.example/feed?lang=fr&API_KEY=REDACTED&page=2"},
		{"https://x.example/f?apikey=1&key=2&sig=3&signature=4&password=5&secret=6&access_token=7&auth=8&X-Amz-Signature=9&client_secret=10",
			"https://x.example/f?apikey=REDACTED&key=REDACTED&sig=REDACTED&signature=REDACTED&password=REDACTED&secret=REDACTED&access_token=REDACTED&auth=REDACTED&X-Amz-Signature=REDACTED&client_secret=REDACTED"},
		{"https://x.example/f?acc%65ss_token=abc", "https://x.example/f?acc%65ss_token=REDACTED"},
		{"https://x.example/cb#access_token=abc&state=1", "https://x.example/cb#access_token=REDACTED&state=1"},
		{"https://x.example/f?q=a+b&empty&token=", "https://x.example/f?q=a+b&empty&token=REDACTED"},
		{"https://u:p@x.example/%zz?token=abc", "https://REDACTED@x.example/%zz?token=REDACTED"},
	} {
		if got := RedactURL(tc.in); got != tc.want {
			t.Errorf("RedactURL(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestRedactText(t *testing.T) {
	const in = `fetch https://u:pw@x.example/feed?token=abc: Get "https://u@x.example/feed?token=abc&lang=fr": dial tcp: refused`
	const want = `fetch https://REDACTED@x.example/feed?token=REDACTED: Get "https://REDACTED@x.example/feed?token=REDACTED&lang=fr": dial tcp: refused`
	if got := RedactText(in); got != want {
		t.Errorf("RedactText\n got %q\nwant %q", got, want)
	}
}
