// Package signals is veille's core: the types every package shares and pure
// functions over them (taxonomy, classifier, company matcher, lead scoring).
// It imports no package of the project, does no I/O and never reads the clock:
// time comes in as an argument.
package signals

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"time"
)

// Item is one piece of news as a source delivered it.
type Item struct {
	SourceID  string    `json:"source_id"`          // the source that carried it (Source.ID)
	URL       string    `json:"url,omitempty"`      // canonical absolute link
	GUID      string    `json:"guid,omitempty"`     // RSS guid / Atom id, may be empty
	Title     string    `json:"title"`              // plain text
	Summary   string    `json:"summary,omitempty"`  // plain text, HTML already stripped
	Published time.Time `json:"published,omitzero"` // zero when the source gave none
	Lang      string    `json:"lang,omitempty"`     // "fr", "en" or "" when unknown
	Hints     []Label   `json:"hints,omitempty"`    // labels the source itself implies (change mode: hr_moves)
	// Stated: the source states the item's labels itself, as an official
	// register's announcement does (BODACC): Hints are its labels as
	// given, none when empty, and Evidence quotes the words that state
	// each. The classifier does not re-read legal prose, whose words
	// ("cession", "liquidation" of another firm) say other things.
	Stated   bool                 `json:"stated,omitempty"`
	Evidence map[Label][]Evidence `json:"evidence,omitempty"`
}

// StatedClassification is the classification a Stated item carries: its
// Hints in taxonomy order, each with the evidence its source gave.
func (it Item) StatedClassification() Classification {
	out := Classification{Labels: []Label{}}
	for _, l := range Labels() {
		if !slices.Contains(it.Hints, l) {
			continue
		}
		out.Labels = append(out.Labels, l)
		if ev := it.Evidence[l]; len(ev) > 0 {
			out.Evidence.given = append(out.Evidence.given, LabelEvidence{l, slices.Clone(ev)})
		}
	}
	return out
}

// ID is the item's identity within its source: GUID, else canonical link,
// else a hash of title and published time (docs/scoring.md, "The same story").
func (it Item) ID() string {
	if it.GUID != "" {
		return "g:" + it.GUID
	}
	if it.URL != "" {
		return "u:" + it.URL
	}
	sum := sha256.Sum256([]byte(it.Title + "|" + it.Published.UTC().Format(time.RFC3339)))
	return "h:" + hex.EncodeToString(sum[:16])
}

// Evidence is one term that made the classifier fire a label.
type Evidence struct {
	Term   string `json:"term"`
	Field  string `json:"field"`            // "title" or "summary"
	Offset int    `json:"offset"`           // byte offset in that field of the original text
	Points int    `json:"points,omitempty"` // watch-list keyword points (label "keyword" only)
}

// Classification is what the classifier says of one item. Its Labels are
// shared by the classifications of the same labels: a caller reads them,
// or appends to them (they are capped), and never writes to them.
type Classification struct {
	Labels   []Label      `json:"labels"`
	Evidence EvidenceList `json:"evidence"`
}

// UnmarshalJSON decodes into new label and evidence lists: encoding/json
// would write a shared label list's elements in place.
func (c *Classification) UnmarshalJSON(b []byte) error {
	type plain Classification
	var p plain
	err := json.Unmarshal(b, &p)
	*c = Classification(p)
	return err
}

// LabelEvidence is the evidence of one label of a classification.
type LabelEvidence struct {
	Label    Label
	Evidence []Evidence
}

// inlineQuotes is how many quotes an EvidenceList holds in itself: nine
// items of ten carry no more.
const inlineQuotes = 6

// EvidenceList is a classification's evidence: per label that has some, in
// taxonomy order, Keyword last. The classifier makes one for every item it
// reads, and most make no signal: it keeps its terms as places in the
// item's title and summary, in the list itself when they are few, so that
// classifying allocates nothing for them, and Of and Map make the
// Evidence. Evidence given as it is (a stated item's, or read from JSON)
// is kept as it is, in given.
type EvidenceList struct {
	title, summary string // the texts the quotes point into
	n              int    // how many quotes: inline's first n, or all of more
	inline         [inlineQuotes]quote
	more           []quote
	given          []LabelEvidence
}

// quote is one term of a classification's evidence: where it is in the
// item. Quotes come by slot, then in the order the classifier found them.
type quote struct {
	start, end int32 // byte offsets in the field's original text
	points     int32 // Evidence.Points
	slot       uint8 // the label's index in the taxonomy, nLabels for Keyword
	field      uint8
}

// evidenceSlots are the labels of quote.slot.
var evidenceSlots = [nLabels + 1]Label(append(Labels(), Keyword))

