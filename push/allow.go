package push

import (
	"fmt"
	"net/url"
	"strings"
)

// DefaultAllow is where the server may send pushes unless
// PUSH_ENDPOINTS_ALLOW says otherwise: the push services of Chrome and
// Android (Google FCM), Firefox (Mozilla), Safari and iPhones (Apple) and
// Edge (Microsoft WNS, one host per region).
const DefaultAllow = "https://fcm.googleapis.com/,https://updates.push.services.mozilla.com/," +
	"https://web.push.apple.com/,https://*.notify.windows.com/"

// Allow is the list of endpoint prefixes the server may send to. Anything
// else is refused when a guest subscribes and again before each send, so
// the server never makes a request to an address a stranger chose.
type Allow []prefix

type prefix struct {
	scheme, host, path string
	anySub             bool // host was "*.host": any name under it
}

// ParseAllow reads a comma-separated list of URL prefixes, such as
// DefaultAllow or PUSH_ENDPOINTS_ALLOW. Each names a scheme and host (a
// port is part of the host; "*." before it allows the names under it) and
// may name a path the endpoint must start with.
func ParseAllow(list string) (Allow, error) {
	var a Allow
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		u, err := url.Parse(item)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
			u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("PUSH_ENDPOINTS_ALLOW: %q is not an http(s) URL prefix such as https://push.example.com/", item)
		}
		p := prefix{scheme: u.Scheme, host: strings.ToLower(u.Host), path: u.Path}
		if rest, ok := strings.CutPrefix(p.host, "*."); ok {
			p.host, p.anySub = rest, true
		}
		a = append(a, p)
	}
	if len(a) == 0 {
		return nil, fmt.Errorf("PUSH_ENDPOINTS_ALLOW names no push service")
	}
	return a, nil
}

// Permits says whether the server may send to endpoint.
func (a Allow) Permits(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil || u.User != nil || u.Host == "" || u.Opaque != "" {
		return false
	}
	host := strings.ToLower(u.Host)
	for _, p := range a {
		if u.Scheme != p.scheme || !strings.HasPrefix(u.EscapedPath(), p.path) {
			continue
		}
		if host == p.host && !p.anySub || p.anySub && strings.HasSuffix(host, "."+p.host) {
			return true
		}
	}
	return false
}
