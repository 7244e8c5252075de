package handlers

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/push"
	"github.com/karaoke-night/karaoke/views"
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

// handlePushUnsubscribe serves POST /j/{code}/push/off: the guest turned
// notifications off on this device, whose browser sends the subscription's
// JSON (its endpoint is enough). It answers 204, again for a subscription
// already forgotten, and forgets only the guest's own.
func (h *Handler) handlePushUnsubscribe(w http.ResponseWriter, r *http.Request) {
	gc, ok := h.joinedGuest(w, r)
	if !ok {
		return
	}
	var sub struct {
		Endpoint string `json:"endpoint"`
	}
	err := refused(r)
	if err == nil {
		if json.NewDecoder(r.Body).Decode(&sub) != nil || sub.Endpoint == "" {
			err = db.Errorf(db.EINVALID, "This is not a push subscription.")
		}
	}
	if err == nil {
		err = h.store.ForgetPushSubscription(r.Context(), gc.guest.ID, sub.Endpoint)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// pushOptIn is the guest page's offer of a notification when their turn
// comes: none where the server sends no pushes, nor once the night has
// ended or the host removed the guest (the store would refuse them).
func (h *Handler) pushOptIn(s db.Session, g db.Guest) *views.PushOptIn {
	if h.push == nil || !s.Open() || g.Removed() {
		return nil
	}
	return &views.PushOptIn{VAPIDKey: h.push.PublicKey(), SubscribeURL: guestPath(s) + "/push",
		UnsubscribeURL: guestPath(s) + "/push/off", HandoffURL: guestPath(s) + "/handoff"}
}

// nudgeKey names one turn of one request, for the guest's phone to buzz
// once for it (views.GuestStatus.Nudge).
func nudgeKey(event string, requestID int64) string {
	return event + "-" + strconv.FormatInt(requestID, 10)
}
