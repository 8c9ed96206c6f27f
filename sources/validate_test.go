package sources

import (
	"strings"
	"testing"

	"github.com/veille-hq/veille/signals"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		src  signals.Source
		want string // substring of the error; "" for valid
	}{
		{"feed", signals.NewSource(signals.KindFeed, "https://x.example/feed", signals.PageSpec{}), ""},
		{"site", signals.NewSource(signals.KindSite, "https://x.example/", signals.PageSpec{}), ""},
		{"page", signals.NewSource(signals.KindPage, "https://x.example/news", signals.PageSpec{Item: "article", Title: "h2", Link: "a@href", Date: "time@datetime"}), ""},
		{"changes", signals.NewSource(signals.KindChanges, "https://x.example/jobs", signals.PageSpec{Select: ".job-offer"}), ""},
		{"relative url", signals.NewSource(signals.KindFeed, "/feed", signals.PageSpec{}), "absolute http or https"},
		{"ftp url", signals.NewSource(signals.KindFeed, "ftp://x.example/feed", signals.PageSpec{}), "absolute http or https"},
		{"page without item", signals.NewSource(signals.KindPage, "https://x.example/news", signals.PageSpec{Title: "h2"}), "no item selector"},
		{"page with a broken selector", signals.NewSource(signals.KindPage, "https://x.example/news", signals.PageSpec{Item: "article", Date: "time[@datetime"}), `selector "time[@datetime"`},
		{"changes without select", signals.NewSource(signals.KindChanges, "https://x.example/jobs", signals.PageSpec{}), "no select selector"},
		{"changes with an attribute only", signals.NewSource(signals.KindChanges, "https://x.example/jobs", signals.PageSpec{Select: "@href"}), "selects no element"},
		{"unknown kind", signals.Source{Kind: "podcast", URL: "https://x.example/"}, `unknown kind "podcast"`},
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
