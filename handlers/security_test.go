package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/karaoke-night/karaoke/handlers"
)

// postForm is a form as a page offers it: where it posts and what it sends,
// hidden fields included.
type postForm struct {
	action string
	values url.Values
}

// postForms returns every POST form of a page.
func postForms(r response) []postForm {
	var out []postForm
	r.doc.Find(`form[method="post"]`).Each(func(_ int, f *goquery.Selection) {
		action, _ := f.Attr("action")
		values := url.Values{}
		f.Find("input[name]").Each(func(_ int, in *goquery.Selection) {
			name, _ := in.Attr("name")
			value, _ := in.Attr("value")
			values.Add(name, value)
		})
		out = append(out, postForm{action: action, values: values})
	})
	return out
}

// hostView is what the host sees of the night, to tell whether anything
// changed.
func hostView(host *browser, dash string) string {
	page := host.get(dash)
	cap, _ := page.doc.Find(`input[name="singer_cap"]`).Attr("value")
	link, _ := page.testid("host-link").Attr("value")
	return fmt.Sprintf("queue=%q now=%q cap=%s link=%s guests=%q ended=%d",
		strings.Join(strings.Fields(page.testid("queue").Text()), " "),
		strings.Join(strings.Fields(page.testid("now-singing").Text()), " "), cap, link,
		strings.Join(strings.Fields(page.testid("guests").Text()), " "), page.testid("ended").Length())
}

func TestGuestReplayingHostFormsIsRefused(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	dash, code := host.hostSession("Friday")
	ann, eve := app.browser(), app.browser()
	ann.join(code, "Ann")
	eve.join(code, "Eve")
	ann.request(code, "a1", "")
	eve.request(code, "e1", "")
	host.post(dash + "/next")
	ann.request(code, "a2", "")

	// Every POST form the host has: the dashboard's, and those of the pages
	// that ask before ending the night or removing a guest.
	page := host.get(dash)
	forms := postForms(page)
	forms = append(forms, postForms(host.get(dash+"/end"))...)
	removeURL, _ := page.testid("remove-singer").First().Attr("href")
	forms = append(forms, postForms(host.get(removeURL))...)
	if len(forms) < 10 {
		t.Fatalf("found only %d host forms", len(forms))
	}
	before := hostView(host, dash)
	for _, f := range forms {
		for _, htmx := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/htmx=%v", f.action, htmx), func(t *testing.T) {
				eve.htmx = htmx
				resp := eve.do("POST", f.action, f.values)
				if resp.status != http.StatusForbidden {
					t.Errorf("status = %d, want 403", resp.status)
				}
				if after := hostView(host, dash); after != before {
					t.Errorf("the night changed:\n before %s\n after  %s", before, after)
				}
			})
		}
	}
	eve.htmx = false
	if resp := eve.request(code, "still here", ""); resp.status != http.StatusSeeOther {
		t.Errorf("Eve can no longer request: status %d", resp.status)
	}
}

func TestStrangerSeesNoHostControls(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	dash, code := host.hostSession("Friday")
	guest := app.browser()
	guest.join(code, "Ann")
	guest.request(code, "a1", "")
	removeURL, _ := host.get(dash).testid("remove-singer").Attr("href")

	for _, path := range []string{dash, dash + "/end", removeURL, dash + "/claim/guessed-key"} {
		for _, who := range []struct {
			name string
			b    *browser
		}{{"stranger", app.browser()}, {"guest", guest}, {"stranger via htmx", app.htmxBrowser()}} {
			t.Run(who.name+" "+path, func(t *testing.T) {
				resp := who.b.get(path)
				if resp.status != http.StatusForbidden {
					t.Errorf("status = %d, want 403", resp.status)
				}
				if n := resp.doc.Find(`form[action^="/host/"], [data-testid="host-link"], [data-testid="queue"]`).Length(); n != 0 {
					t.Errorf("%d host controls shown", n)
				}
				if who.b.htmx && path == dash && resp.header.Get("HX-Refresh") != "true" {
					t.Error("an htmx refresh of a dashboard whose key is gone does not reload the page")
				}
			})
		}
	}
}

