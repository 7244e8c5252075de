package handlers

import (
	"errors"
	"io"
	"net/http"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/push"
)

// handlePushSubscribe serves POST /j/{code}/push: the guest's browser
// sends its PushSubscription's JSON as is, to be told when their turn
// comes. It answers 204, again for the same subscription; 422 for JSON
// that is no subscription or an endpoint not on the allow-list, which is
// never stored nor ever sent to.
func (h *Handler) handlePushSubscribe(w http.ResponseWriter, r *http.Request) {
	gc, ok := h.joinedGuest(w, r)
	if !ok {
		return
	}
	err := refused(r)
	if err == nil && h.push == nil {
		err = db.Errorf(db.ENOTFOUND, "This server sends no notifications.")
	}
	if err == nil {
		err = h.savePushSubscription(r, gc)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h *Handler) savePushSubscription(r *http.Request, gc guestContext) error {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return db.Errorf(db.EINVALID, "This is not a push subscription.")
	}
	sub, err := push.ParseSubscription(body, h.push.Allow())
	if bad, ok := errors.AsType[*push.SubscriptionError](err); ok {
		return db.Errorf(db.EINVALID, "%s", bad.Reason)
	} else if err != nil {
		return err
	}
	// Its notifications speak the language the guest's page speaks.
	return h.store.SavePushSubscription(r.Context(), gc.session.ID, gc.guest.ID, sub.Endpoint, sub.Keys.P256dh, sub.Keys.Auth, lang.From(r.Context()).Tag())
}
