package config

import (
	"slices"
	"testing"
)

func TestCRMURL(t *testing.T) {
	for _, tc := range []struct {
		name, line string
		want       []string
	}{
		{"absent", "", nil},
		{"valid", `crm_url: "https://crm.example.com/accounts/{crm_id}?tab=1"`, nil},
		{"no placeholder", `crm_url: https://crm.example.com/accounts/`,
			[]string{`veille.yaml:11: crm_url: "https://crm.example.com/accounts/" lacks {crm_id}, where each prospect's crm_id goes (e.g. https://crm.example.com/accounts/{crm_id})`}},
		{"not http", `crm_url: "ftp://crm.example.com/{crm_id}"`,
			[]string{`veille.yaml:11: crm_url: expected an absolute http or https URL with {crm_id}, got "ftp://crm.example.com/{crm_id}"`}},
		{"relative", `crm_url: "/accounts/{crm_id}"`,
			[]string{`veille.yaml:11: crm_url: expected an absolute http or https URL with {crm_id}, got "/accounts/{crm_id}"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			writeFiles(t, map[string]string{"veille.yaml": minimal + tc.line + "\n"})
			_, err := Load("veille.yaml", Options{Getenv: env(nil)})
			if got := problemLines(t, err); !slices.Equal(got, tc.want) {
				t.Errorf("problems %q, want %q", got, tc.want)
			}
		})
	}
}

func TestCRMLink(t *testing.T) {
	c := &Config{CRMURL: "https://crm.example.com/accounts/{crm_id}/view"}
	for _, tc := range []struct{ id, want string }{
		{"0016000000AbCdE", "https://crm.example.com/accounts/0016000000AbCdE/view"},
		{"a/b?c#d e", "https://crm.example.com/accounts/a%2Fb%3Fc%23d%20e/view"},
		{"", ""},
	} {
		if got := c.CRMLink(tc.id); got != tc.want {
			t.Errorf("CRMLink(%q) = %q, want %q", tc.id, got, tc.want)
		}
	}
	if got := (&Config{}).CRMLink("x"); got != "" {
		t.Errorf("without crm_url: %q, want no link", got)
	}
}
