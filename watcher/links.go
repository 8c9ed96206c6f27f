package watcher

import (
	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/signals"
)

// prospectLinks is what a lead links to in a message: its CRM record when
// crm_url and its crm_id are set, and its site (the configured one, else
// its domain's home page).
func prospectLinks(cfg *config.Config, pr config.Prospect) []signals.Link {
	var out []signals.Link
	if u := cfg.CRMLink(pr.CRMID); u != "" {
		out = append(out, signals.Link{Kind: signals.LinkCRM, URL: u})
	}
	switch {
	case pr.Site != "":
		out = append(out, signals.Link{Kind: signals.LinkSite, URL: pr.Site})
	case pr.Domain != "":
		out = append(out, signals.Link{Kind: signals.LinkSite, URL: "https://" + pr.Domain})
	}
	return out
}
