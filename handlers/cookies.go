package handlers

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// deviceCookie holds the token that stands for the guest's device: the
// server issues it signed (db.Store.NewDeviceToken), and the store keeps
// only its hash. It is not a name: two Johns have two tokens.
const deviceCookie = "karaoke_device"

// hostCookiePrefix names a session's host cookie, which holds its host key
// and is sent only to that session's /host/ pages.
const hostCookiePrefix = "karaoke_host_"

const cookieLifetime = 30 * 24 * time.Hour

func hostCookieName(sessionID int64) string {
	return hostCookiePrefix + strconv.FormatInt(sessionID, 10)
}

func hostPath(sessionID int64) string { return "/host/" + strconv.FormatInt(sessionID, 10) }

// setCookie sets an HttpOnly, SameSite=Lax cookie, Secure when the request
// came over HTTPS.
func setCookie(w http.ResponseWriter, r *http.Request, name, value, path string) {
	http.SetCookie(w, &http.Cookie{
		Name:     name,
		Value:    value,
		Path:     path,
		MaxAge:   int(cookieLifetime / time.Second),
		HttpOnly: true,
		SameSite: http.SameSiteLaxMode,
		Secure:   requestScheme(r) == "https",
	})
}

// deviceToken returns the device cookie as the browser sent it, or "". It
// is only fit for looking up a guest who joined with it: anything that
// counts or creates by device uses signedDevice.
func deviceToken(r *http.Request) string {
	c, err := r.Cookie(deviceCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// signedDevice returns the device's token if the server signed it, else "":
// a made-up cookie is no device, so it is no key for a device limit either.
func (h *Handler) signedDevice(r *http.Request) string {
	if token := deviceToken(r); token != "" && h.store.DeviceTokenSigned(r.Context(), token) {
		return token
	}
	return ""
}

// joiningDevice returns the token a join from this device goes under: its
// signed token; or a token from before signing that is already a guest of
// the session (the guest keeps their place, and can only rename); or else a
// new signed token, which it sets as the device cookie.
func (h *Handler) joiningDevice(w http.ResponseWriter, r *http.Request, sessionID int64) (string, error) {
	if token := h.signedDevice(r); token != "" {
		return token, nil
	}
	if token := deviceToken(r); token != "" {
		_, err := h.store.GuestByDevice(r.Context(), sessionID, token)
		if err == nil {
			return token, nil
		}
		if db.ErrorCode(err) != db.ENOTFOUND {
			return "", err
		}
	}
	token, err := h.store.NewDeviceToken(r.Context())
	if err != nil {
		return "", err
	}
	setCookie(w, r, deviceCookie, token, "/")
	return token, nil
}

// hostKey returns the host key the browser holds for the session, or "".
func hostKey(r *http.Request, sessionID int64) string {
	c, err := r.Cookie(hostCookieName(sessionID))
	if err != nil {
		return ""
	}
	return c.Value
}

// setHostKey makes the browser a host of the session: its host cookie, and
// the session first in the browser's list of the nights it hosts.
func setHostKey(w http.ResponseWriter, r *http.Request, sessionID int64, key string) {
	setCookie(w, r, hostCookieName(sessionID), key, hostPath(sessionID))
	nights := []db.HostedNight{{SessionID: sessionID, Mark: db.HostMark(key)}}
	for _, n := range hostedNights(r) {
		if n.SessionID != sessionID && len(nights) < maxHostedNights {
			nights = append(nights, n)
		}
	}
	parts := make([]string, len(nights))
	for i, n := range nights {
		parts[i] = strconv.FormatInt(n.SessionID, 10) + "-" + n.Mark
	}
	setCookie(w, r, hostingCookie, strings.Join(parts, "."), "/")
}

// hostingCookie lists the nights the browser hosts, newest first, for the
// home page: "12-<mark>.9-<mark>". It holds host marks (see db.HostMark),
// never a host key, so it may go to every page: a key stays in its cookie
// for its own /host/ pages, out of the guest routes' logs and Referers.
const hostingCookie = "karaoke_hosting"

// maxHostedNights bounds the list: a host's recent nights, not an archive.
const maxHostedNights = 10

// hostedNights returns the nights the browser's list names, newest first;
// an entry that does not parse is left out.
func hostedNights(r *http.Request) []db.HostedNight {
	c, err := r.Cookie(hostingCookie)
	if err != nil {
		return nil
	}
	var out []db.HostedNight
	for _, part := range strings.Split(c.Value, ".") {
		id, mark, ok := strings.Cut(part, "-")
		n, err := strconv.ParseInt(id, 10, 64)
		if ok && err == nil && n > 0 && mark != "" && len(out) < maxHostedNights {
			out = append(out, db.HostedNight{SessionID: n, Mark: mark})
		}
	}
	return out
}

// songbookOwnerCookie holds the key of the songbooks this browser imported
// (the store keeps only its hash): it is sent to every /host/ page, so any
// night this browser hosts can attach them, and to nothing else.
const songbookOwnerCookie = "karaoke_songbooks"

// songbookOwner returns the browser's songbook owner key, or "".
func songbookOwner(r *http.Request) string {
	c, err := r.Cookie(songbookOwnerCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// songbookOwnerKey returns the browser's songbook owner key, giving it a new
// one in the cookie if it has none.
func songbookOwnerKey(w http.ResponseWriter, r *http.Request) string {
	if key := songbookOwner(r); key != "" {
		return key
	}
	key := db.NewToken()
	setCookie(w, r, songbookOwnerCookie, key, "/host/")
	return key
}