// quotes lists e's quotes.
func (e *EvidenceList) quotes() []quote {
	if e.n > len(e.inline) {
		return e.more
	}
	return e.inline[:e.n]
}

// evidence is the Evidence that q quotes.
func (e *EvidenceList) evidence(q quote) Evidence {
	text, field := e.title, "title"
	if q.field == fieldSummary {
		text, field = e.summary, "summary"
	}
	return Evidence{Term: text[q.start:q.end], Field: field, Offset: int(q.start), Points: int(q.points)}
}

// Of is the evidence of label l, or nil; made at each call from quotes.
func (e EvidenceList) Of(l Label) []Evidence {
	for i := range e.given {
		if e.given[i].Label == l {
			return e.given[i].Evidence
		}
	}
	var out []Evidence
	for _, q := range e.quotes() {
		if evidenceSlots[q.slot] == l {
			out = append(out, e.evidence(q))
		}
	}
	return out
}

// has reports whether label l has evidence, without making it.
func (e *EvidenceList) has(l Label) bool {
	for i := range e.given {
		if e.given[i].Label == l {
			return len(e.given[i].Evidence) > 0
		}
	}
	for _, q := range e.quotes() {
		if evidenceSlots[q.slot] == l {
			return true
		}
	}
	return false
}

// Map is the evidence per label, as a signal keeps it; never nil.
func (e EvidenceList) Map() map[Label][]Evidence {
	qs := e.quotes()
	m := make(map[Label][]Evidence, len(e.given)+len(qs)) // at most
	for _, le := range e.given {
		m[le.Label] = le.Evidence
	}
	// A label's quotes are next to each other: each label's evidence is
	// a slice of one allocation, capped so that a caller appending to one
	// never overwrites another.
	all := make([]Evidence, len(qs))
	for i, q := range qs {
		all[i] = e.evidence(q)
	}
	for i := 0; i < len(qs); {
		j := i + 1
		for j < len(qs) && qs[j].slot == qs[i].slot {
			j++
		}
		m[evidenceSlots[qs[i].slot]] = all[i:j:j]
		i = j
	}
	return m
}

// MarshalJSON writes the evidence as the object Map writes: keyed by
// label, keys sorted, {} when there is none.
func (e EvidenceList) MarshalJSON() ([]byte, error) { return json.Marshal(e.Map()) }

// UnmarshalJSON reads the object MarshalJSON writes back into a list in
// taxonomy order, Keyword last, then any other label in name order.
func (e *EvidenceList) UnmarshalJSON(b []byte) error {
	var m map[Label][]Evidence
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	order := append(Labels(), Keyword)
	for _, l := range slices.Sorted(maps.Keys(m)) {
		if !slices.Contains(order, l) {
			order = append(order, l)
		}
	}
	*e = EvidenceList{}
	for _, l := range order {
		if ev, ok := m[l]; ok {
			e.given = append(e.given, LabelEvidence{Label: l, Evidence: ev})
		}
	}
	return nil
}

// Strength is how strongly an item is about a company.
type Strength int

const (
	NoMention Strength = iota
	// Weak: the company appears only deep in a long summary.
	Weak
	// Strong: the company is in the title or the lede, or the item comes from
	// one of the company's own sources.
	Strong
)

func (s Strength) String() string {
	switch s {
	case Weak:
		return "weak"
	case Strong:
		return "strong"
	}
	return "none"
}

// SourceRef is one outlet that carried a story.
type SourceRef struct {
	Source string `json:"source"`
	URL    string `json:"url"`
}

// Signal is one story about one company of one watch list: an item (or the
// same news from several outlets) with its labels. A story scores once.
type Signal struct {
	ID        string               `json:"id"`
	Watchlist string               `json:"watchlist"`
	Company   string               `json:"company"`
	Title     string               `json:"title"`
	URL       string               `json:"url"`
	Source    string               `json:"source"`
	Sources   []SourceRef          `json:"sources"`
	Published time.Time            `json:"published_at,omitzero"`
	FirstSeen time.Time            `json:"first_seen_at"`
	Labels    []Label              `json:"labels"`
	Evidence  map[Label][]Evidence `json:"evidence"`
	Strength  Strength             `json:"strength"`
	// Backlog marks items older than 7 days when their source was first
	// fetched: stored for history, never scored nor mailed.
	Backlog bool `json:"backlog,omitempty"`
	// MoreOutlets counts the outlets that carried the story beyond those
	// Sources keeps (the first ones): a story carried by thousands of
	// outlets keeps a record of bounded size.
	MoreOutlets int `json:"more_outlets,omitempty"`
}

// At is the time a signal's points fade from: its first-seen time.
func (s Signal) At() time.Time { return s.FirstSeen }

