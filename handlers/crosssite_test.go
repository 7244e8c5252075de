package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

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
			// Session ids are random, so the state is the open sessions'
			// codes rather than a host cookie at a path known in advance.
			return "/sessions", url.Values{"name": {"Evil night"}}, app.browser(), func() string {
				codes, err := app.store.OpenCodes(app.t.Context())
				if err != nil {
					app.t.Fatal(err)
				}
				return fmt.Sprint(codes)
			}
		}},
		{"join", func(app *testApp) (string, url.Values, *browser, func() string) {
			host, dash, code := app.hostNight()
			return "/j/" + code + "/join", url.Values{"name": {"Mallory"}}, app.browser(), func() string { return hostView(host, dash) }
		}},
		{"request a song", func(app *testApp) (string, url.Values, *browser, func() string) {
			host, dash, code := app.hostNight()
			g := app.guest(code, "Ann")
			return "/j/" + code + "/requests", url.Values{"title": {"Forced song"}}, g, func() string { return hostView(host, dash) }
		}},
		{"withdraw", func(app *testApp) (string, url.Values, *browser, func() string) {
			host, dash, code := app.hostNight()
			g := app.guest(code, "Ann", "a1")
			action, _ := g.get("/j/" + code).doc.Find(`[data-testid="my-request"] form`).Attr("action")
			return action, url.Values{}, g, func() string { return hostView(host, dash) }
		}},
		{"host: next singer", hostWrite("/next", nil)},
		{"host: end the night", hostWrite("/end", nil)},
		{"host: singer cap", hostWrite("/settings", url.Values{"singer_cap": {"20"}})},
		{"host: new host link", hostWrite("/host-link", nil)},
		{"host: remove a request", func(app *testApp) (string, url.Values, *browser, func() string) {
			path, form, host, state := hostWrite("", nil)(app)
			action, _ := host.get(path).doc.Find(`[data-testid="queue-item"] [formaction$="/remove"]`).Attr("formaction")
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
		host, dash, code := app.hostNight()
		app.guest(code, "Ann", "a1")
		if form == nil {
			form = url.Values{}
		}
		return dash + action, form, host, func() string { return hostView(host, dash) }
	}
}
