package handlers_test

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/go-chi/chi/v5"

	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/live"
	"github.com/karaoke-night/karaoke/views"
)

// keyless are the POST routes whose forms carry no one-time key, and why.
// Anything else a page offers to POST must carry one (see
// TestEveryFormCarriesAKey).
var keyless = map[string]string{
	// The URL names the state it sets (lock or unlock), so a repeat sets
	// the same state and gets the same list; a key made from the night's
	// state would send the whole guest list again at every host action.
	"POST /host/{sessionID}/joining/{lock:lock|unlock}": "closing or opening to new guests",
	// The store holds only a guest not yet on hold (hold_since IS NULL), so
	// a repeat changes nothing and gets the page as it stands. No state
	// that never comes back marks a guest off hold (no migration here), and
	// a random key would send the guest's status again at every change.
	"POST /j/{code}/hold": "Hold my spot",
	// Not a form: the browser's script posts its PushSubscription as JSON.
	// The endpoint is the subscription's key in the store (same endpoint,
	// same row), so a repeat saves the same row and answers 204 again.
	"POST /j/{code}/push": "the push subscription",
	// Not a form either: push.js posts the endpoint to forget, and only
	// the guest's own; forgetting it again forgets nothing more.
	"POST /j/{code}/push/off": "turning notifications off",
	// It sets the language cookie to the language the form names and
	// sends the browser back: a repeat sets the same language.
	"POST /lang": "the language switcher",
}

// scripted are the POST routes only a script posts to, not a form.
var scripted = map[string]bool{"POST /j/{code}/push": true, "POST /j/{code}/push/off": true}

// TestEveryFormCarriesAKey renders every page and live part of a busy
// night (approval on, requests held and declined, standby lists, a hold, a
// walk-up, two songbooks, a closing time, history; then paused, closed to
// new guests and songbook-only) and finds every form that posts and every
// hx-post, hx-put, hx-delete and button formaction: each carries a one-time key
// (views.RetapField) unless its route is in keyless, and a live part's is
// the same at every render of the same night. Every POST route of the
// router must be among those found, so a new one is checked too.
func TestEveryFormCarriesAKey(t *testing.T) {
	app := newTestApp(t)
	routes := postRoutes(t, app)
	seen := map[string]bool{}
	check := func(where string, doc *goquery.Document) {
		t.Helper()
		doc.Find(`form, [hx-post], [hx-put], [hx-delete], [formaction]`).Each(func(_ int, s *goquery.Selection) {
			action, method := postTarget(s)
			if action == "" {
				return // a search form (GET)
			}
			u, err := url.Parse(action)
			if err != nil {
				t.Fatalf("%s: %s posts to %q", where, goquery.NodeName(s), action)
			}
			route := routeOf(routes, method+" "+u.Path)
			if route == "" {
				t.Errorf("%s: a form posts to %s %s, which no route serves", where, method, u.Path)
				return
			}
			seen[route] = true
			if keyless[route] != "" {
				return
			}
			// An element that is not a form posts its form's fields too (a
			// button's formaction; htmx adds the closest form's to a post).
			key := s.Find(`input[name="`+views.RetapField+`"]`).AttrOr("value", "")
			if goquery.NodeName(s) != "form" && key == "" {
				key = s.Closest("form").Find(`input[name="`+views.RetapField+`"]`).AttrOr("value", "")
			}
			if s.AttrOr("enctype", "") == "multipart/form-data" {
				key = u.Query().Get(views.RetapField) // read before the streamed body
			}
			if !views.IsRetapKey(key) {
				t.Errorf("%s: the form that posts to %s carries no one-time key (%q)", where, u.Path, key)
			}
		})
	}
	night := seedRetapNight(t, app)
	for _, stage := range []func(){
		func() {},
		func() { night.host.post(night.dash + "/pause") },
		func() { night.host.post(night.dash + "/joining/lock") },
		func() {
			night.host.post(night.dash+"/settings", "singer_cap", "2", "approval", "1", "songbook_only", "1",
				"time_zone", "UTC", "closing", night.closing)
		},
	} {
		stage()
		for _, page := range night.pages(t) {
			check(page.where, page.doc)
		}
		for _, l := range night.listeners {
			events, err := night.frame(t).Events(l)
			if err != nil {
				t.Fatal(err)
			}
			again, err := night.frame(t).Events(l)
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range events {
				// A live part is sent again whenever its bytes change: a
				// form in one takes a key made from the state (StateKey),
				// never a new one at each render.
				if i >= len(again) || !bytes.Equal(e.HTML, again[i].HTML) {
					t.Errorf("live %s %s differs from one render of the same night to the next", l.Page, e.Name)
				}
				doc, err := goquery.NewDocumentFromReader(strings.NewReader(string(e.HTML)))
				if err != nil {
					t.Fatal(err)
				}
				check("live "+l.Page+" "+e.Name, doc)
			}
		}
	}
	t.Logf("%d POST routes, %d of them offered by the night's pages", len(routes), len(seen))
	for route := range routes {
		if !seen[route] && !scripted[route] {
			t.Errorf("no page of the busy night offers %s: render it here, so its form is checked", route)
		}
	}
}

