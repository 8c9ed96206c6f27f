package sources

import (
	"net/http"
	"testing"
)

func TestIsChallenge(t *testing.T) {
	challenge := string(readFixture(t, "challenge.html"))
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		want   bool
	}{
		{"cloudflare managed challenge", 403, nil, challenge, true},
		{"cloudflare challenge served with 200", 200, nil, challenge, true},
		{"cf-mitigated header", 200, http.Header{"Cf-Mitigated": {"challenge"}}, "", true},
		{"datadome block", 403, nil, `<html><body><iframe src="https://geo.captcha-delivery.com/captcha/?initialCid=x"></iframe></body></html>`, true},
		{"captcha on an error page", 429, nil, `<p>Please solve the CAPTCHA to continue</p>`, true},
		{"contact form with a captcha", 200, nil, `<form><div class="g-recaptcha"></div></form>`, false},
		{"ordinary page with cloudflare bot scripts", 200, nil, `<html><head><title>Actualités</title></head><body><script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script></body></html>`, false},
		{"ordinary 404", 404, nil, `<html><title>Page introuvable</title></html>`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			if got := isChallenge(tt.status, h, []byte(tt.body)); got != tt.want {
				t.Errorf("isChallenge = %v, want %v", got, tt.want)
			}
		})
	}
}
