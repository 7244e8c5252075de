package handlers

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/karaoke-night/karaoke/static"
)

// maxBodyBytes bounds a request body: a karaoke form is a few hundred bytes.
const maxBodyBytes = 64 << 10

// Routes returns the app's router: the table of contents of the whole site.
func (h *Handler) Routes() http.Handler {
	r := chi.NewRouter()
	r.Use(middleware.Recoverer)
	r.Use(h.limitBody)

	r.Get("/healthz", h.handleHealth)
	r.Handle("/static/*", http.StripPrefix("/static/", static.Handler()))

	// Start or find a session.
	r.Get("/", h.handleHome)
	r.Post("/sessions", h.handleSessionCreate)
	r.Get("/j", h.handleJoinByCode)

	// Guests, by the session's join code.
	r.Route("/j/{code}", func(r chi.Router) {
		r.Get("/", h.handleGuestPage)
		r.Post("/join", h.handleGuestJoin)
		r.Post("/requests", h.handleRequestCreate)
		r.Post("/requests/{requestID}/withdraw", h.handleRequestWithdraw)
	})

	// The TV, and the QR code it shows.
	r.Get("/d/{code}", h.handleDisplay)
	r.Get("/qr/{code}.png", h.handleQR)

	// The host. The claim link sets the host cookie; everything else needs it.
	r.Get("/host/{sessionID}/claim/{key}", h.handleHostClaim)
	r.Route("/host/{sessionID}", func(r chi.Router) {
		r.Use(h.requireHost)
		r.Get("/", h.handleDashboard)
		r.Post("/next", h.handleTurnNext)
		r.Post("/stop", h.handleTurnStop)
		r.Post("/pause", h.handleRequestsPause)
		r.Post("/resume", h.handleRequestsResume)
		r.Post("/settings", h.handleSettingsSave)
		r.Get("/end", h.handleSessionEndConfirm)
		r.Post("/end", h.handleSessionEnd)
		r.Post("/requests/{requestID}/{move:up|down|top|back}", h.handleRequestMove)
		r.Post("/requests/{requestID}/skip", h.handleRequestSkip)
		r.Post("/requests/{requestID}/remove", h.handleRequestRemove)
	})

	r.NotFound(h.handleNotFound)
	return r
}

// limitBody refuses request bodies over maxBodyBytes.
func (h *Handler) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBodyBytes {
			h.renderError(w, r, http.StatusRequestEntityTooLarge, "Too much", "That was more than a karaoke form ever sends.")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		next.ServeHTTP(w, r)
	})
}