func TestNewHostLinkSignsOutOtherHosts(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	dash, _ := host.hostSession("Friday")
	oldLink, _ := host.get(dash).testid("host-link").Attr("value")
	oldPath := mustURL(t, oldLink).Path
	tablet := app.browser()
	if resp := tablet.get(oldPath); resp.status != http.StatusSeeOther {
		t.Fatalf("claim: status %d", resp.status)
	}
	if resp := tablet.get(dash); resp.status != http.StatusOK {
		t.Fatalf("tablet dashboard: status %d", resp.status)
	}

	// The tablet makes a new link: the laptop is signed out.
	if resp := tablet.post(dash + "/host-link"); resp.status != http.StatusSeeOther || resp.location != dash {
		t.Fatalf("new host link: status %d to %q", resp.status, resp.location)
	}
	newLink, _ := tablet.get(dash).testid("host-link").Attr("value")
	if newLink == oldLink || newLink == "" {
		t.Fatalf("the host link did not change: %q", newLink)
	}
	if resp := host.get(dash); resp.status != http.StatusForbidden {
		t.Errorf("the other host device: status %d, want 403", resp.status)
	}
	if resp := host.post(dash + "/next"); resp.status != http.StatusForbidden {
		t.Errorf("the other host device's action: status %d, want 403", resp.status)
	}
	if resp := app.browser().get(oldPath); resp.status != http.StatusForbidden {
		t.Errorf("the old host link: status %d, want 403", resp.status)
	}
	if resp := host.get(mustURL(t, newLink).Path); resp.status != http.StatusSeeOther {
		t.Errorf("the new host link: status %d", resp.status)
	}
	if resp := host.get(dash); resp.status != http.StatusOK {
		t.Errorf("after the new link: status %d", resp.status)
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCrossSiteWritesAreRefused(t *testing.T) {
	crossSite := http.Header{"Origin": {"https://evil.example"}, "Sec-Fetch-Site": {"cross-site"}}
	originOnly := http.Header{"Origin": {"https://evil.example"}}
	sameOrigin := http.Header{"Sec-Fetch-Site": {"same-origin"}}
	tests := []struct {
		name string
		// write returns the path and form of a write, the browser to send it
		// from, and a view of the state it would change.
		write func(app *testApp) (path string, form url.Values, b *browser, state func() string)
	}{
		{"create a session", func(app *testApp) (string, url.Values, *browser, func() string) {
			b := app.browser()
			return "/sessions", url.Values{"name": {"Evil night"}}, b, func() string {
				return fmt.Sprint(b.client.Jar.Cookies(mustURL(app.t, app.server.URL+"/host/1")))
			}
		}},
		{"join", func(app *testApp) (string, url.Values, *browser, func() string) {
			host := app.browser()
			dash, code := host.hostSession("Friday")
			return "/j/" + code + "/join", url.Values{"name": {"Mallory"}}, app.browser(), func() string { return hostView(host, dash) }
		}},
		{"request a song", func(app *testApp) (string, url.Values, *browser, func() string) {
			host := app.browser()
			dash, code := host.hostSession("Friday")
			g := app.browser()
			g.join(code, "Ann")
			return "/j/" + code + "/requests", url.Values{"title": {"Forced song"}}, g, func() string { return hostView(host, dash) }
		}},
		{"withdraw", func(app *testApp) (string, url.Values, *browser, func() string) {
			host := app.browser()
			dash, code := host.hostSession("Friday")
			g := app.browser()
			g.join(code, "Ann")
			g.request(code, "a1", "")
			action, _ := g.get("/j/" + code).doc.Find(`[data-testid="my-request"] form`).Attr("action")
			return action, url.Values{}, g, func() string { return hostView(host, dash) }
		}},
		{"host: next singer", hostWrite("/next", nil)},
		{"host: end the night", hostWrite("/end", nil)},
		{"host: singer cap", hostWrite("/settings", url.Values{"singer_cap": {"20"}})},
		{"host: new host link", hostWrite("/host-link", nil)},
		{"host: remove a request", func(app *testApp) (string, url.Values, *browser, func() string) {
			path, form, host, state := hostWrite("", nil)(app)
			action, _ := host.get(path).doc.Find(`[data-testid="queue-item"] form[action$="/remove"]`).Attr("action")
			return action, form, host, state
		}},
		{"host: remove a guest", func(app *testApp) (string, url.Values, *browser, func() string) {
			path, form, host, state := hostWrite("", nil)(app)
			href, _ := host.get(path).testid("remove-singer").Attr("href")
			return href, form, host, state
		}},
	}
	for _, tt := range tests {
		for _, h := range []struct {
			name   string
			header http.Header
			want   int
		}{{"cross-site", crossSite, http.StatusForbidden}, {"origin of another site", originOnly, http.StatusForbidden}} {
			t.Run(tt.name+"/"+h.name, func(t *testing.T) {
				app := newTestApp(t)
				path, form, b, state := tt.write(app)
				before := state()
				b.header = h.header
				resp := b.do("POST", path, form)
				b.header = nil
				if resp.status != h.want {
					t.Errorf("status = %d, want %d", resp.status, h.want)
				}
				if !resp.isPage() || !strings.Contains(resp.body, "another website") {
					t.Error("the refusal is not a page that says why")
				}
				if after := state(); after != before {
					t.Errorf("something changed:\n before %s\n after  %s", before, after)
				}
			})
		}
		t.Run(tt.name+"/same origin goes through", func(t *testing.T) {
			app := newTestApp(t)
			path, form, b, state := tt.write(app)
			before := state()
			b.header = sameOrigin
			resp := b.do("POST", path, form)
			b.header = nil
			if resp.status >= 400 {
				t.Errorf("status = %d", resp.status)
			}
			if after := state(); after == before {
				t.Error("the same-origin write changed nothing")
			}
		})
	}
}

// hostWrite is a host action on a night with a song waiting, for
// TestCrossSiteWritesAreRefused.
func hostWrite(action string, form url.Values) func(app *testApp) (string, url.Values, *browser, func() string) {
	return func(app *testApp) (string, url.Values, *browser, func() string) {
		host := app.browser()
		dash, code := host.hostSession("Friday")
		g := app.browser()
		g.join(code, "Ann")
		g.request(code, "a1", "")
		if form == nil {
			form = url.Values{}
		}
		return dash + action, form, host, func() string { return hostView(host, dash) }
	}
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

func TestHeadersOnEveryAnswer(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	dash, code := host.hostSession("Friday")
	guest := app.browser()
	guest.join(code, "Ann")
	guest.request(code, "a1", "")
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
		{"stylesheet", func() response { return app.browser().get("/static/app.css") }, false},
		{"htmx", func() response { return app.browser().get("/static/htmx.min.js") }, false},
		{"health", func() response { return app.browser().get("/healthz") }, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := tt.send()
			csp := resp.header.Get("Content-Security-Policy")
			for _, want := range []string{"script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "connect-src 'self'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("CSP %q lacks %s", csp, want)
				}
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

func TestInputBounds(t *testing.T) {
	tests := []struct {
		name      string
		path      string // %s is the join code
		form      url.Values
		field     string // the field whose message is expected, "" for none
		wantStore string // what the host then sees, for an accepted input
	}{
		{"singer name of 40", "/j/%s/join", url.Values{"name": {strings.Repeat("n", 40)}}, "", strings.Repeat("n", 40)},
		{"singer name of 41", "/j/%s/join", url.Values{"name": {strings.Repeat("n", 41)}}, "name", ""},
		{"singer name of 40 between spaces", "/j/%s/join", url.Values{"name": {"   " + strings.Repeat("n", 40) + "\t \n"}}, "", strings.Repeat("n", 40)},
		{"singer name of 40 accents typed as 80 code points", "/j/%s/join", url.Values{"name": {strings.Repeat("e\u0301", 40)}}, "", strings.Repeat("\u00e9", 40)},
		{"singer name of spaces", "/j/%s/join", url.Values{"name": {" \t "}}, "name", ""},
		{"singer name with control characters", "/j/%s/join", url.Values{"name": {"A\x00n\x1bn\u202e"}}, "", "Ann"},
		{"title of 120", "/j/%s/requests", url.Values{"title": {strings.Repeat("t", 120)}}, "", strings.Repeat("t", 120)},
		{"title of 121", "/j/%s/requests", url.Values{"title": {strings.Repeat("t", 121)}}, "title", ""},
		{"empty title", "/j/%s/requests", url.Values{"title": {""}, "artist": {"Queen"}}, "title", ""},
		{"artist of 120", "/j/%s/requests", url.Values{"title": {"x"}, "artist": {strings.Repeat("a", 120)}}, "", strings.Repeat("a", 120)},
		{"artist of 121", "/j/%s/requests", url.Values{"title": {"x"}, "artist": {strings.Repeat("a", 121)}}, "artist", ""},
		{"note of 200", "/j/%s/requests", url.Values{"title": {"x"}, "note": {strings.Repeat("o", 200)}}, "", strings.Repeat("o", 200)},
		{"note of 201", "/j/%s/requests", url.Values{"title": {"x"}, "note": {strings.Repeat("o", 201)}}, "note", ""},
		{"session name of 61", "/sessions", url.Values{"name": {strings.Repeat("s", 61)}}, "name", ""},
	}
	for _, htmx := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/htmx=%v", tt.name, htmx), func(t *testing.T) {
				app := newTestApp(t)
				host := app.browser()
				dash, code := host.hostSession("Friday")
				guest := app.browser()
				if strings.HasSuffix(tt.path, "/requests") {
					guest.join(code, "Ann")
				}
				before := hostView(host, dash)
				guest.htmx = htmx
				resp := guest.do("POST", strings.ReplaceAll(tt.path, "%s", code), tt.form)
				if tt.field == "" {
					if resp.status >= 400 {
						t.Fatalf("status = %d, want it accepted", resp.status)
					}
					if after := hostView(host, dash); !strings.Contains(after, tt.wantStore) {
						t.Errorf("the host does not see %q: %s", tt.wantStore, after)
					}
					return
				}
				if resp.status != http.StatusUnprocessableEntity {
					t.Fatalf("status = %d, want 422", resp.status)
				}
				if resp.isPage() == htmx {
					t.Errorf("whole page = %v for htmx = %v", resp.isPage(), htmx)
				}
				if msg := resp.testid("error-" + tt.field).Text(); msg == "" {
					t.Errorf("no message beside %s", tt.field)
				}
				if id, _ := resp.doc.Find(`[name="` + tt.field + `"]`).Attr("aria-describedby"); id != tt.field+"-error" {
					t.Errorf("the %s field is not tied to its message: aria-describedby=%q", tt.field, id)
				}
				if after := hostView(host, dash); after != before {
					t.Errorf("something was stored:\n before %s\n after  %s", before, after)
				}
			})
		}
	}
}

func TestOversizeBody(t *testing.T) {
	big := url.Values{"title": {strings.Repeat("x", 70<<10)}}.Encode()
	tests := []struct {
		name    string
		path    func(dash, code string) string
		as      func(host, guest *browser) *browser
		chunked bool
		form    string // data-testid of the form re-rendered, "" for an error page
	}{
		{"song request", func(_, code string) string { return "/j/" + code + "/requests" }, guestOf, false, "request-form"},
		{"song request without a length", func(_, code string) string { return "/j/" + code + "/requests" }, guestOf, true, "request-form"},
		{"join", func(_, code string) string { return "/j/" + code + "/join" }, guestOf, false, "join-form"},
		{"new session", func(_, _ string) string { return "/sessions" }, guestOf, true, "create-session"},
		{"host action", func(dash, _ string) string { return dash + "/next" }, hostOf, false, ""},
	}
	for _, htmx := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/htmx=%v", tt.name, htmx), func(t *testing.T) {
				app := newTestApp(t)
				host := app.browser()
				dash, code := host.hostSession("Friday")
				guest := app.browser()
				guest.join(code, "Ann")
				before := hostView(host, dash)
				b := tt.as(host, guest)
				b.htmx = htmx
				req, _ := http.NewRequest("POST", app.server.URL+tt.path(dash, code), strings.NewReader(big))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if tt.chunked {
					req.ContentLength = -1 // sent chunked: only reading finds the size
				}
				resp := b.send(req)
				b.htmx = false
				if resp.status != http.StatusRequestEntityTooLarge {
					t.Fatalf("status = %d, want 413", resp.status)
				}
				if !strings.Contains(resp.body, "64 KB") {
					t.Error("the answer does not say what the limit is")
				}
				if tt.form != "" {
					if resp.testid(tt.form).Length() != 1 || resp.testid("form-error").Length() != 1 {
						t.Errorf("the form is not re-rendered with its message")
					}
					if resp.isPage() == htmx {
						t.Errorf("whole page = %v for htmx = %v", resp.isPage(), htmx)
					}
				} else if htmx && resp.header.Get("HX-Retarget") == "" {
					t.Error("htmx is not told where to show the error page")
				}
				if after := hostView(host, dash); after != before {
					t.Errorf("something changed:\n before %s\n after  %s", before, after)
				}
			})
		}
	}
}

