package sources

import "testing"

func TestCanonical(t *testing.T) {
	tests := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"lowercase scheme and host", "HTTPS://Example.COM/News/A", "https://example.com/News/A", false},
		{"default https port", "https://example.com:443/a", "https://example.com/a", false},
		{"default http port", "http://example.com:80/a", "http://example.com/a", false},
		{"other port kept", "http://example.com:8080/a", "http://example.com:8080/a", false},
		{"fragment dropped", "https://example.com/a#section-2", "https://example.com/a", false},
		{"utm removed", "https://example.com/a?utm_source=rss&utm_medium=feed&UTM_Campaign=x", "https://example.com/a", false},
		{"trackers removed", "https://example.com/a?fbclid=1&gclid=2&mc_cid=3&mc_eid=4&id=7", "https://example.com/a?id=7", false},
		{"query sorted", "https://example.com/a?z=1&b=2&a=3", "https://example.com/a?a=3&b=2&z=1", false},
		{"repeated keys keep order", "https://example.com/a?t=2&a=1&t=1", "https://example.com/a?a=1&t=2&t=1", false},
		{"empty path", "https://example.com", "https://example.com/", false},
		{"empty query dropped", "https://example.com/a?", "https://example.com/a", false},
		{"userinfo dropped", "https://user:pw@example.com/a", "https://example.com/a", false},
		{"encoded path kept", "https://example.com/actualit%C3%A9s/a%20b", "https://example.com/actualit%C3%A9s/a%20b", false},
		{"spaces trimmed", "  https://example.com/a  ", "https://example.com/a", false},
		{"relative refused", "/news/a", "", true},
		{"mailto refused", "mailto:contact@example.com", "", true},
		{"javascript refused", "javascript:alert(1)", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Canonical(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Canonical(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("Canonical(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if err == nil {
				again, err := Canonical(got)
				if err != nil || again != got {
					t.Errorf("Canonical not idempotent: %q -> %q (%v)", got, again, err)
				}
			}
		})
	}
}
