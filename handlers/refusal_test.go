package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/karaoke-night/karaoke/handlers"
)

// A refused guest form comes back as itself: each handler answers the limit
// on its own error path, so no table of routes has to know its form.
func TestRefusedFormsReRenderThemselves(t *testing.T) {
	hour := func(n int) handlers.Rate { return handlers.Rate{Requests: n, Window: time.Hour} }
	tests := []struct {
		name string
		// limits refuse the request once setup has run (the host's session
		// and the guest's join and request count as writes of the address).
		limits handlers.Limits
		// setup returns the path to post to, as the guest's browser.
		setup func(host, guest *browser, code string) string
		typed url.Values
		// form is the data-testid of the form re-rendered, or "" for the
		// guest's live list (a withdraw button's target) with its notice.
		form, field string
	}{
		{"new session", handlers.Limits{AddressSessions: hour(1)},
			func(_, _ *browser, _ string) string { return "/sessions" },
			url.Values{"name": {"Typed night"}}, "create-session", "name"},
		{"join", handlers.Limits{AddressWrites: hour(1)},
			func(_, _ *browser, code string) string { return "/j/" + code + "/join" },
			url.Values{"name": {"Typed name"}}, "join-form", "name"},
		{"song request", handlers.Limits{AddressWrites: hour(2)},
			func(_, guest *browser, code string) string {
				guest.join(code, "Ann")
				return "/j/" + code + "/requests"
			},
			url.Values{"title": {"Typed song"}}, "request-form", "title"},
		{"withdraw", handlers.Limits{AddressWrites: hour(3)},
			func(_, guest *browser, code string) string {
				guest.join(code, "Ann")
				guest.request(code, "a1", "")
				action, _ := guest.get("/j/" + code).doc.Find(`[data-testid="my-request"] form`).Attr("action")
				return action
			},
			url.Values{}, "", ""},
	}
	for _, tt := range tests {
		for _, limit := range []int{http.StatusTooManyRequests, http.StatusRequestEntityTooLarge} {
			for _, htmx := range []bool{false, true} {
				t.Run(fmt.Sprintf("%s/%d/htmx=%v", tt.name, limit, htmx), func(t *testing.T) {
					var cfg handlers.Config
					form := tt.typed
					if limit == http.StatusTooManyRequests {
						cfg.Limits = tt.limits
					} else {
						form = url.Values{"title": {strings.Repeat("x", 70<<10)}}
					}
					app := newTestAppWith(t, cfg)
					host, dash, code := app.hostNight()
					guest := app.browser()
					path := tt.setup(host, guest, code)
					before := hostView(host, dash)
					guest.htmx = htmx
					resp := guest.do("POST", path, form)
					guest.htmx = false

					if resp.status != limit {
						t.Fatalf("status = %d, want %d: %.300s", resp.status, limit, resp.body)
					}
					if resp.isPage() == htmx {
						t.Errorf("whole page = %v for htmx = %v", resp.isPage(), htmx)
					}
					message := resp.testid("form-error")
					if tt.form == "" {
						message = resp.testid("notice")
						if resp.doc.Find("#guest-live").Length() != 1 {
							t.Error("the guest's list is not re-rendered")
						}
					} else if resp.testid(tt.form).Length() != 1 {
						t.Errorf("the form %s is not re-rendered", tt.form)
					}
					want := map[int]string{http.StatusTooManyRequests: "Too many", http.StatusRequestEntityTooLarge: "64 KB"}[limit]
					if !strings.Contains(message.Text(), want) {
						t.Errorf("message = %q, want it to say %q", message.Text(), want)
					}
					if tt.field != "" {
						got, _ := resp.doc.Find(`[data-testid="` + tt.form + `"] [name="` + tt.field + `"]`).Attr("value")
						if want := tt.typed.Get(tt.field); limit == http.StatusRequestEntityTooLarge {
							want = "" // the body was not read
							if got != want {
								t.Errorf("%s = %.40q, want it empty", tt.field, got)
							}
						} else if got != want {
							t.Errorf("%s = %q, want what was typed, %q", tt.field, got, want)
						}
					}
					if after := hostView(host, dash); after != before {
						t.Errorf("something changed:\n before %s\n after  %s", before, after)
					}
				})
			}
		}
	}
}

