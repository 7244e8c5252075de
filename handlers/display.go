package handlers

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/a-h/templ"

	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/qr"
	"github.com/karaoke-night/karaoke/views"
)

// handleDisplay serves GET /d/{code}: the TV page, public and read-only, or
// for htmx its live part.
func (h *Handler) handleDisplay(w http.ResponseWriter, r *http.Request) {
	sess, err := sessionOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The TV speaks the night's language, whoever's browser shows it: the
	// page is rendered in it (kept.Lang).
	lg := lang.Shipped().Match(sess.Language)
	// Every TV of the night shows the same page: kept per version.
	h.respondKeptAs(w, r, sess, kept{Page: "display", Lang: &lg}, func() (templ.Component, error) {
		night, err := h.store.Night(r.Context(), sess.ID)
		return views.DisplayLiveView(displayLive(lg, night)), err
	}, func() (templ.Component, error) {
		night, err := h.store.Night(r.Context(), sess.ID)
		if err != nil {
			return nil, err
		}
		live := displayLive(lg, night)
		return views.Display(views.DisplayPage{Session: h.sessionInfo(r, night.Session), Stream: streamURL(displayPath(sess), night.Session), Live: live,
			Poll: displayPoll(night.Session)}), nil
	})
}

// qrMaxAge is how long a QR image may be cached: its address changes with
// its content, so for good.
const qrMaxAge = 365 * 24 * 60 * 60

// handleQR serves GET /qr/{code}.png: the QR code of an open session's join
// URL, from the cache on disk.
func (h *Handler) handleQR(w http.ResponseWriter, r *http.Request) {
	sess, err := sessionOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if !sess.Open() {
		h.renderError(w, r, http.StatusNotFound, "Not found", "This session has ended.")
		return
	}
	content := h.joinURL(r, sess)
	etag := `"` + qr.Key(content) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "public, max-age="+strconv.Itoa(qrMaxAge)+", immutable")
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	png, err := h.qr.PNG(sess.Code, content)
	if errors.Is(err, qr.ErrNotKept) {
		// A full disk costs the cache, not the TV's image: serve it anyway.
		h.log.Warn("QR code served but not kept on disk", "code", sess.Code, "err", err)
	} else if err != nil {
		h.internalError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(png)))
	w.Write(png)
}
