// Package handlers is the app's HTTP side: it parses what a browser sent,
// asks the store, picks the view and renders it. Every route is listed in
// routes.go.
package handlers

import (
	"log/slog"
	"net/url"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/live"
	"github.com/karaoke-night/karaoke/qr"
)

// Handler holds what the handlers need. Its methods are the routes.
type Handler struct {
	store *db.Store
	qr    *qr.Cache
	log   *slog.Logger
	live  *live.Broker
	// publicURL is the base of join links and QR codes; nil means each
	// request's own scheme and host.
	publicURL *url.URL
	proxy     TrustProxy
	limits    limiters
}

// Config is what New needs besides the store.
type Config struct {
	// PublicURL is the base of join links and QR codes, such as
	// https://karaoke.example.com; empty means each request's own.
	PublicURL string
	QR        *qr.Cache
	Log       *slog.Logger
	// TrustProxy names the proxy whose forwarding headers are believed, as
	// ParseTrustProxy reads it; empty believes none.
	TrustProxy string
	// Limits are the abuse limits; a zero Rate is no limit.
	Limits Limits
	// Live tunes the live streams; the zero value takes live's defaults.
	Live live.Config
}

// New returns the handlers for a store. It starts the live streams' broker
// and has the store tell it of every write; Close stops it.
func New(store *db.Store, cfg Config) (*Handler, error) {
	h := &Handler{store: store, qr: cfg.QR, log: cfg.Log}
	if h.log == nil {
		h.log = slog.Default()
	}
	proxy, err := ParseTrustProxy(cfg.TrustProxy)
	if err != nil {
		return nil, &ConfigError{err.Error()}
	}
	h.proxy = proxy
	h.limits = h.newLimiters(cfg.Limits)
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, &ConfigError{"PUBLIC_URL must be an http(s) URL such as https://karaoke.example.com, not " + cfg.PublicURL}
		}
		u.Path, u.RawQuery, u.Fragment = "", "", ""
		h.publicURL = u
	}
	if cfg.Live.Log == nil {
		cfg.Live.Log = h.log
	}
	h.live = live.New(liveSource{store}, cfg.Live)
	store.OnChange(h.live.Notify)
	return h, nil
}

// ConfigError is a setting New cannot work with.
type ConfigError struct{ msg string }

func (e *ConfigError) Error() string { return e.msg }