// Every POST route, found by walking the router itself, refuses a body too
// large and changes nothing: a route added without answering the refusal
// fails here.
func TestEveryPostRouteRefusesOversizeBody(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	guest := app.guest(code, "Ann", "a1")
	page := host.get(dash)
	removeURL, _ := page.testid("remove-singer").Attr("href")
	skipURL, _ := page.doc.Find(`[data-testid="queue-item"] [formaction$="/skip"]`).Attr("formaction")
	params := map[string]string{
		"code":      code,
		"sessionID": strings.TrimPrefix(dash, "/host/"),
		"guestID":   regexp.MustCompile(`/guests/(\d+)/`).FindStringSubmatch(removeURL)[1],
		"requestID": regexp.MustCompile(`/requests/(\d+)/`).FindStringSubmatch(skipURL)[1],
	}
	param := regexp.MustCompile(`\{(\w+)(:[^}]*)?\}`)
	methods := map[string][]string{}
	err := chi.Walk(app.routes.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		methods[route] = append(methods[route], method)
		return nil
	})
	var paths []string
	for route, ms := range methods {
		// A route for every method (the static files) reads no form.
		if !slices.Contains(ms, http.MethodPost) || slices.Contains(ms, http.MethodPut) {
			continue
		}
		paths = append(paths, param.ReplaceAllStringFunc(route, func(p string) string {
			m := param.FindStringSubmatch(p)
			if v, ok := params[m[1]]; ok {
				return v
			}
			return strings.Split(strings.TrimPrefix(m[2], ":"), "|")[0] // {move:up|down|…}
		}))
	}
	slices.Sort(paths)
	if err != nil || len(paths) < 15 {
		t.Fatalf("found %d POST routes (%v)", len(paths), err)
	}
	big := url.Values{"title": {strings.Repeat("x", 70<<10)}, "name": {"x"}, "singer_cap": {"5"}}
	before := hostView(host, dash)
	for _, path := range paths {
		for _, htmx := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/htmx=%v", path, htmx), func(t *testing.T) {
				b := guest
				if strings.HasPrefix(path, "/host/") {
					b = host
				}
				b.htmx = htmx
				resp := b.do("POST", path, big)
				b.htmx = false
				if resp.status != http.StatusRequestEntityTooLarge || !strings.Contains(resp.body, "64 KB") {
					t.Errorf("status = %d, want 413 with its message: %.200s", resp.status, resp.body)
				}
				if after := hostView(host, dash); after != before {
					t.Errorf("something changed:\n before %s\n after  %s", before, after)
				}
			})
		}
		// A multipart body is refused as well, but by the one route that
		// takes song lists (below).
		if path != dash+"/songbook" {
			b := guest
			if strings.HasPrefix(path, "/host/") {
				b = host
			}
			if resp := b.upload(path, "x", "big.txt", []byte(strings.Repeat("x", 70<<10))); resp.status != http.StatusRequestEntityTooLarge {
				t.Errorf("%s: a 70 KB multipart body got status %d, want 413", path, resp.status)
			}
		}
	}
	if got := text(host.get(dash), "songbook-count"); got != "" {
		t.Errorf("a refused body imported a songbook of %s", got)
	}
	// The upload route takes what the others refuse: a song list of 5 MB.
	resp := host.upload(dash+"/songbook", "Big", "big.txt", bigSongList())
	if got := text(resp, "songbook-count"); resp.status != http.StatusOK || got != "3,000 songs" {
		t.Errorf("a 5 MB song list: status %d, count %q, want 200 and 3,000 songs", resp.status, got)
	}
}
