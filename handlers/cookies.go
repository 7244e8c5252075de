package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// deviceCookie holds a random token that stands for the guest's device; the
// store keeps only its hash. It is not a name: two Johns have two tokens.
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

// deviceToken returns the device's token, or "" when it has none yet.
func deviceToken(r *http.Request) string {
	c, err := r.Cookie(deviceCookie)
	if err != nil {
		return ""
	}
	return c.Value
}

// ensureDeviceToken returns the device's token, giving it one if it has none.
func ensureDeviceToken(w http.ResponseWriter, r *http.Request) string {
	if token := deviceToken(r); token != "" {
		return token
	}
	token := db.NewToken()
	setCookie(w, r, deviceCookie, token, "/")
	return token
}

// hostKey returns the host key the browser holds for the session, or "".
func hostKey(r *http.Request, sessionID int64) string {
	c, err := r.Cookie(hostCookieName(sessionID))
	if err != nil {
		return ""
	}
	return c.Value
}

func setHostKey(w http.ResponseWriter, r *http.Request, sessionID int64, key string) {
	setCookie(w, r, hostCookieName(sessionID), key, hostPath(sessionID))
}
