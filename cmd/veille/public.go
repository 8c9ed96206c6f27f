package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"

	"github.com/veille-hq/veille/config"
	"github.com/veille-hq/veille/metrics"
	"github.com/veille-hq/veille/web"
)

// publicSigner reads the public links' secret, creating its file on the
// first use, when public_url is set; nil otherwise. The secret itself is
// never logged.
func publicSigner(cfg *config.Config, log *slog.Logger) (*web.Signer, error) {
	if !cfg.Public() {
		return nil, nil
	}
	p := cfg.PublicSecretFile
	key, created, err := web.EnsureSecret(p)
	if err != nil {
		return nil, fmt.Errorf("%w (public_secret_file)", err)
	}
	if created {
		log.Info("public link secret created: links in messages are signed with it", "file", p)
	} else if st, err := os.Stat(p); err == nil && st.Mode().Perm()&0o077 != 0 {
		log.Warn("public link secret file is readable by other users: chmod 600 it (anyone who reads it can forge reps' links)", "file", p, "mode", st.Mode().Perm().String())
	}
	return web.NewSigner(key, cfg.PublicLinkTTL.D()), nil
}

// Bounds of the public listener, which faces the internet through a proxy.
const (
	publicReadTimeout     = 10 * time.Second
	publicWriteTimeout    = 30 * time.Second
	publicShutdownTimeout = 5 * time.Second
)

// servePublic serves the reps' pages (feedback links, the web view) on
// public_listen until ctx ends or stop is called; stop returns once the
// server is closed. With no public listener configured it does nothing.
func servePublic(ctx context.Context, a *app, m *metrics.Metrics) (stop func(), err error) {
	if a.signer == nil {
		return func() {}, nil
	}
	var hosts []string
	if u, err := url.Parse(a.cfg.PublicURL); err == nil {
		hosts = append(hosts, u.Hostname())
	}
	if h, _, err := net.SplitHostPort(a.cfg.PublicListen); err == nil && h != "" {
		hosts = append(hosts, h)
	}
	h, err := web.Handler(a.w, web.Options{Signer: a.signer, Hosts: hosts, Language: a.cfg.Digest.Language, Metrics: m, Log: a.log})
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", a.cfg.PublicListen)
	if err != nil {
		return nil, fmt.Errorf("public_listen %s: %w", a.cfg.PublicListen, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       publicReadTimeout,
		WriteTimeout:      publicWriteTimeout,
		IdleTimeout:       time.Minute,
		MaxHeaderBytes:    16 << 10,
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			a.log.Error("public server", "err", err)
		}
	}()
	ctx, cancel := context.WithCancel(ctx)
	shut := make(chan struct{})
	go func() {
		defer close(shut)
		select {
		case <-ctx.Done():
		case <-done:
		}
		sctx, cancel := context.WithTimeout(context.Background(), publicShutdownTimeout)
		defer cancel()
		if srv.Shutdown(sctx) != nil {
			srv.Close()
		}
	}()
	a.log.Info("serving reps' links and web view", "public_listen", l.Addr().String(), "public_url", a.cfg.PublicURL)
	return func() { cancel(); <-shut; <-done }, nil
}
