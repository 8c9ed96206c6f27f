package notify

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/veille-hq/veille/signals"
)

// Webhook formats (config.WebhookSlack, config.WebhookJSON).
const (
	FormatSlack = "slack"
	FormatJSON  = "json"
)

// Slack's limits: 50 blocks a message, 3000 characters a section.
const (
	slackLeads     = 10 // leads shown as sections; the others are counted
	slackNewsLines = 3  // news lines per lead
	slackTitleMax  = 150
)

// WebhookDigest formats a rep's digest for a webhook: Slack's incoming
// webhook message (its top leads as mrkdwn), or the digest's data as JSON
// ({"kind": "digest", "digest": signals.Digest}).
func WebhookDigest(d signals.Digest, format string) ([]byte, error) {
	switch format {
	case FormatJSON:
		return json.Marshal(struct {
			Kind   string         `json:"kind"`
			Digest signals.Digest `json:"digest"`
		}{"digest", d})
	case FormatSlack:
		w := wording(d.Rep.Language)
		title := fmt.Sprintf(w.digest, d.Rep.Name)
		return slackMessage(title, w, d.Leads, d.StillHot)
	}
	return nil, fmt.Errorf("webhook format %q: use slack or json", format)
}

// WebhookAlerts formats a rep's alerts as WebhookDigest formats a digest
// ({"kind": "alert", "alerts": signals.Alerts} in JSON).
func WebhookAlerts(a signals.Alerts, format string) ([]byte, error) {
	switch format {
	case FormatJSON:
		return json.Marshal(struct {
			Kind   string         `json:"kind"`
			Alerts signals.Alerts `json:"alerts"`
		}{"alert", a})
	case FormatSlack:
		w := wording(a.Rep.Language)
		return slackMessage(fmt.Sprintf(w.alert, a.Rep.Name), w, a.Leads, nil)
	}
	return nil, fmt.Errorf("webhook format %q: use slack or json", format)
}

// slackWords are the few words of a Slack message, per language.
type slackWords struct {
	digest, alert, stillHot string
	more, leads             [2]string // for one, for several
}

func wording(lang string) slackWords {
	if lang == "fr" {
		return slackWords{digest: "Veille : le point du jour pour %s", alert: "Veille : alerte pour %s", stillHot: "Toujours chauds : ",
			more:  [2]string{"… et 1 autre lead dans l'email", "… et %d autres leads dans l'email"},
			leads: [2]string{"1 lead avec du nouveau", "%d leads avec du nouveau"}}
	}
	return slackWords{digest: "Veille: today's digest for %s", alert: "Veille: alert for %s", stillHot: "Still hot: ",
		more:  [2]string{"… and 1 more lead in the email", "… and %d more leads in the email"},
		leads: [2]string{"1 lead with news", "%d leads with news"}}
}

// slackCount words n with the form for one or for several.
func slackCount(forms [2]string, n int) string {
	if n == 1 {
		return forms[0]
	}
	return fmt.Sprintf(forms[1], n)
}

type slackText struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

type slackBlock struct {
	Type     string      `json:"type"`
	Text     *slackText  `json:"text,omitempty"`
	Elements []slackText `json:"elements,omitempty"`
}

// slackMessage is {"text": fallback, "blocks": [...]}: a header, one
// section per lead (score, tier, trend, then its news as linked lines),
// a count of the leads left out and the still-hot names.
func slackMessage(title string, w slackWords, leads, stillHot []signals.DigestLead) ([]byte, error) {
	blocks := []slackBlock{{Type: "header", Text: &slackText{Type: "plain_text", Text: slackClip(title, slackTitleMax)}}}
	for i, dl := range leads {
		if i == slackLeads {
			blocks = append(blocks, slackBlock{Type: "context", Elements: []slackText{{Type: "mrkdwn", Text: slackCount(w.more, len(leads)-slackLeads)}}})
			break
		}
		blocks = append(blocks, slackBlock{Type: "section", Text: &slackText{Type: "mrkdwn", Text: slackLead(dl)}})
	}
	if len(stillHot) > 0 {
		names := make([]string, len(stillHot))
		for i, dl := range stillHot {
			names[i] = fmt.Sprintf("%s (%s)", slackEscape(dl.Lead.Company), slackNum(dl.Lead.Score))
		}
		blocks = append(blocks, slackBlock{Type: "context", Elements: []slackText{{Type: "mrkdwn", Text: w.stillHot + strings.Join(names, ", ")}}})
	}
	return json.Marshal(struct {
		Text   string       `json:"text"`
		Blocks []slackBlock `json:"blocks"`
	}{title + ": " + slackCount(w.leads, len(leads)), blocks})
}

// slackLead is a lead's section: "*Company* 72 · hot · +12 (7 d)" then up
// to slackNewsLines news lines "• <url|title> (labels)".
func slackLead(dl signals.DigestLead) string {
	l := dl.Lead
	var b strings.Builder
	fmt.Fprintf(&b, "*%s*  %s · %s", slackEscape(l.Company), slackNum(l.Score), l.Tier)
	if l.Trend7d != 0 {
		fmt.Fprintf(&b, " · %+g (7 d)", l.Trend7d)
	}
	for i, s := range dl.New {
		if i == slackNewsLines {
			fmt.Fprintf(&b, "\n• … +%d", len(dl.New)-slackNewsLines)
			break
		}
		title := slackEscape(slackClip(s.Title, slackTitleMax))
		if s.URL != "" {
			title = "<" + slackURL(s.URL) + "|" + title + ">"
		}
		labels := make([]string, len(s.Labels))
		for j, lb := range s.Labels {
			labels[j] = string(lb)
		}
		fmt.Fprintf(&b, "\n• %s", title)
		if len(labels) > 0 {
			fmt.Fprintf(&b, " _(%s)_", strings.Join(labels, ", "))
		}
	}
	return b.String()
}

// slackEscape escapes the three characters mrkdwn gives a meaning to, so a
// news title cannot inject links or mentions (<!channel>).
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// slackURL keeps a link's URL from closing or splitting the <url|text> form.
func slackURL(u string) string {
	return strings.NewReplacer("|", "%7C", ">", "%3E", "<", "%3C", " ", "%20").Replace(u)
}

func slackClip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func slackNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
