// Package handlers is the app's HTTP side: it parses what a browser sent,
// asks the store, picks the view and renders it. Every route is listed in
// routes.go.
package handlers

import (
	"log/slog"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/go-chi/httprate"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/live"
	"github.com/karaoke-night/karaoke/push"
	"github.com/karaoke-night/karaoke/qr"
)

// Handler holds what the handlers need. Its methods are the routes.
type Handler struct {
	store *db.Store
	qr    *qr.Cache
	log   *slog.Logger
	live  *live.Broker
	// publicURL is the base of join links and QR codes; nil means the one
	// pinned, the first request's own scheme and host (see baseURL).
	publicURL *url.URL
	pinned    atomic.Pointer[url.URL]
	proxy     TrustProxy
	limits    limiters
	codes     *codeGuard
	// newScreens counts the TVs each address makes (see handleTV).
	newScreens *httprate.RateLimiter
	diskFree   func() (uint64, error)
	minFree    uint64
	push       *push.Sender
	pages      *pageCache
	answering  answering // posts' one-time keys being answered (retapheld.go)
}

// Config is what New needs besides the store and the live broker: settings
// already parsed (app.FromEnv does that), so New has nothing left to refuse.
type Config struct {
	// PublicURL is the base of join links and QR codes, such as
	// https://karaoke.example.com, scheme and host only; nil means the
	// scheme and host of the first request that needs a link, kept for the
	// life of the Handler, so a later request's Host header changes nothing.
	PublicURL *url.URL
	QR        *qr.Cache
	Log       *slog.Logger
	// TrustProxy is the proxy whose forwarding headers are believed (see
	// ParseTrustProxy); the zero value believes none.
	TrustProxy TrustProxy
	// Limits are the abuse limits; a zero Rate is no limit.
	Limits Limits
	// DiskFree returns the free bytes on the data directory's file system;
	// nil skips the check. Below MinFreeDisk, /healthz answers 503.
	DiskFree    func() (uint64, error)
	MinFreeDisk uint64
	// Push sends Web Push messages; nil sends none and takes no
	// subscription.
	Push *push.Sender
}

// New returns the handlers for a store. The live pages' streams are served
// by streams, which the caller starts (with LiveSource over the same store),
// has the store notify, and closes.
func New(store *db.Store, streams *live.Broker, cfg Config) *Handler {
	h := &Handler{store: store, qr: cfg.QR, log: cfg.Log, live: streams, publicURL: cfg.PublicURL, proxy: cfg.TrustProxy,
		diskFree: cfg.DiskFree, minFree: cfg.MinFreeDisk, push: cfg.Push, pages: newPageCache()}
	if h.log == nil {
		h.log = slog.Default()
	}
	h.limits = h.newLimiters(cfg.Limits)
	h.codes = newCodeGuard(cfg.Limits.CodeFailures, time.Now)
	h.newScreens = httprate.NewRateLimiter(newScreensPerAddress.Requests, newScreensPerAddress.Window)
	return h
}
