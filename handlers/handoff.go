package handlers

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/karaoke-night/karaoke/db"
)

// The handoff carries a guest from an iPhone's Safari into the web app they
// add to the Home Screen (to get pushes there), whose cookies iOS keeps
// apart: push.js puts it into the page's address, which Add to Home Screen
// saves, and the web app's first launch opens that address. See db.Handoff.

// handoffParam is the guest page's query parameter that carries a handoff.
const handoffParam = "handoff"

// handleHandoff serves GET /j/{code}/handoff: a handoff for the guest's own
// signed device, as JSON {"handoff": "…"}, never cached. Only the page's
// own script asks (a fetch from another site is refused, and could not
// read the answer anyway); a device that is no present guest gets 403.
func (h *Handler) handleHandoff(w http.ResponseWriter, r *http.Request) {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		h.fail(w, r, db.Errorf(db.EFORBIDDEN, "This address is for the guest page only."))
		return
	}
	sess, err := sessionOf(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	handoff, err := h.store.Handoff(r.Context(), sess.ID, h.signedDevice(r))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	body, err := json.Marshal(map[string]string{"handoff": handoff})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(body)
}

// takeHandoff answers a guest page opened with a handoff: a browser that is
// no guest of the night becomes the guest the handoff names (its device
// cookie set as joining sets it); a browser that is already a guest of the
// night stays who it is, for a phone is never moved from one guest to
// another without being asked. Either way it is sent to the page's clean
// address, so the handoff leaves the address bar, and a handoff that opens
// nothing (made up, another night's, past its time) gets the ordinary page
// and no word of why. A made-up one counts as a wrong code.
func (h *Handler) takeHandoff(w http.ResponseWriter, r *http.Request, gc guestContext) {
	if !gc.joined {
		h.openHandoff(w, r, gc.session.ID, r.URL.Query().Get(handoffParam))
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	http.Redirect(w, r, guestPath(gc.session), http.StatusSeeOther)
}

// openHandoff sets the device cookie the handoff carries, if it opens.
func (h *Handler) openHandoff(w http.ResponseWriter, r *http.Request, sessionID int64, handoff string) {
	addr := clientAddress(r)
	if wait := h.codes.begin(r.Context(), addr); wait > 0 {
		return // shut out of look-ups for now: not even tried
	}
	token, err := h.store.OpenHandoff(r.Context(), sessionID, handoff)
	h.codes.end(addr, errors.Is(err, db.ErrHandoffForged))
	switch {
	case err == nil:
		setCookie(w, r, deviceCookie, token, "/")
	case !errors.Is(err, db.ErrHandoffForged) && !errors.Is(err, db.ErrHandoffSpent):
		h.log.Error("handoff", "err", err) // the guest gets the ordinary page
	}
}
