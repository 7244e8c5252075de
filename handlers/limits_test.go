package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/handlers"
)

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
				host, dash, code := app.hostNight()
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
				host, dash, code := app.hostNight()
				guest := app.guest(code, "Ann")
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

func TestBurstFromOnePhone(t *testing.T) {
	limits := handlers.Limits{
		DeviceWrites:  handlers.Rate{Requests: 10, Window: time.Minute},
		AddressWrites: handlers.Rate{Requests: 300, Window: time.Minute},
	}
	for _, htmx := range []bool{false, true} {
		t.Run(fmt.Sprintf("htmx=%v", htmx), func(t *testing.T) {
			app := newTestAppWith(t, handlers.Config{Limits: limits})
			host, dash, code := app.hostNight()
			phone, other := app.guest(code, "Flood"), app.guest(code, "Ann")
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
			newcomer := app.guest(code, "Cat")
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