// postTarget is where an element posts (or puts, or deletes) and how:
// "" for a form that gets.
func postTarget(s *goquery.Selection) (action, method string) {
	for _, m := range []string{"post", "put", "delete"} {
		if a, ok := s.Attr("hx-" + m); ok {
			return a, strings.ToUpper(m)
		}
	}
	if goquery.NodeName(s) == "form" && strings.EqualFold(s.AttrOr("method", "get"), "post") {
		return s.AttrOr("action", ""), http.MethodPost
	}
	if a, ok := s.Attr("formaction"); ok && strings.EqualFold(s.Closest("form").AttrOr("method", "get"), "post") {
		return a, http.MethodPost // a submit button's own address in its form
	}
	return "", ""
}

// postRoutes are the router's POST routes, each with a pattern its paths
// match.
func postRoutes(t *testing.T, app *testApp) map[string]*regexp.Regexp {
	t.Helper()
	param := regexp.MustCompile(`\{(\w+)(:[^}]*)?\}`)
	out := map[string]*regexp.Regexp{}
	all := map[string]bool{} // routes for every method (the static files) read no form
	err := chi.Walk(app.routes.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method == http.MethodPut {
			all[route] = true
		}
		if method != http.MethodPost {
			return nil
		}
		var pattern strings.Builder
		last := 0
		for _, m := range param.FindAllStringSubmatchIndex(route, -1) {
			pattern.WriteString(regexp.QuoteMeta(route[last:m[0]]))
			if m[4] >= 0 {
				pattern.WriteString("(" + route[m[4]+1:m[5]] + ")") // {move:up|down|…}
			} else {
				pattern.WriteString("[^/]+")
			}
			last = m[1]
		}
		pattern.WriteString(regexp.QuoteMeta(route[last:]))
		out[method+" "+route] = regexp.MustCompile("^" + method + " " + pattern.String() + "$")
		return nil
	})
	for route := range all {
		delete(out, http.MethodPost+" "+route)
	}
	if err != nil || len(out) < 30 {
		t.Fatalf("found %d POST routes (%v)", len(out), err)
	}
	return out
}

// routeOf is the route that serves "METHOD /path", "" for none.
func routeOf(routes map[string]*regexp.Regexp, target string) string {
	// The match with the fewest parameters, as the router does it:
	// /guests/recent/remove before /guests/{guestID}/remove.
	best := ""
	for route, re := range routes {
		if re.MatchString(target) && (best == "" || strings.Count(route, "{") < strings.Count(best, "{")) {
			best = route
		}
	}
	return best
}

// retapNight is the busy night TestEveryFormCarriesAKey renders.
type retapNight struct {
	app             *testApp
	host            *browser
	dash, code      string
	closing         string
	guests          map[string]*browser
	sessionID       int64
	listeners       []live.Listener
	removeGuestPage string
}

