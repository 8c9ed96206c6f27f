package config

import (
	"net/url"
	"strings"
)

// CRMPlaceholder is what crm_url's template puts where a prospect's crm_id goes.
const CRMPlaceholder = "{crm_id}"

// crm checks crm_url: an absolute http(s) URL holding {crm_id}.
func (v *validator) crm() {
	u := v.c.CRMURL
	if u == "" {
		return
	}
	if !strings.Contains(u, CRMPlaceholder) {
		v.at("crm_url", "%q lacks %s, where each prospect's crm_id goes (e.g. https://crm.example.com/accounts/%s)", u, CRMPlaceholder, CRMPlaceholder)
		return
	}
	if msg := checkURL(strings.ReplaceAll(u, CRMPlaceholder, "id")); msg != "" {
		v.at("crm_url", "expected an absolute http or https URL with %s, got %q", CRMPlaceholder, u)
	}
}

// CRMLink is the URL of a prospect's CRM record: crm_url with {crm_id}
// replaced by the id, path-escaped so an id cannot change the URL's shape.
// Empty when crm_url or the id is.
func (c *Config) CRMLink(crmID string) string {
	if c.CRMURL == "" || crmID == "" {
		return ""
	}
	return strings.ReplaceAll(c.CRMURL, CRMPlaceholder, url.PathEscape(crmID))
}