func guestOf(_, guest *browser) *browser { return guest }
func hostOf(host, _ *browser) *browser   { return host }

// xssPayloads are typed into every field; each must come back as the same
// text, never as markup.
var xssPayloads = []string{
	`<script>alert(1)</script>`,
	`"><img src=x onerror=alert(1)>`,
	`' autofocus onfocus='alert(1)`,
	`</title><svg onload=alert(1)>`,
}

func TestTypedTextIsShownAsText(t *testing.T) {
	for i, payload := range xssPayloads {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			app := newTestApp(t)
			host := app.browser()
			dash, code := host.hostSession("S " + payload)
			guest := app.browser()
			guest.join(code, "N "+payload)
			guest.do("POST", "/j/"+code+"/requests", url.Values{"title": {"T " + payload}, "artist": {"A " + payload}, "note": {"O " + payload}})
			other := app.browser()
			other.join(code, "Bob")
			removeURL, _ := host.get(dash).testid("remove-singer").Attr("href")

			pages := map[string]response{
				"join page":      app.browser().get("/j/" + code),
				"guest page":     guest.get("/j/" + code),
				"other's page":   other.get("/j/" + code),
				"display":        app.browser().get("/d/" + code),
				"dashboard":      host.get(dash),
				"end page":       host.get(dash + "/end"),
				"remove page":    host.get(removeURL),
				"refused title":  guest.do("POST", "/j/"+code+"/requests", url.Values{"title": {strings.Repeat("x", 100) + payload}}),
				"refused name":   app.browser().do("POST", "/j/"+code+"/join", url.Values{"name": {strings.Repeat("x", 40) + payload}}),
				"refused create": app.browser().do("POST", "/sessions", url.Values{"name": {strings.Repeat("x", 60) + payload}}),
			}
			want := map[string][]string{
				"join page":      {"S "},
				"guest page":     {"S ", "N ", "T ", "A "},
				"other's page":   {"N ", "T ", "A "},
				"display":        {"S ", "N ", "T ", "A "},
				"dashboard":      {"S ", "N ", "T ", "A ", "O "},
				"end page":       {"S "},
				"remove page":    {"S ", "N "},
				"refused title":  {"x"},
				"refused name":   {"x"},
				"refused create": {"x"},
			}
			for name, resp := range pages {
				// Markup the payload would make if it were not escaped.
				if n := resp.doc.Find("script:not([src]), img[src=x], svg, [onerror], [onfocus], [onload]").Length(); n != 0 {
					t.Errorf("%s: %d elements made from typed text", name, n)
				}
				if strings.Contains(resp.body, payload) {
					t.Errorf("%s: the payload is in the HTML unescaped", name)
				}
				// And it is there, as text or as a form value.
				var shown strings.Builder
				shown.WriteString(resp.doc.Text())
				resp.doc.Find("input").Each(func(_ int, s *goquery.Selection) {
					v, _ := s.Attr("value")
					shown.WriteString(v)
				})
				for _, prefix := range want[name] {
					if !strings.Contains(shown.String(), prefix+payload) {
						t.Errorf("%s: %q is not shown as text", name, prefix+payload)
					}
				}
			}
		})
	}
}

