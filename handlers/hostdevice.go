package handlers

import (
	"crypto/sha256"
	"encoding/base32"
	"net/http"
	"strings"

	"github.com/karaoke-night/karaoke/db"
)

// hostDeviceCookie tells one host browser from another in the night's log:
// every host device holds the same host key, so the key cannot. It holds a
// random token, sent only to /host/ pages; the log shows a short label made
// from it. It grants nothing: a host who makes one up is still the host,
// and only renames themselves in the log.
const hostDeviceCookie = "karaoke_host_device"

// hostDevice returns the label of the host device that sent r ("iPhone ·
// K7QF"), giving the browser its token first when it has none.
func hostDevice(w http.ResponseWriter, r *http.Request) string {
	token := ""
	if c, err := r.Cookie(hostDeviceCookie); err == nil && len(c.Value) >= 16 && len(c.Value) <= 128 {
		token = c.Value
	} else {
		token = db.NewToken()
		setCookie(w, r, hostDeviceCookie, token, "/host/")
	}
	sum := sha256.Sum256([]byte(token))
	return deviceKind(r.UserAgent()) + " · " + base32.StdEncoding.EncodeToString(sum[:])[:4]
}

// deviceKind names a browser's device as a host would recognise it.
func deviceKind(userAgent string) string {
	for _, k := range []struct{ mark, name string }{
		{"iPhone", "iPhone"}, {"iPad", "iPad"}, {"Android", "Android"}, {"CrOS", "Chromebook"},
		{"Macintosh", "Mac"}, {"Windows", "Windows"}, {"Linux", "Linux"},
	} {
		if strings.Contains(userAgent, k.mark) {
			return k.name
		}
	}
	return "Browser"
}
