package sources

import (
	"bytes"
	"net/http"
)

// challengeMarkers appear only in bot-challenge and anti-bot pages
// (Cloudflare, DataDome, PerimeterX, DDoS-Guard, Sucuri, Imperva).
var challengeMarkers = [][]byte{
	[]byte("<title>just a moment...</title>"),
	[]byte("<title>attention required! | cloudflare</title>"),
	[]byte("cf-browser-verification"),
	[]byte("challenge-platform"),
	[]byte("cf_chl_opt"),
	[]byte("captcha-delivery.com"),
	[]byte("px-captcha"),
	[]byte("ddos-guard"),
	[]byte("sucuri website firewall"),
	[]byte("_incapsula_resource"),
	[]byte("checking your browser before accessing"),
}

// isChallenge reports whether a response is a bot challenge rather than the
// document. On an error status a mere "captcha" is enough; on a 2xx only
// the specific markers count (a contact form may carry a captcha).
func isChallenge(status int, h http.Header, body []byte) bool {
	if h.Get("Cf-Mitigated") == "challenge" {
		return true
	}
	head := bytes.ToLower(body[:min(len(body), 64<<10)])
	for _, m := range challengeMarkers {
		if bytes.Contains(head, m) {
			return true
		}
	}
	return status >= 400 && bytes.Contains(head, []byte("captcha"))
}