func seedRetapNight(t *testing.T, app *testApp) *retapNight {
	t.Helper()
	host, dash, code := app.hostNight()
	n := &retapNight{app: app, host: host, dash: dash, code: code, guests: map[string]*browser{},
		closing: clockIn(t, "UTC", 3*time.Hour)}
	for _, name := range []string{"First list", "Second list"} {
		if resp := host.upload(dash+"/songbook", name, "songs.txt", []byte(songLines)); resp.status != http.StatusOK {
			t.Fatalf("import %s: status %d", name, resp.status)
		}
	}
	host.post(dash+"/settings", "singer_cap", "2", "time_zone", "UTC", "closing", n.closing)
	n.guests["Ana"] = app.guest(code, "Ana", "One", "Two")
	for _, title := range []string{"Three", "Four"} {
		if resp := n.guests["Ana"].post("/j/"+code+"/requests", "title", title, "to", "standby"); resp.status != http.StatusSeeOther {
			t.Fatalf("standby %s: status %d", title, resp.status)
		}
	}
	n.guests["Bob"] = app.guest(code, "Bob", "Five", "Six")
	n.guests["Dan"] = app.guest(code, "Dan", "Seven")
	n.guests["Dan"].post("/j/" + code + "/hold")
	host.post(dash+"/walkups", "name", "Walt", "title", "Jolene")
	host.post(dash+"/next", "ends", "none")
	host.post(dash+"/next", "ends", endsValue(t, host.get(dash)))
	host.post(dash+"/settings", "singer_cap", "2", "approval", "1", "time_zone", "UTC", "closing", n.closing)
	n.guests["Cleo"] = app.guest(code, "Cleo", "Eight", "Nine")
	page := host.get(dash)
	decline := page.doc.Find(`[data-testid="decline"]`).Last().Closest("form").AttrOr("action", "")
	host.post(decline)
	n.removeGuestPage = page.doc.Find(`#guests a[href$="/remove"]`).First().AttrOr("href", "")
	pairForm(t, host, dash, pairCode(t, app.browser().get("/tv"))) // a paired TV, to unpair
	sess, err := app.store.SessionByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	n.sessionID = sess.ID
	n.listeners = []live.Listener{{SessionID: sess.ID, Page: live.PageHost}, {SessionID: sess.ID, Page: live.PageDisplay}}
	guests, err := app.store.Guests(context.Background(), sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range guests {
		n.listeners = append(n.listeners, live.Listener{SessionID: sess.ID, Page: live.PageGuest, GuestID: g.ID})
	}
	return n
}

// page is a page as a browser was sent it.
type page struct {
	where string
	doc   *goquery.Document
}

// pages are every page of the night, as its host, its guests and a
// stranger see them.
func (n *retapNight) pages(t *testing.T) []page {
	t.Helper()
	stranger := n.app.browser()
	out := []page{
		{"home", stranger.get("/").doc},
		{"join page", stranger.get("/j/" + n.code).doc},
		{"TV", stranger.get("/d/" + n.code).doc},
		{"dashboard", n.host.get(n.dash).doc},
		{"dashboard, htmx", n.host.asHTMX().get(n.dash).doc},
		{"history", n.host.get(n.dash + "/history").doc},
		{"end", n.host.get(n.dash + "/end").doc},
		{"remove a guest", n.host.get(n.removeGuestPage).doc},
		{"remove recent joiners", n.host.get(n.dash + "/guests/recent/remove").doc},
		{"home, as host", n.host.get("/").doc},
	}
	// Every queue row's menu, which its row loads when opened (the
	// dashboard above has them in place), as htmx gets it and as a page.
	n.host.closedRows = true
	defer func() { n.host.closedRows = false }()
	rows := n.host.get(n.dash).doc.Find(`#host-queue [data-testid="row-open"]`)
	rows.Each(func(_ int, a *goquery.Selection) {
		href := a.AttrOr("href", "")
		out = append(out, page{"row menu " + href, n.host.get(href).doc},
			page{"row menu, htmx " + href, n.host.asHTMX().get(href).doc})
	})
	if rows.Length() == 0 {
		t.Fatal("the dashboard has no queue row to open")
	}
	for name, g := range n.guests {
		out = append(out, page{"guest page of " + name, g.get("/j/" + n.code).doc},
			page{"song search of " + name, g.get(searchPath(n.code, "a")).doc})
	}
	return out
}

func (n *retapNight) frame(t *testing.T) live.Frame {
	t.Helper()
	f, err := handlers.LiveSource(n.app.store).Frame(context.Background(), n.sessionID)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
