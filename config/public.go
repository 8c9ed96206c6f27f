package config

import (
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// Defaults of the public listener's keys.
const (
	DefaultPublicSecretFile = "public.secret" // in the store's folder
	DefaultPublicLinkTTL    = 30 * 24 * time.Hour
)

func (c *Config) applyPublicDefaults() {
	if c.PublicSecretFile == "" {
		c.PublicSecretFile = filepath.Join(filepath.Dir(c.Store), DefaultPublicSecretFile)
	}
	if c.PublicLinkTTL == 0 && !c.src.has("public_link_ttl") {
		c.PublicLinkTTL = Duration(DefaultPublicLinkTTL)
	}
}

// Public reports whether reps get links and the web view: public_url and
// public_listen are both set (Validate refuses one without the other).
func (c *Config) Public() bool { return c.PublicURL != "" && c.PublicListen != "" }

// PublicInClear reports whether links travel in clear over a network:
// public_url is http on a host that is not loopback.
func (c *Config) PublicInClear() bool {
	u, err := url.Parse(c.PublicURL)
	return err == nil && u.Scheme == "http" && !isLoopback(u.Hostname())
}

func (v *validator) public() {
	c := v.c
	if c.PublicURL != "" {
		u, err := url.Parse(c.PublicURL)
		switch {
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "":
			v.at("public_url", "expected an absolute http(s) URL such as https://veille.example.com, got %q", c.PublicURL)
		case u.User != nil || u.RawQuery != "" || u.Fragment != "":
			v.at("public_url", "must hold no user, query or fragment: links add their own path to it")
		}
		if c.PublicListen == "" {
			v.at("public_url", "needs public_listen: the links point to the daemon's public listener")
		}
	}
	if c.PublicListen != "" {
		v.hostPort("public_listen", c.PublicListen)
		if c.PublicURL == "" {
			v.at("public_listen", "needs public_url: the address reps' links are built from")
		}
		if samePort(c.PublicListen, c.Listen) {
			v.at("public_listen", "must differ from listen %q: the admin API stays private", c.Listen)
		}
	}
	v.positive("public_link_ttl", c.PublicLinkTTL)
}

// samePort reports whether two listen addresses would collide: the same
// port on the same or a wildcard host.
func samePort(a, b string) bool {
	ha, pa, err1 := net.SplitHostPort(a)
	hb, pb, err2 := net.SplitHostPort(b)
	if err1 != nil || err2 != nil || pa != pb || pa == "0" {
		return false
	}
	wild := func(h string) bool { return h == "" || h == "0.0.0.0" || h == "::" }
	return strings.EqualFold(ha, hb) || wild(ha) || wild(hb)
}
