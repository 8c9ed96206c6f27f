package sources

import (
	"mime"
	"strings"
)

// mimeParams parses a Content-Type header value; ok is false when it is
// empty or malformed.
func mimeParams(contentType string) (mediaType string, params map[string]string, ok bool) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return "", nil, false
	}
	return strings.ToLower(mt), params, true
}
