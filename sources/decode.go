package sources

import (
	"bytes"
	"io"
	"mime"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// decodeHTML returns body as UTF-8. The charset comes from the Content-Type
// header, a BOM or a <meta> in the first 1024 bytes; without any of them the
// body is taken as UTF-8 when it is valid UTF-8, else as windows-1252.
func decodeHTML(body []byte, contentType string) io.Reader {
	enc, name, certain := charset.DetermineEncoding(body, contentType)
	if !certain && utf8.Valid(body) {
		name = "utf-8"
	}
	if name == "utf-8" {
		return bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf")))
	}
	return transform.NewReader(bytes.NewReader(body), enc.NewDecoder())
}

// transcodeToUTF8 converts body from the charset the Content-Type names, or
// from windows-1252 when it names none or an unknown one.
func transcodeToUTF8(body []byte, contentType string) ([]byte, error) {
	dec := charmap.Windows1252.NewDecoder()
	if _, params, err := mime.ParseMediaType(contentType); err == nil && params["charset"] != "" {
		if enc, name := charset.Lookup(params["charset"]); enc != nil && name != "utf-8" {
			dec = enc.NewDecoder()
		}
	}
	out, _, err := transform.Bytes(dec, body)
	return out, err
}
