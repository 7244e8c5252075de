package handlers_test

import (
	"maps"
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/static"
)

// trustProxy is the TRUST_PROXY setting s, parsed as app.FromEnv parses it.
func trustProxy(t *testing.T, s string) handlers.TrustProxy {
	t.Helper()
	p, err := handlers.ParseTrustProxy(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCookieFlags(t *testing.T) {
	tests := []struct {
		name       string
		trustProxy string
		forwarded  http.Header
		wantSecure bool
	}{
		{"plain HTTP", "", nil, false},
		{"HTTPS claimed by a client with no proxy trusted", "", http.Header{"X-Forwarded-Proto": {"https"}}, false},
		{"HTTPS from a proxy that is not the trusted one", "10.0.0.0/8", http.Header{"X-Forwarded-Proto": {"https"}}, false},
		{"HTTPS through the trusted proxy", "127.0.0.1", http.Header{"X-Forwarded-Proto": {"https"}}, true},
		{"HTTPS through Fly's proxy", "fly", http.Header{"X-Forwarded-Proto": {"https"}}, true},
		{"plain HTTP through the trusted proxy", "127.0.0.1", http.Header{"X-Forwarded-Proto": {"http"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newTestAppWith(t, handlers.Config{TrustProxy: trustProxy(t, tt.trustProxy)})
			var cookies []*http.Cookie
			collect := func(r response) { cookies = append(cookies, (&http.Response{Header: r.header}).Cookies()...) }

			host := app.browser()
			host.header = tt.forwarded
			created := host.post("/sessions", "name", "Friday")
			collect(created)
			dash := created.location
			code := strings.TrimSpace(host.get(dash).testid("join-code").Text())
			link, _ := host.get(dash).testid("host-link").Attr("value")
			tablet := app.browser()
			tablet.header = tt.forwarded
			collect(tablet.get(mustURL(t, link).Path))
			collect(host.post(dash + "/host-link"))
			guest := app.browser()
			guest.header = tt.forwarded
			collect(guest.post("/j/"+code+"/join", "name", "Ann"))

			names := map[string]bool{}
			for _, c := range cookies {
				names[strings.TrimRightFunc(c.Name, func(r rune) bool { return r >= '0' && r <= '9' })] = true
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Secure != tt.wantSecure {
					t.Errorf("cookie %s: HttpOnly=%v SameSite=%v Secure=%v; want HttpOnly, Lax, Secure=%v",
						c.Name, c.HttpOnly, c.SameSite, c.Secure, tt.wantSecure)
				}
			}
			if !names["karaoke_host_"] || !names["karaoke_device"] || len(cookies) < 4 {
				t.Errorf("cookies seen: %v", names)
			}
			hsts := created.header.Get("Strict-Transport-Security")
			if (hsts != "") != tt.wantSecure {
				t.Errorf("Strict-Transport-Security = %q with HTTPS %v", hsts, tt.wantSecure)
			}
		})
	}
}

// wantCSP is the whole Content-Security-Policy, directive by directive.
var wantCSP = map[string]string{
	"default-src": "'none'", "script-src": "'self'", "style-src": "'self'", "img-src": "'self'",
	"connect-src": "'self'", "font-src": "'self'", "manifest-src": "'self'", "worker-src": "'self'",
	"form-action": "'self'", "base-uri": "'none'", "frame-ancestors": "'none'",
}

func cspDirectives(csp string) map[string]string {
	out := map[string]string{}
	for d := range strings.SplitSeq(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		out[name] = value
	}
	return out
}

func TestHeadersOnEveryAnswer(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	guest := app.guest(code, "Ann", "a1")
	qrSrc, _ := host.get(dash).testid("join-qr").Attr("src")
	removeURL, _ := host.get(dash).testid("remove-singer").Attr("href")

	tests := []struct {
		name string
		send func() response
		html bool
	}{
		{"home", func() response { return app.browser().get("/") }, true},
		{"join page", func() response { return app.browser().get("/j/" + code) }, true},
		{"guest page", func() response { return guest.get("/j/" + code) }, true},
		{"guest fragment", func() response { g := *guest; g.htmx = true; return g.get("/j/" + code) }, true},
		{"display", func() response { return app.browser().get("/d/" + code) }, true},
		{"dashboard", func() response { return host.get(dash) }, true},
		{"end confirmation", func() response { return host.get(dash + "/end") }, true},
		{"remove confirmation", func() response { return host.get(removeURL) }, true},
		{"refused form (422)", func() response { return guest.request(code, "", "") }, true},
		{"redirect after a post", func() response { return guest.request(code, "a2", "") }, false},
		{"forbidden", func() response { return app.browser().get(dash) }, true},
		{"not found", func() response { return app.browser().get("/nope") }, true},
		{"unknown code", func() response { return app.browser().get("/j?code=ZZZZ") }, true},
		{"QR image", func() response { return app.browser().get(qrSrc) }, false},
		{"stylesheet", func() response { return app.browser().get(static.Path("app.css")) }, false},
		{"htmx", func() response { return app.browser().get(static.Path("htmx.min.js")) }, false},
		{"service worker", func() response { return app.browser().get("/sw.js") }, false},
		{"web app manifest", func() response { return app.browser().get("/manifest.webmanifest") }, false},
		{"health", func() response { return app.browser().get("/healthz") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := tt.send()
			csp := resp.header.Get("Content-Security-Policy")
			// Exactly these: Web Push added only its manifest and worker.
			if got, want := cspDirectives(csp), wantCSP; !maps.Equal(got, want) {
				t.Errorf("CSP %q\nwant the directives %v", csp, want)
			}
			for _, bad := range []string{"unsafe-inline", "unsafe-eval", "*"} {
				if strings.Contains(csp, bad) {
					t.Errorf("CSP %q allows %s", csp, bad)
				}
			}
			for name, want := range map[string]string{
				"X-Content-Type-Options": "nosniff",
				"Referrer-Policy":        "same-origin",
				"X-Frame-Options":        "DENY",
			} {
				if got := resp.header.Get(name); got != want {
					t.Errorf("%s = %q, want %q", name, got, want)
				}
			}
			if hsts := resp.header.Get("Strict-Transport-Security"); hsts != "" {
				t.Errorf("HSTS over plain HTTP: %q", hsts)
			}
			if !tt.html {
				return
			}
			// Nothing the CSP would block: no inline script or style, no
			// inline event handlers, no hx-on.
			if n := resp.doc.Find("script:not([src]), style, [style]").Length(); n != 0 {
				t.Errorf("%d inline scripts or styles", n)
			}
			resp.doc.Find("*").Each(func(_ int, s *goquery.Selection) {
				for _, a := range s.Nodes[0].Attr {
					if strings.HasPrefix(a.Key, "on") || strings.HasPrefix(a.Key, "hx-on") {
						t.Errorf("<%s %s=…>: inline handler", s.Nodes[0].Data, a.Key)
					}
				}
			})
		})
	}
	if got := host.get(dash).header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("dashboard Cache-Control = %q, want no-store: it shows the host link", got)
	}
}