func TestBurstFromOnePhone(t *testing.T) {
	limits := handlers.Limits{
		DeviceWrites:  handlers.Rate{Requests: 10, Window: time.Minute},
		AddressWrites: handlers.Rate{Requests: 300, Window: time.Minute},
	}
	for _, htmx := range []bool{false, true} {
		t.Run(fmt.Sprintf("htmx=%v", htmx), func(t *testing.T) {
			app := newTestAppWith(t, handlers.Config{Limits: limits})
			host := app.browser()
			dash, code := host.hostSession("Friday")
			phone, other := app.browser(), app.browser()
			phone.join(code, "Flood")
			other.join(code, "Ann")
			phone.htmx = htmx

			const burst = 40
			var (
				wg       sync.WaitGroup
				mu       sync.Mutex
				statuses = map[int]int{}
				limited  response
			)
			start := make(chan struct{})
			for i := range burst {
				wg.Go(func() {
					<-start
					resp := phone.request(code, fmt.Sprintf("song %d", i), "")
					mu.Lock()
					defer mu.Unlock()
					statuses[resp.status]++
					if resp.status == http.StatusTooManyRequests {
						limited = resp
					}
				})
			}
			// Another guest behind the same address requests mid-burst.
			var otherStatus int
			var otherTook time.Duration
			wg.Go(func() {
				<-start
				t0 := time.Now()
				otherStatus = other.request(code, "Africa", "Toto").status
				otherTook = time.Since(t0)
			})
			close(start)
			wg.Wait()

			ok := statuses[http.StatusSeeOther] + statuses[http.StatusOK]
			if ok != 3 {
				t.Errorf("%d songs accepted, want the cap, 3 (statuses %v)", ok, statuses)
			}
			if got := statuses[http.StatusTooManyRequests]; got < burst-10 {
				t.Errorf("%d answers were 429, want at least %d (statuses %v)", got, burst-10, statuses)
			}
			if statuses[http.StatusTooManyRequests]+statuses[http.StatusUnprocessableEntity]+ok != burst {
				t.Errorf("unexpected statuses: %v", statuses)
			}
			if otherStatus != http.StatusSeeOther || otherTook > 2*time.Second {
				t.Errorf("the other guest: status %d after %v", otherStatus, otherTook)
			}
			if titles := queueTitles(host.get(dash)); len(titles) != 4 {
				t.Errorf("queue = %v, want 3 of the burst and Ann's", titles)
			}
			// The 429 is the form, with a message, not a bare error.
			if limited.testid("request-form").Length() != 1 || !strings.Contains(limited.testid("form-error").Text(), "Slow down") {
				t.Errorf("the 429 answer does not re-render the form with its message: %.300s", limited.body)
			}
			if limited.isPage() == htmx {
				t.Errorf("whole page = %v for htmx = %v", limited.isPage(), htmx)
			}
			if limited.header.Get("Retry-After") == "" {
				t.Error("no Retry-After")
			}
			// A newcomer on the same address still gets in.
			newcomer := app.browser()
			newcomer.join(code, "Cat")
			if resp := newcomer.request(code, "Zombie", ""); resp.status != http.StatusSeeOther {
				t.Errorf("a newcomer after the burst: status %d", resp.status)
			}
		})
	}
}

