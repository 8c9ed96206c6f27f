package demo

import (
	"bytes"
	"encoding/csv"
)

// SampleCSV is a CRM export of the corpus's companies as an admin starts
// from: name, home page, SIREN where the corpus has one, CRM id. No feed nor
// page: discover --csv finds them.
func SampleCSV(baseURL string) []byte {
	c := mustCorpus()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	w.Write([]string{"name", "site", "siren", "crm_id"})
	for i := range c.Companies {
		co := &c.Companies[i]
		w.Write([]string{co.Name, baseURL + co.homePath(), co.sirenDigits(), co.CRMID})
	}
	w.Flush()
	return b.Bytes()
}

// NewsSearchTemplate is the news_search template of the demo's search
// engine, served at baseURL.
func NewsSearchTemplate(baseURL string) string { return searchTemplate(baseURL) }

// BODACCTemplate is the registries.bodacc template of the demo's recorded
// BODACC answers, served at baseURL.
func BODACCTemplate(baseURL string) string { return bodaccTemplate(baseURL) }
