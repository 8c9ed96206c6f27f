package smtptest

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
)

// Parts reads a multipart/alternative message and returns its headers and
// decoded text/plain and text/html parts; both must be present.
func Parts(eml []byte) (hdr mail.Header, text, html string, err error) {
	m, err := mail.ReadMessage(bytes.NewReader(eml))
	if err != nil {
		return nil, "", "", fmt.Errorf("parse message: %w", err)
	}
	mt, params, err := mime.ParseMediaType(m.Header.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		return nil, "", "", fmt.Errorf("content type %q (%v), want multipart/alternative", m.Header.Get("Content-Type"), err)
	}
	mr := multipart.NewReader(m.Body, params["boundary"])
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, "", "", fmt.Errorf("next part: %w", err)
		}
		b, err := io.ReadAll(p) // NextPart decodes quoted-printable
		if err != nil {
			return nil, "", "", fmt.Errorf("read part: %w", err)
		}
		switch ct, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type")); ct {
		case "text/plain":
			text = string(b)
		case "text/html":
			html = string(b)
		}
	}
	if text == "" || html == "" {
		return nil, "", "", fmt.Errorf("want text/plain and text/html parts, got %d and %d bytes", len(text), len(html))
	}
	return m.Header, text, html, nil
}
