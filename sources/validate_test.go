package sources

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		src  Source
		want string // substring of the error; "" for valid
	}{
		{"feed", NewSource(KindFeed, "https://x.example/feed", PageSpec{}), ""},
		{"site", NewSource(KindSite, "https://x.example/", PageSpec{}), ""},
		{"page", NewSource(KindPage, "https://x.example/news", PageSpec{Item: "article", Title: "h2", Link: "a@href", Date: "time@datetime"}), ""},
		{"changes", NewSource(KindChanges, "https://x.example/jobs", PageSpec{Select: ".job-offer"}), ""},
		{"relative url", NewSource(KindFeed, "/feed", PageSpec{}), "absolute http or https"},
		{"ftp url", NewSource(KindFeed, "ftp://x.example/feed", PageSpec{}), "absolute http or https"},
		{"page without item", NewSource(KindPage, "https://x.example/news", PageSpec{Title: "h2"}), "no item selector"},
		{"page with a broken selector", NewSource(KindPage, "https://x.example/news", PageSpec{Item: "article", Date: "time[@datetime"}), `selector "time[@datetime"`},
		{"changes without select", NewSource(KindChanges, "https://x.example/jobs", PageSpec{}), "no select selector"},
		{"changes with an attribute only", NewSource(KindChanges, "https://x.example/jobs", PageSpec{Select: "@href"}), "selects no element"},
		{"unknown kind", Source{Kind: "podcast", URL: "https://x.example/"}, `unknown kind "podcast"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tt.src)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Validate = %v, want nil", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), tt.src.URL) {
				t.Fatalf("Validate = %v, want an error naming the url and containing %q", err, tt.want)
			}
		})
	}
}
