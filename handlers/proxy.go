package handlers

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// TrustProxy says which proxy in front of the app may speak for the client:
// tell whether it came over HTTPS (X-Forwarded-Proto) and from which
// address. Nobody else may: a header a client sent straight to the app is
// ignored, or anyone could claim HTTPS or another address to dodge a
// per-address limit.
type TrustProxy struct {
	fly      bool
	prefixes []netip.Prefix
}

// ParseTrustProxy reads the TRUST_PROXY setting:
//
//   - "" or "none": no proxy; the connection itself is the client.
//   - "fly": Fly.io's proxy, which terminates TLS and sets X-Forwarded-Proto
//     and Fly-Client-IP. Only Fly's proxy reaches an app's public service,
//     so the headers are believed from any peer.
//   - a comma-separated list of addresses or CIDR prefixes, such as
//     "127.0.0.1,10.0.0.0/8": the proxies' own addresses. Their
//     X-Forwarded-Proto is believed, and the client address is the
//     rightmost entry of X-Forwarded-For that is not one of them.
func ParseTrustProxy(s string) (TrustProxy, error) {
	s = strings.TrimSpace(s)
	switch strings.ToLower(s) {
	case "", "none", "off":
		return TrustProxy{}, nil
	case "fly":
		return TrustProxy{fly: true}, nil
	}
	var p TrustProxy
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		prefix, err := netip.ParsePrefix(part)
		if err != nil {
			addr, aerr := netip.ParseAddr(part)
			if aerr != nil {
				return TrustProxy{}, fmt.Errorf("TRUST_PROXY: %q is neither an address nor a CIDR prefix (want none, fly, or a list such as 127.0.0.1,10.0.0.0/8)", part)
			}
			prefix = netip.PrefixFrom(addr.Unmap(), addr.Unmap().BitLen())
		}
		p.prefixes = append(p.prefixes, prefix.Masked())
	}
	return p, nil
}

// String names the setting as TRUST_PROXY would give it.
func (p TrustProxy) String() string {
	if p.fly {
		return "fly"
	}
	if len(p.prefixes) == 0 {
		return "none"
	}
	parts := make([]string, len(p.prefixes))
	for i, prefix := range p.prefixes {
		parts[i] = prefix.String()
	}
	return strings.Join(parts, ",")
}

func (p TrustProxy) trusts(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, prefix := range p.prefixes {
		if prefix.Contains(addr) {
			return true
		}
	}
	return false
}

// client is where a request came from, as far as the app can trust it.
type client struct {
	https bool
	addr  netip.Addr // invalid when unknown
}

type clientKey struct{}

// resolve works out the client of a request.
func (p TrustProxy) resolve(r *http.Request) client {
	c := client{https: r.TLS != nil}
	peer := remoteAddr(r)
	c.addr = peer
	fromProxy := p.fly || (peer.IsValid() && p.trusts(peer))
	if !fromProxy {
		return c
	}
	if r.Header.Get("X-Forwarded-Proto") == "https" {
		c.https = true
	}
	if p.fly {
		if addr, err := netip.ParseAddr(strings.TrimSpace(r.Header.Get("Fly-Client-IP"))); err == nil {
			c.addr = addr.Unmap()
		}
		return c
	}
	// X-Forwarded-For lists the hops left to right; each proxy appends the
	// address it heard from. Walk from the right past our own proxies.
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		addr, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // garbage: believe nothing left of it
		}
		c.addr = addr.Unmap()
		if !p.trusts(addr) {
			break
		}
	}
	return c
}

func remoteAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}
	}
	return addr.Unmap().WithZone("")
}

// resolveClient records, for the handlers below it, whether the request
// came over HTTPS and from which address.
func (h *Handler) resolveClient(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := h.proxy.resolve(r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), clientKey{}, c)))
	})
}

func clientOf(r *http.Request) client {
	if c, ok := r.Context().Value(clientKey{}).(client); ok {
		return c
	}
	return client{https: r.TLS != nil, addr: remoteAddr(r)}
}

// requestScheme is "https" when the request came over TLS, directly or
// through a trusted proxy.
func requestScheme(r *http.Request) string {
	if clientOf(r).https {
		return "https"
	}
	return "http"
}

// clientAddress is the client's address as a rate-limit key: an IPv6
// client is counted by its /64, which one device usually has to itself.
func clientAddress(r *http.Request) string {
	addr := clientOf(r).addr
	switch {
	case !addr.IsValid():
		return "unknown"
	case addr.Is6():
		prefix, _ := addr.Prefix(64)
		return prefix.String()
	}
	return addr.String()
}
