package sources

import (
	"io"
	"testing"
)

func TestDecodeHTML(t *testing.T) {
	cp1252 := "<p>\xc9t\xe9 \x80 \x92</p>" // "Été € ’" in windows-1252
	tests := []struct {
		name, body, contentType, want string
	}{
		{"charset in header", cp1252, "text/html; charset=windows-1252", "<p>Été € ’</p>"},
		{"iso-8859-1 in header reads as windows-1252", cp1252, "text/html; charset=ISO-8859-1", "<p>Été € ’</p>"},
		{"meta charset", `<meta charset="windows-1252">` + cp1252, "text/html", `<meta charset="windows-1252"><p>Été € ’</p>`},
		{"meta http-equiv", `<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">` + cp1252, "",
			`<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>Été € ’</p>`},
		{"utf-8 bom", "\xef\xbb\xbf<p>Été</p>", "", "<p>Été</p>"},
		{"undeclared utf-8", "<p>Été à Lorient</p>", "text/html", "<p>Été à Lorient</p>"},
		{"undeclared windows-1252", cp1252, "text/html", "<p>Été € ’</p>"},
		{"header wins over meta", `<meta charset="windows-1252"><p>Été</p>`, "text/html; charset=utf-8", `<meta charset="windows-1252"><p>Été</p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := io.ReadAll(decodeHTML([]byte(tt.body), tt.contentType))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Errorf("decoded %q, want %q", got, tt.want)
			}
		})
	}
}