func TestAddressLimits(t *testing.T) {
	t.Run("sessions per address", func(t *testing.T) {
		app := newTestAppWith(t, handlers.Config{Limits: handlers.Limits{AddressSessions: handlers.Rate{Requests: 2, Window: time.Hour}}})
		for i := range 2 {
			if resp := app.browser().post("/sessions", "name", fmt.Sprint("night ", i)); resp.status != http.StatusSeeOther {
				t.Fatalf("session %d: status %d", i, resp.status)
			}
		}
		for _, htmx := range []bool{false, true} {
			b := app.browser()
			b.htmx = htmx
			resp := b.post("/sessions", "name", "one too many")
			if resp.status != http.StatusTooManyRequests {
				t.Fatalf("third session: status %d, want 429", resp.status)
			}
			if v, _ := resp.doc.Find(`[data-testid="create-session"] input[name="name"]`).Attr("value"); v != "one too many" {
				t.Errorf("the form does not keep what was typed: %q", v)
			}
			if !strings.Contains(resp.testid("form-error").Text(), "sessions") {
				t.Errorf("message = %q", resp.testid("form-error").Text())
			}
		}
	})
	// Behind the trusted proxy each client address counts for itself; a
	// client talking to the app directly cannot pick one.
	for _, tt := range []struct {
		trust string
		want  int
	}{{"127.0.0.1", http.StatusSeeOther}, {"", http.StatusTooManyRequests}} {
		t.Run("client address with TRUST_PROXY="+tt.trust, func(t *testing.T) {
			app := newTestAppWith(t, handlers.Config{TrustProxy: trustProxy(t, tt.trust),
				Limits: handlers.Limits{AddressSessions: handlers.Rate{Requests: 1, Window: time.Hour}}})
			first, second := app.browser(), app.browser()
			first.header = http.Header{"X-Forwarded-For": {"203.0.113.7"}}
			second.header = http.Header{"X-Forwarded-For": {"198.51.100.9"}}
			if resp := first.post("/sessions", "name", "one"); resp.status != http.StatusSeeOther {
				t.Fatalf("first: status %d", resp.status)
			}
			if resp := second.post("/sessions", "name", "two"); resp.status != tt.want {
				t.Errorf("second address: status %d, want %d", resp.status, tt.want)
			}
		})
	}
	t.Run("withdraw past the limit keeps the guest's page", func(t *testing.T) {
		app := newTestAppWith(t, handlers.Config{Limits: handlers.Limits{DeviceWrites: handlers.Rate{Requests: 2, Window: time.Minute}}})
		_, code := app.browser().hostSession("Friday")
		g := app.htmxBrowser()
		g.join(code, "Ann") // not counted: the device had no cookie yet
		g.request(code, "a1", "")
		g.request(code, "a2", "")
		action, _ := g.get("/j/" + code).doc.Find(`[data-testid="my-request"] form`).Attr("action")
		resp := g.post(action)
		if resp.status != http.StatusTooManyRequests || resp.doc.Find("#guest-live").Length() != 1 || resp.testid("notice").Length() != 1 {
			t.Errorf("status %d, guest-live %d, notice %q", resp.status, resp.doc.Find("#guest-live").Length(), resp.testid("notice").Text())
		}
	})
}

