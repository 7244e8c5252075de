package handlers

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/static"
)

// Routes returns the app's router: the table of contents of the whole site.
func (h *Handler) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(h.recoverPanics)
	// Pages and fragments compressed, never a live stream or a host page
	// (see compress).
	r.Use(compress())
	// Every answer: who the client is (trusting only the configured proxy),
	// the security headers, no cross-site writes, bodies of 64 KB at most.
	// Every answer in the language its reader chose (see package lang).
	r.Use(lang.Shipped().Middleware)
	r.Use(h.resolveClient, h.secureHeaders, h.crossOrigin, h.limitBody)

	r.Get("/healthz", h.handleHealth)
	r.Get("/livez", h.handleLive)
	r.Handle("/static/*", http.StripPrefix("/static/", static.Handler()))
	// What a phone looks for at the top of the site: the service worker
	// that shows a guest's push, and the manifest that lets an iPhone add
	// the guest page to its Home Screen.
	r.Method(http.MethodGet, "/sw.js", static.ServiceWorker())
	r.Method(http.MethodGet, "/manifest.webmanifest", static.Manifest())

	// Start or find a session.
	r.Get("/", h.handleHome)
	r.With(h.limits.addressSessions, h.limits.addressWrites).Post("/sessions", h.handleSessionCreate)
	r.Get("/j", h.handleJoinByCode)
	r.Post("/lang", h.handleLanguageSet)

	// Guests, by the session's join code or the join token of its link:
	// every route with {code} gets its session from loadSession, which
	// counts the wrong codes of each address (see lookUpSession). Their writes are limited per
	// device first, so one phone's burst does not use up its network's share.
	// A request a limit stops still reaches its handler, refused (see
	// refused), which sends back the form it came from with the message.
	r.Route("/j/{code}", func(r chi.Router) {
		r.Use(h.loadSession)
		r.Get("/", h.handleGuestPage)
		r.Get("/songs", h.handleSongSearch)
		r.Get("/handoff", h.handleHandoff)
		r.Group(func(r chi.Router) {
			r.Use(h.limits.deviceWrites, h.limits.addressWrites, h.retap)
			r.With(h.limits.addressJoins).Post("/join", h.handleGuestJoin)
			r.Post("/requests", h.handleRequestCreate)
			r.Post("/requests/{requestID}/withdraw", h.handleRequestWithdraw)
			r.Post("/held/{heldID}/withdraw", h.handleHeldWithdraw)
			r.Post("/standby/{standbyID}/{change:up|down|remove}", h.handleStandbyChange)
			r.Post("/hold", h.handleHoldSpot)
			r.Post("/back", h.handleImBack)
			r.Post("/push", h.handlePushSubscribe)
			r.Post("/push/off", h.handlePushUnsubscribe)
		})
		r.Get("/events", h.handleGuestEvents)
	})

	// The TV, and the QR code it shows.
	r.Route("/d/{code}", func(r chi.Router) {
		r.Use(h.loadSession)
		r.Get("/", h.handleDisplay)
		r.Get("/events", h.handleDisplayEvents)
		r.Get("/version", h.handleDisplayVersion)
	})
	// A TV that shows a night by pairing: its code, then the night.
	r.Get("/tv", h.handleTV)
	r.Get("/tv/state", h.handleTVState)
	r.With(h.loadSession).Get("/qr/{code}.png", h.handleQR)

	// The host. The claim link sets the host cookie (a GET that changes no
	// data: it only hands this browser the key it already holds in the
	// link); everything else needs the cookie.
	r.Get("/host/{sessionID}/claim/{key}", h.handleHostClaim)
	r.Route("/host/{sessionID}", func(r chi.Router) {
		r.Use(h.requireHost, h.retap)
		r.Get("/", h.handleDashboard)
		r.Get("/events", h.handleDashboardEvents)
		r.Post("/next", h.handleTurnNext)
		r.Post("/stop", h.handleTurnStop)
		r.Post("/pause", h.handleRequestsPause)
		r.Post("/resume", h.handleRequestsResume)
		r.Post("/settings", h.handleSettingsSave)
		r.Post("/closing/extend", h.handleClosingExtend)
		r.Post("/undo", h.handleUndo)
		r.Post("/host-link", h.handleHostLinkRotate)
		r.Post("/tvs", h.handleScreenPair)
		r.Post("/tvs/{screenID}/unpair", h.handleScreenUnpair)
		r.Get("/end", h.handleSessionEndConfirm)
		r.Post("/end", h.handleSessionEnd)
		r.Get("/history", h.handleHistory)
		r.Get("/history.csv", h.handleHistoryCSV)
		r.Get("/history.json", h.handleHistoryJSON)
		r.Get("/requests/{requestID}", h.handleRowMenu)
		r.Post("/requests/{requestID}/{move:up|down|top|back}", h.handleRequestMove)
		r.Post("/requests/{requestID}/skip", h.handleRequestSkip)
		r.Post("/requests/{requestID}/remove", h.handleRequestRemove)
		r.Get("/guests/{guestID}/remove", h.handleGuestRemoveConfirm)
		r.Post("/guests/{guestID}/remove", h.handleGuestRemove)
		r.Post("/guests/{guestID}/release-hold", h.handleHoldRelease)
		r.Post("/joining/{lock:lock|unlock}", h.handleJoiningLock)
		r.Get("/guests/recent/remove", h.handleRecentRemoveConfirm)
		r.Post("/guests/recent/remove", h.handleRecentRemove)
		// Walk-up singers, and the requests held for the host's OK.
		r.Post("/walkups", h.handleWalkupCreate)
		r.Post("/held/approve-all", h.handleHeldApproveAll)
		r.Post("/held/{heldID}/approve", h.handleHeldApprove)
		r.Post("/held/{heldID}/decline", h.handleHeldDecline)
		// The night's songbook. The import is the one route that takes a
		// big body (see limitBody), and is limited per night.
		r.With(h.limiter(songbookImports, songbookImportKey, tooManyImports)).Post("/songbook", h.handleSongbookImport)
		r.Post("/songbook/use", h.handleSongbookUse)
		r.Post("/songbook/drop", h.handleSongbookDrop)
	})

	r.NotFound(h.handleNotFound)
	return r
}