// Tier ranks a lead by score.
type Tier string

const (
	Hot       Tier = "hot"
	Potential Tier = "potential"
	Cold      Tier = "cold"
)

// Contribution is one line of a score's explanation.
type Contribution struct {
	What   string  `json:"what"`
	Points float64 `json:"points"`
}

// Lead is one prospect of one watch list with its current score.
type Lead struct {
	Watchlist    string         `json:"watchlist"`
	Company      string         `json:"company"`
	CRMID        string         `json:"crm_id"`
	Owner        string         `json:"owner"`
	Score        float64        `json:"score"`
	Tier         Tier           `json:"tier"`
	Trend7d      float64        `json:"trend_7d"`
	Fit          float64        `json:"fit"`
	Signals      int            `json:"signals"`
	Why          []Contribution `json:"why"`
	LastSignalAt time.Time      `json:"last_signal_at,omitzero"`
}

// Key identifies a lead: one per (watch list, prospect).
func (l Lead) Key() string { return LeadKey(l.Watchlist, l.Company) }

// LeadKey builds the key of the lead for a prospect of a watch list.
func LeadKey(watchlist, company string) string { return watchlist + "\x00" + company }

// Rep is a sales rep who receives digests.
type Rep struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Email    string `json:"email"`
	Language string `json:"language"` // "fr" or "en"
	Timezone string `json:"timezone"`
}

// LinkKind names what a link beside the news of a message does.
type LinkKind string

const (
	LinkCRM          LinkKind = "crm"           // the lead's record in the CRM
	LinkSite         LinkKind = "site"          // the company's web site
	LinkWeb          LinkKind = "web"           // the rep's leads, or one lead, in the web view
	LinkWrongCompany LinkKind = "wrong_company" // feedback: the news is about another company
	LinkNotRelevant  LinkKind = "not_relevant"  // feedback: the news is no signal
	LinkCustomer     LinkKind = "customer"      // feedback: the company is already a customer
	LinkSnooze       LinkKind = "snooze"        // feedback: hide the lead for a while
)

// Link is one URL a message offers beside the news; notify words it in
// the rep's language from its Kind.
type Link struct {
	Kind LinkKind `json:"kind"`
	URL  string   `json:"url"`
}

// DigestLead is a lead in a digest with the signals the rep was not sent yet.
type DigestLead struct {
	Lead  Lead     `json:"lead"`
	New   []Signal `json:"new,omitempty"`   // empty for a still-hot lead
	Links []Link   `json:"links,omitempty"` // about the lead: CRM, site, web view, feedback
	// SignalLinks holds the feedback links on each news item, by Signal.ID.
	SignalLinks map[string][]Link `json:"signal_links,omitempty"`
}

// Digest is one rep's morning email as data; notify renders it.
type Digest struct {
	Rep      Rep          `json:"rep"`
	At       time.Time    `json:"at"`
	Leads    []DigestLead `json:"leads"`           // hot, then potential, then cold
	StillHot []DigestLead `json:"still_hot"`       // hot leads with nothing new: their links, no news
	Links    []Link       `json:"links,omitempty"` // the rep's own: the web view of their leads
	// Quiet counts the rep's other leads, not hot and with nothing new:
	// the digest says how many were watched without listing them.
	Quiet int `json:"quiet,omitempty"`
}

// NewSignals counts the signals the digest carries.
func (d Digest) NewSignals() int {
	n := 0
	for _, l := range d.Leads {
		n += len(l.New)
	}
	return n
}

// Alerts is one rep's batch of instant alerts from one poll cycle.
type Alerts struct {
	Rep   Rep          `json:"rep"`
	At    time.Time    `json:"at"`
	Leads []DigestLead `json:"leads"`
	Links []Link       `json:"links,omitempty"` // the rep's own: the web view of their leads
}

// Message is a rendered email ready for the outbox: the envelope and the
// complete RFC 5322 bytes, so a stored message can be sent as it was rendered.
type Message struct {
	Kind      string   `json:"kind"` // "digest", "alert", "health"
	Rep       string   `json:"rep,omitempty"`
	From      string   `json:"from"`
	To        []string `json:"to"`
	Subject   string   `json:"subject"`
	MessageID string   `json:"message_id"`
	EML       []byte   `json:"eml"`
	HTML      string   `json:"-"` // the HTML part, for previews only

	// A webhook message is posted, not mailed: Body goes to URL (which may
	// hold a secret, as Slack's do: show Message.To, never URL) and EML is
	// empty. Transport "" is email.
	Transport string `json:"transport,omitempty"`
	URL       string `json:"-"`
	Body      []byte `json:"-"`
}

// TransportWebhook marks a Message posted to a webhook.
const TransportWebhook = "webhook"
