package config

import (
	"path/filepath"
	"time"
)

// Defaults of the optional keys, named so that docs and tests can cite them.
const (
	DefaultTimezone        = "UTC"
	DefaultStore           = "veille.db"
	DefaultRetention       = 400 * 24 * time.Hour
	DefaultListen          = "127.0.0.1:9471"
	DefaultAdminTokenFile  = "admin.token" // in the store's folder
	DefaultPoll            = "*/30 * * * *"
	DefaultFetchTimeout    = 30 * time.Second
	DefaultMaxBody         = 8 << 20
	DefaultMaxItems        = 500
	DefaultConcurrency     = 16
	DefaultPerHostInterval = time.Second
	DefaultSMTPPort        = 587
	DefaultSMTPTLS         = "starttls"
	DefaultSMTPTimeout     = 30 * time.Second
	DefaultDigestSchedule  = "30 7 * * 1-5"
	DefaultLanguage        = "fr"
	DefaultHalfLife        = 30 * 24 * time.Hour
	DefaultItemCap         = 25
	DefaultHot             = 70
	DefaultPotential       = 40
)

// metrics_auth values.
const (
	MetricsOpen  = "open"
	MetricsToken = "token"
	MetricsOff   = "off"
)

// applyDefaults fills every optional key left out of the file. It is the one
// place defaults live; inherited values (a rep's language, a prospect's
// owner) are filled here too, after the CSVs are loaded.
func (c *Config) applyDefaults() {
	str := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	// A number written as 0 is kept so that Validate can say it is wrong (or,
	// for scoring.potential, honour it) instead of silently replacing it.
	dur := func(p *Duration, path string, v time.Duration) {
		if *p == 0 && !c.src.has(path) {
			*p = Duration(v)
		}
	}
	num := func(p *int, path string, v int) {
		if *p == 0 && !c.src.has(path) {
			*p = v
		}
	}
	str(&c.Timezone, DefaultTimezone)
	if c.Store == "" {
		c.Store = c.resolve(DefaultStore)
	}
	dur(&c.Retention, "retention", DefaultRetention)
	// listen: "" is how an admin turns the server off, so only an absent key
	// gets the default.
	if c.Listen == "" && !c.src.has("listen") {
		c.Listen = DefaultListen
	}
	if c.AdminTokenFile == "" {
		c.AdminTokenFile = filepath.Join(filepath.Dir(c.Store), DefaultAdminTokenFile)
	}
	if c.MetricsAuth == "" {
		c.MetricsAuth = MetricsOpen
		if !c.ListenLoopback() {
			c.MetricsAuth = MetricsToken
		}
	}
	c.applyPublicDefaults()
	str(&c.Poll, DefaultPoll)

	dur(&c.Fetch.Timeout, "fetch.timeout", DefaultFetchTimeout)
	if c.Fetch.MaxBody == 0 && !c.src.has("fetch.max_body") {
		c.Fetch.MaxBody = DefaultMaxBody
	}
	num(&c.Fetch.Concurrency, "fetch.concurrency", DefaultConcurrency)
	num(&c.Fetch.MaxItems, "fetch.max_items", DefaultMaxItems)
	dur(&c.Fetch.PerHostInterval, "fetch.per_host_interval", DefaultPerHostInterval)
	if c.Fetch.Robots == nil {
		robots := true
		c.Fetch.Robots = &robots
	}

	str(&c.SMTP.TLS, DefaultSMTPTLS)
	num(&c.SMTP.Port, "smtp.port", defaultSMTPPort(c.SMTP.TLS))
	dur(&c.SMTP.Timeout, "smtp.timeout", DefaultSMTPTimeout)

	str(&c.Digest.Schedule, DefaultDigestSchedule)
	str(&c.Digest.Language, DefaultLanguage)

	dur(&c.Scoring.HalfLife, "scoring.half_life", DefaultHalfLife)
	num(&c.Scoring.ItemCap, "scoring.item_cap", DefaultItemCap)
	num(&c.Scoring.Hot, "scoring.hot", DefaultHot)
	num(&c.Scoring.Potential, "scoring.potential", DefaultPotential)

	for i := range c.Reps {
		str(&c.Reps[i].Language, c.Digest.Language)
		str(&c.Reps[i].Timezone, c.Timezone)
	}
	for i := range c.Watchlists {
		w := &c.Watchlists[i]
		for j := range w.Prospects {
			str(&w.Prospects[j].Owner, w.Owner)
		}
	}
}

// defaultSMTPPort is the usual port of each TLS mode: submission with
// STARTTLS, implicit TLS, or a plain local relay.
func defaultSMTPPort(tls string) int {
	switch tls {
	case "tls":
		return 465
	case "none":
		return 25
	}
	return DefaultSMTPPort
}
