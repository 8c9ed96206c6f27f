package sources

import (
	"bytes"
	"net/http"
)

// challengeMarkers appear only on bot-challenge and block pages
// (Cloudflare, DataDome, PerimeterX), whatever the status.
var challengeMarkers = [][]byte{
	[]byte("<title>just a moment...</title>"),
	[]byte("<title>attention required! | cloudflare</title>"),
	[]byte("cf_chl_opt"),
	[]byte("cf-browser-verification"),
	[]byte("captcha-delivery.com"),
	[]byte("px-captcha"),
	[]byte("checking your browser before accessing"),
}

// errorChallengeMarkers also appear in ordinary pages (anti-bot vendors
// inject their scripts everywhere; contact forms carry captchas), so they
// count only on an error status.
var errorChallengeMarkers = [][]byte{
	[]byte("captcha"),
	[]byte("challenge-platform"),
	[]byte("_incapsula_resource"),
	[]byte("ddos-guard"),
	[]byte("sucuri website firewall"),
}

// isChallenge reports whether a response is a bot challenge or an anti-bot
// block page rather than the document.
func isChallenge(status int, h http.Header, body []byte) bool {
	if h.Get("Cf-Mitigated") == "challenge" {
		return true
	}
	head := bytes.ToLower(body[:min(len(body), 64<<10)])
	markers := challengeMarkers
	if status >= 400 {
		markers = append(markers[:len(markers):len(markers)], errorChallengeMarkers...)
	}
	for _, m := range markers {
		if bytes.Contains(head, m) {
			return true
		}
	}
	return false
}