func TestHostRemovesGuest(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	dash, code := host.hostSession("Friday")
	eve, ann := app.browser(), app.browser()
	eve.join(code, "Eve")
	ann.join(code, "Ann")
	eve.request(code, "e1", "")
	ann.request(code, "a1", "")
	eve.request(code, "e2", "")

	var href string
	host.get(dash).testid("queue-item").Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Text(), "Eve") {
			href, _ = s.Find(`[data-testid="remove-singer"]`).Attr("href")
		}
	})
	confirm := host.get(href)
	if confirm.status != http.StatusOK || !strings.Contains(confirm.body, "Eve") || !strings.Contains(confirm.body, "2 waiting songs") {
		t.Fatalf("confirmation page: status %d: %.300s", confirm.status, confirm.body)
	}
	action, _ := confirm.testid("remove-guest-confirm").Attr("action")
	if resp := ann.post(action); resp.status != http.StatusForbidden {
		t.Errorf("a guest removing another: status %d, want 403", resp.status)
	}
	if resp := host.post(action); resp.status != http.StatusSeeOther || resp.location != dash {
		t.Fatalf("remove: status %d to %q", resp.status, resp.location)
	}
	if got := queueTitles(host.get(dash)); strings.Join(got, " ") != "a1" {
		t.Errorf("queue = %v, want only Ann's song", got)
	}
	if !strings.Contains(host.get(dash).testid("guests").Text(), "removed") {
		t.Error("the guest list does not show Eve as removed")
	}
	page := eve.get("/j/" + code)
	if page.testid("removed").Length() != 1 || page.testid("request-form").Length() != 0 {
		t.Error("Eve's page does not say she was removed, or still offers the form")
	}
	if resp := eve.request(code, "sneaky", ""); resp.status != http.StatusUnprocessableEntity || !strings.Contains(resp.testid("removed").Text(), "removed") {
		t.Errorf("Eve's request: status %d, notice %q", resp.status, resp.testid("removed").Text())
	}
	eve.htmx = true
	if resp := eve.request(code, "sneaky", ""); resp.status != http.StatusUnprocessableEntity || !strings.Contains(resp.testid("form-error").Text(), "removed") {
		t.Errorf("Eve's request via htmx: status %d, message %q", resp.status, resp.testid("form-error").Text())
	}
	eve.htmx = false
	if resp := eve.post("/j/"+code+"/join", "name", "Eve again"); resp.status != http.StatusUnprocessableEntity || !strings.Contains(resp.testid("error-name").Text(), "removed") {
		t.Errorf("Eve rejoining: status %d, message %q", resp.status, resp.testid("error-name").Text())
	}
	if resp := ann.request(code, "a2", ""); resp.status != http.StatusSeeOther {
		t.Errorf("Ann after Eve's removal: status %d", resp.status)
	}
}
