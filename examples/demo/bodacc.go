package demo

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/veille-hq/veille/config"
)

// bodaccFiles holds recorded answers of the BODACC API, one per SIREN,
// written as the API writes them except for each notice's dateparution,
// an age ("2d") that the server turns into a date before its now.
//
//go:embed bodacc/*.json
var bodaccFiles embed.FS

// bodaccPath is where the server answers the BODACC query of a SIREN.
func bodaccPath(siren string) string { return "/bodacc/" + siren + "/records" }

// bodaccTemplate is the demo's registries.bodacc: the official query's
// parameters, on the demo server.
func bodaccTemplate(base string) string {
	_, query, _ := strings.Cut(config.DefaultBODACC, "?")
	return base + bodaccPath("{siren}") + "?" + query
}

// bodaccNotice is a notice of a recorded answer as the corpus expects it.
type bodaccNotice struct {
	ID     string   `yaml:"id"`
	Labels []string `yaml:"labels"` // what the notice states
	age    time.Duration
}

// readBODACC reads the recorded answer of siren: each notice's id and age.
func readBODACC(siren string) (map[string]time.Duration, error) {
	var ans struct {
		Results []struct {
			ID   string `json:"id"`
			Date string `json:"dateparution"`
		} `json:"results"`
	}
	b, err := bodaccFiles.ReadFile("bodacc/" + siren + ".json")
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, &ans); err != nil {
		return nil, fmt.Errorf("bodacc/%s.json: %w", siren, err)
	}
	ages := map[string]time.Duration{}
	for _, r := range ans.Results {
		d, err := parseAge(r.Date)
		if err != nil {
			return nil, fmt.Errorf("bodacc/%s.json: notice %s: %w", siren, r.ID, err)
		}
		ages[r.ID] = d
	}
	return ages, nil
}

// renderBODACC is the answer for siren with every dateparution the date,
// in Paris, that its age before now falls on.
func renderBODACC(siren string, now time.Time) ([]byte, error) {
	b, err := bodaccFiles.ReadFile("bodacc/" + siren + ".json")
	if err != nil {
		return nil, err
	}
	var ans map[string]any
	if err := json.Unmarshal(b, &ans); err != nil {
		return nil, fmt.Errorf("bodacc/%s.json: %w", siren, err)
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, err
	}
	results, _ := ans["results"].([]any)
	for _, r := range results {
		rec, ok := r.(map[string]any)
		if !ok {
			continue
		}
		age, _ := rec["dateparution"].(string)
		d, err := parseAge(age)
		if err != nil {
			return nil, fmt.Errorf("bodacc/%s.json: %w", siren, err)
		}
		rec["dateparution"] = now.Add(-d).In(paris).Format(time.DateOnly)
	}
	return json.Marshal(ans)
}
