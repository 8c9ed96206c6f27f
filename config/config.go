// Package config reads veille.yaml and the CSV watch lists it names into a
// validated Config. It does no I/O beyond reading those files and imports no
// package of the project: callers pass in what it must know (signal ids).
package config

import "time"

// Config is a loaded, defaulted and validated veille.yaml.
type Config struct {
	Path string `yaml:"-"` // the file it was read from

	Timezone   string      `yaml:"timezone"`
	Store      string      `yaml:"store"` // absolute after Load (relative paths are from the config's folder)
	Retention  Duration    `yaml:"retention"`
	Listen     string      `yaml:"listen"`
	Poll       string      `yaml:"poll"`
	Fetch      Fetch       `yaml:"fetch"`
	SMTP       SMTP        `yaml:"smtp"`
	Digest     Digest      `yaml:"digest"`
	Scoring    Scoring     `yaml:"scoring"`
	Reps       []Rep       `yaml:"reps"`
	Admins     []string    `yaml:"admins"`
	LexiconDir string      `yaml:"lexicon_dir"`
	Registries Registries  `yaml:"registries"`
	Watchlists []Watchlist `yaml:"watchlists"`

	// Access to the admin API; Load fills both.
	AdminTokenFile string `yaml:"admin_token_file"` // bearer token /api/* requires, made by the first `veille run`; default admin.token beside the store
	MetricsAuth    string `yaml:"metrics_auth"`     // who may read /metrics: open, token or off; default open on a loopback listen, else token

	// CRMURL links each lead to its CRM record: {crm_id} is replaced by the
	// prospect's crm_id (CRMLink). Empty: no CRM links.
	CRMURL string `yaml:"crm_url"`
	// The reps' side: signed feedback links in messages and the web view,
	// served on a listener of its own so the admin API stays private.
	PublicURL        string   `yaml:"public_url"`         // the address links use (https in production); empty: no links
	PublicListen     string   `yaml:"public_listen"`      // where the daemon serves it; empty: no public server
	PublicSecretFile string   `yaml:"public_secret_file"` // the links' HMAC key, made by the first start; default public.secret beside the store
	PublicLinkTTL    Duration `yaml:"public_link_ttl"`    // how long a link works; default 30d

	Location *time.Location `yaml:"-"` // Timezone, loaded

	src *source // where each key was written; nil for a Config built in code
}

type Fetch struct {
	Timeout         Duration `yaml:"timeout"`
	MaxBody         ByteSize `yaml:"max_body"`
	Concurrency     int      `yaml:"concurrency"`
	PerHostInterval Duration `yaml:"per_host_interval"`
	Robots          *bool    `yaml:"robots"` // nil → true after defaults
	Contact         string   `yaml:"contact"`
	MaxItems        int      `yaml:"max_items"` // items kept per fetched feed or page, the newest
	// AllowPrivate lists the private ranges (CIDR, or single addresses)
	// that URLs found in content (redirects, autodiscovered feeds) may
	// reach from a source configured on a public address.
	AllowPrivate []string `yaml:"allow_private"`
}

type SMTP struct {
	Host          string   `yaml:"host"`
	Port          int      `yaml:"port"`
	TLS           string   `yaml:"tls"` // starttls | tls | none
	AllowInsecure bool     `yaml:"allow_insecure"`
	Username      string   `yaml:"username"`
	Password      string   `yaml:"password"`
	PasswordFile  string   `yaml:"password_file"`
	From          string   `yaml:"from"`
	ReplyTo       string   `yaml:"reply_to"`
	Timeout       Duration `yaml:"timeout"`
	CAFile        string   `yaml:"ca_file"`
}

type Digest struct {
	Schedule  string `yaml:"schedule"`
	Language  string `yaml:"language"`
	SendEmpty bool   `yaml:"send_empty"`
	Templates string `yaml:"templates"`
}

type Scoring struct {
	HalfLife  Duration       `yaml:"half_life"`
	ItemCap   int            `yaml:"item_cap"`
	Hot       int            `yaml:"hot"`
	Potential int            `yaml:"potential"`
	Points    map[string]int `yaml:"points"`
}

type Rep struct {
	ID       string   `yaml:"id"`
	Name     string   `yaml:"name"`
	Email    string   `yaml:"email"`
	Language string   `yaml:"language"` // defaults to digest.language
	Timezone string   `yaml:"timezone"` // defaults to timezone
	Webhook  *Webhook `yaml:"webhook"`  // also post the rep's digests and alerts there

	Location *time.Location `yaml:"-"` // Timezone, loaded
}

type Watchlist struct {
	ID           string              `yaml:"id"`
	Owner        string              `yaml:"owner"`
	Feeds        []string            `yaml:"feeds"`
	NewsSearch   []string            `yaml:"news_search"` // URL templates expanded per prospect (search.go)
	Keywords     map[string]int      `yaml:"keywords"`
	Terms        map[string][]string `yaml:"terms"`
	Points       map[string]int      `yaml:"points"`
	AlertOn      []string            `yaml:"alert_on"`
	Fit          []FitRule           `yaml:"fit"`
	ProspectsCSV string              `yaml:"prospects_csv"`
	Prospects    []Prospect          `yaml:"prospects"` // after Load: inline ones, then the CSV's
	Webhook      *Webhook            `yaml:"webhook"`   // also post this list's alerts and its part of each digest there

	csvName string // ProspectsCSV as joined to the config's folder, for messages
}

type FitRule struct {
	Field  string   `yaml:"field"`
	Min    *float64 `yaml:"min"`
	Max    *float64 `yaml:"max"`
	Equals string   `yaml:"equals"`
	In     []string `yaml:"in"`
	Points int      `yaml:"points"`
}

type Prospect struct {
	Name    string            `yaml:"name"`
	CRMID   string            `yaml:"crm_id"`
	Aliases []string          `yaml:"aliases"`
	Domain  string            `yaml:"domain"`
	SIREN   string            `yaml:"siren"` // French company number: its BODACC announcements are read
	Owner   string            `yaml:"owner"` // after Load: the prospect's, else its watch list's
	Site    string            `yaml:"site"`
	Exclude []string          `yaml:"exclude"`
	Fields  map[string]string `yaml:"fields"`
	Feeds   []string          `yaml:"feeds"`
	Pages   []Page            `yaml:"pages"`

	origin origin // the config line or CSV row that defined it
}

// Registries are the official registers of company announcements read by
// company number.
type Registries struct {
	// BODACC is the URL template of the BODACC API query for one SIREN
	// ({siren}); "" means the official API (DefaultBODACC), "off" reads
	// no announcements.
	BODACC string `yaml:"bodacc"`
}

type Page struct {
	URL     string `yaml:"url"`
	Watch   string `yaml:"watch"` // "" (selector mode) or "changes"
	Item    string `yaml:"item"`
	Title   string `yaml:"title"`
	Link    string `yaml:"link"`
	Date    string `yaml:"date"`
	Summary string `yaml:"summary"`
	Select  string `yaml:"select"`
	Render  string `yaml:"render"` // "" or "chromium": rendered by a headless browser before the selectors read it
}
