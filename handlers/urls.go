package handlers

import (
	"cmp"
	"net/http"
	"net/url"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/qr"
)

// baseURL is where the app is reached: PUBLIC_URL, or else the scheme and
// host of the first request that asked, pinned for the life of the process.
// A later request's Host header is the sender's to choose: were it believed,
// every forged host would make (and write to disk) another QR image, and
// show guests a link to the forger's site.
func (h *Handler) baseURL(r *http.Request) *url.URL {
	if h.publicURL != nil {
		u := *h.publicURL
		return &u
	}
	if h.pinned.Load() == nil && r.Host != "" {
		first := &url.URL{Scheme: requestScheme(r), Host: r.Host}
		if h.pinned.CompareAndSwap(nil, first) {
			h.log.Warn("PUBLIC_URL is not set: join links and QR codes use this address until a restart; "+
				"set PUBLIC_URL if it is not the one guests can reach", "public_url", first.String())
		}
	}
	if p := h.pinned.Load(); p != nil {
		u := *p
		return &u
	}
	return &url.URL{} // no Host at all (HTTP/1.0): a relative link, pinning nothing
}

func (h *Handler) absoluteURL(r *http.Request, path string) string {
	u := h.baseURL(r)
	u.Path = path
	return u.String()
}

// The paths of a session's pages, in one place. They name the session by
// its join token, which the code look-up limit never refuses (see
// lookUpSession), so a guest who arrived by a link, or by a code typed once,
// is not shut out by the wrong codes of others on the same network.

// GuestPath is the path of a night's guest page, which a push's
// notification opens (package nudge).
func GuestPath(s db.Session) string { return guestPath(s) }

// sessionRef is how a session's paths name it: its join token, or its code
// in a read-only database from before tokens.
func sessionRef(s db.Session) string { return cmp.Or(s.JoinToken, s.Code) }

func guestPath(s db.Session) string    { return "/j/" + sessionRef(s) }
func joinPath(s db.Session) string     { return guestPath(s) + "/join" }
func requestsPath(s db.Session) string { return guestPath(s) + "/requests" }
func displayPath(s db.Session) string  { return "/d/" + sessionRef(s) }
func withdrawPath(s db.Session, id int64) string {
	return requestsPath(s) + "/" + strconv.FormatInt(id, 10) + "/withdraw"
}
func hostActionPath(sessionID int64, action string) string { return hostPath(sessionID) + "/" + action }
func guestRemovePath(sessionID, guestID int64) string {
	return hostPath(sessionID) + "/guests/" + strconv.FormatInt(guestID, 10) + "/remove"
}
func hostRequestPath(sessionID, requestID int64, action string) string {
	return hostPath(sessionID) + "/requests/" + strconv.FormatInt(requestID, 10) + "/" + action
}

// joinURL is the address guests open, and the QR code encodes: it carries
// the join token, so the QR code cannot be found by trying codes.
func (h *Handler) joinURL(r *http.Request, s db.Session) string {
	return h.absoluteURL(r, guestPath(s))
}

// qrPath is the QR image of the join URL. Its query names the image's
// content, so when the join URL changes so does the image's address, and the
// image can be cached for good.
func (h *Handler) qrPath(r *http.Request, s db.Session) string {
	return "/qr/" + sessionRef(s) + ".png?v=" + qr.Key(h.joinURL(r, s))[:12]
}

// notFound is what a guest or the host is told when the ID in a path
// parameter names nothing.
var notFound = map[string]string{
	"sessionID": "There is no such session.",
	"requestID": "That request is not in this session.",
	"guestID":   "That guest is not in this session.",
	"heldID":    "That request is not in this session.",
	"standbyID": "That song is not on your standby list.",
	"screenID":  "That TV does not show this night.",
}

// pathID returns the ID in the path parameter name, or a not-found error
// when it is not one.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil {
		return 0, db.Errorf(db.ENOTFOUND, "%s", cmp.Or(notFound[name], "There is nothing here."))
	}
	return id, nil
}
