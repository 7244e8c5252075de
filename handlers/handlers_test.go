package handlers_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/live"
	"github.com/karaoke-night/karaoke/qr"
)

// testApp is the real router over a real SQLite file.
type testApp struct {
	t      *testing.T
	server *httptest.Server
	store  *db.Store
	routes http.Handler
}

func newTestApp(t *testing.T) *testApp {
	t.Helper()
	return newTestAppWith(t, handlers.Config{})
}

// newTestAppWith is newTestApp with settings: limits, a trusted proxy.
func newTestAppWith(t *testing.T, cfg handlers.Config) *testApp {
	t.Helper()
	dir := t.TempDir()
	store, err := db.Open(context.Background(), "file:"+filepath.Join(dir, "karaoke.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	cache, err := qr.NewCache(filepath.Join(dir, "qr-codes"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.QR = cache
	streams := live.New(handlers.LiveSource(store), live.Config{})
	store.OnChange(streams.Notify)
	t.Cleanup(streams.Close)
	routes := handlers.New(store, streams, cfg).Routes()
	srv := httptest.NewServer(routes)
	t.Cleanup(srv.Close)
	return &testApp{t: t, server: srv, store: store, routes: routes}
}

// browser is one device: its own cookies, redirects not followed so that
// tests see them.
type browser struct {
	app    *testApp
	client *http.Client
	htmx   bool
	header http.Header // sent with every request, such as Origin
}

func (a *testApp) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{app: a, client: &http.Client{
		Jar:           jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// htmxBrowser is a browser whose requests come from htmx.
func (a *testApp) htmxBrowser() *browser { b := a.browser(); b.htmx = true; return b }

type response struct {
	status   int
	location string
	header   http.Header
	body     string
	doc      *goquery.Document
}

// isPage reports whether the answer is a whole page rather than a fragment.
func (r response) isPage() bool { return strings.HasPrefix(strings.ToLower(r.body), "<!doctype html>") }

func (r response) testid(id string) *goquery.Selection {
	return r.doc.Find(`[data-testid="` + id + `"]`)
}

func (b *browser) do(method, path string, form url.Values) response {
	b.app.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.app.server.URL+path, body)
	if err != nil {
		b.app.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return b.send(req)
}

// send sends a request built by hand, with the browser's cookies and headers.
func (b *browser) send(req *http.Request) response {
	b.app.t.Helper()
	if b.htmx {
		req.Header.Set(handlers.HTMXHeader, "true")
	}
	for k, v := range b.header {
		req.Header[k] = v
	}
	resp, err := b.client.Do(req)
	if err != nil {
		b.app.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	doc, _ := goquery.NewDocumentFromReader(strings.NewReader(string(raw)))
	return response{status: resp.StatusCode, location: resp.Header.Get("Location"), header: resp.Header, body: string(raw), doc: doc}
}

func (b *browser) get(path string) response { return b.do("GET", path, nil) }
func (b *browser) post(path string, kv ...string) response {
	form := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Add(kv[i], kv[i+1])
	}
	return b.do("POST", path, form)
}

// hostSession creates a session from the browser and returns its dashboard
// path and join code.
func (b *browser) hostSession(name string) (string, string) {
	b.app.t.Helper()
	resp := b.post("/sessions", "name", name)
	if resp.status != http.StatusSeeOther {
		b.app.t.Fatalf("create session: status %d", resp.status)
	}
	dash := b.get(resp.location)
	return resp.location, strings.TrimSpace(dash.testid("join-code").Text())
}

func (b *browser) join(code, name string) {
	b.app.t.Helper()
	resp := b.post("/j/"+code+"/join", "name", name)
	ok := resp.status == http.StatusSeeOther || (b.htmx && resp.status == http.StatusOK && resp.header.Get("HX-Redirect") != "")
	if !ok {
		b.app.t.Fatalf("join as %s: status %d", name, resp.status)
	}
}

func (b *browser) request(code, title, artist string) response {
	return b.post("/j/"+code+"/requests", "title", title, "artist", artist)
}

func queueTitles(r response) []string {
	var out []string
	r.testid("queue-item").Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.TrimSpace(s.Find(".title").Text()))
	})
	return out
}

func TestCreateSession(t *testing.T) {
	app := newTestApp(t)
	tests := []struct {
		name       string
		htmx       bool
		sessName   string
		wantStatus int
		wantPage   bool
	}{
		{"plain post redirects to the dashboard", false, "Friday", http.StatusSeeOther, false},
		{"htmx post is told where to go", true, "Friday", http.StatusOK, false},
		{"empty name re-renders the page", false, "  ", http.StatusUnprocessableEntity, true},
		{"empty name via htmx re-renders the form", true, "", http.StatusUnprocessableEntity, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := app.browser()
			b.htmx = tt.htmx
			resp := b.post("/sessions", "name", tt.sessName)
			if resp.status != tt.wantStatus {
				t.Fatalf("status = %d, want %d", resp.status, tt.wantStatus)
			}
			if resp.isPage() != tt.wantPage {
				t.Errorf("whole page = %v, want %v", resp.isPage(), tt.wantPage)
			}
			switch resp.status {
			case http.StatusSeeOther:
				if !strings.HasPrefix(resp.location, "/host/") {
					t.Errorf("Location = %q", resp.location)
				}
			case http.StatusOK:
				if !strings.HasPrefix(resp.header.Get("HX-Redirect"), "/host/") {
					t.Errorf("HX-Redirect = %q", resp.header.Get("HX-Redirect"))
				}
			case http.StatusUnprocessableEntity:
				if msg := resp.testid("error-name").Text(); msg == "" {
					t.Error("no message beside the name field")
				}
				if resp.testid("create-session").Length() != 1 {
					t.Error("the form is not re-rendered")
				}
			}
		})
	}
}

func TestHostCookieIsHttpOnlyAndUnguessable(t *testing.T) {
	app := newTestApp(t)
	resp := app.browser().post("/sessions", "name", "Friday")
	var host *http.Cookie
	for _, c := range (&http.Response{Header: resp.header}).Cookies() {
		if strings.HasPrefix(c.Name, "karaoke_host_") {
			host = c
		}
	}
	if host == nil {
		t.Fatal("no host cookie set")
	}
	if !host.HttpOnly || host.SameSite != http.SameSiteLaxMode {
		t.Errorf("host cookie HttpOnly=%v SameSite=%v, want HttpOnly and Lax", host.HttpOnly, host.SameSite)
	}
	if len(host.Value) < 22 {
		t.Errorf("host key %q has under 128 bits", host.Value)
	}
}

func TestDashboardIsTheHostsOnly(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	dash, code := host.hostSession("Friday")
	stranger := app.browser()
	stranger.join(code, "Eve")
	for _, path := range []string{dash} {
		resp := stranger.get(path)
		if resp.status != http.StatusForbidden {
			t.Errorf("stranger GET %s: status %d, want 403", path, resp.status)
		}
		if resp.testid("next-singer").Length() != 0 || resp.testid("queue").Length() != 0 {
			t.Errorf("stranger sees host controls")
		}
	}
	if resp := stranger.post(dash + "/next"); resp.status != http.StatusForbidden {
		t.Errorf("stranger POST next: status %d, want 403", resp.status)
	}
	// The host link makes another device a host.
	link, _ := host.get(dash).testid("host-link").Attr("value")
	u, err := url.Parse(link)
	if err != nil || !strings.Contains(u.Path, "/claim/") {
		t.Fatalf("host link = %q", link)
	}
	tablet := app.browser()
	if resp := tablet.get(u.Path); resp.status != http.StatusSeeOther || resp.location != dash {
		t.Fatalf("host link: status %d to %q", resp.status, resp.location)
	}
	if resp := tablet.get(dash); resp.status != http.StatusOK || resp.testid("next-singer").Length() != 1 {
		t.Errorf("after the host link: status %d", resp.status)
	}
	if resp := app.browser().get(dash + "/claim/not-the-key"); resp.status != http.StatusForbidden {
		t.Errorf("wrong key: status %d, want 403", resp.status)
	}
}

func TestGuestJoinAndRequest(t *testing.T) {
	app := newTestApp(t)
	_, code := app.browser().hostSession("Friday")
	guest := app.browser()

	page := guest.get("/j/" + code)
	if page.status != http.StatusOK || page.testid("join-form").Length() != 1 {
		t.Fatalf("join page: status %d, join form %d", page.status, page.testid("join-form").Length())
	}
	if !strings.Contains(page.doc.Find("h1").Text(), "Friday") {
		t.Errorf("join page does not name the session")
	}
	if resp := guest.post("/j/"+code+"/join", "name", strings.Repeat("x", 41)); resp.status != http.StatusUnprocessableEntity || resp.testid("error-name").Text() == "" {
		t.Errorf("long name: status %d, message %q", resp.status, resp.testid("error-name").Text())
	}
	guest.join(code, "John")
	page = guest.get("/j/" + code)
	if page.testid("request-form").Length() != 1 {
		t.Fatal("no request form after joining")
	}
	if resp := guest.request(code, "Bohemian Rhapsody", "Queen"); resp.status != http.StatusSeeOther {
		t.Fatalf("request: status %d", resp.status)
	}
	page = guest.get("/j/" + code)
	mine := page.testid("my-request")
	if mine.Length() != 1 || !strings.Contains(mine.Text(), "Bohemian Rhapsody") {
		t.Fatalf("my requests = %q", mine.Text())
	}
	if got := mine.Find(`[data-testid="wait"]`).Text(); got != "next" {
		t.Errorf("wait of the first request = %q, want next", got)
	}

	// A second John is told apart.
	other := app.browser()
	other.join(code, "john")
	if got := other.get("/j/" + code).testid("singer-name").Text(); got != "john (2)" {
		t.Errorf("second John is called %q", got)
	}
}

func TestRequestFormErrors(t *testing.T) {
	tests := []struct {
		name       string
		title      string
		artist     string
		setup      func(host *browser, dash, code string, guest *browser)
		wantField  string // testid of the message: error-title, form-error…
		wantInText string
	}{
		{name: "empty title", title: "  ", wantField: "error-title", wantInText: "song title"},
		{name: "title too long", title: strings.Repeat("t", 121), wantField: "error-title", wantInText: "at most 120"},
		{name: "artist too long", title: "ok", artist: strings.Repeat("a", 121), wantField: "error-artist", wantInText: "at most 120"},
		{name: "requests paused", title: "ok", wantField: "form-error", wantInText: "paused",
			setup: func(host *browser, dash, _ string, _ *browser) { host.post(dash + "/pause") }},
		{name: "at the cap", title: "fourth", wantField: "form-error", wantInText: "3 songs waiting",
			setup: func(_ *browser, _, code string, guest *browser) {
				for _, title := range []string{"one", "two", "three"} {
					guest.request(code, title, "")
				}
			}},
		{name: "already waiting", title: "Africa", artist: "toto", wantField: "error-title", wantInText: "Bob already requested",
			setup: func(_ *browser, _, code string, _ *browser) {
				bob := bobBrowser
				bob.join(code, "Bob")
				bob.request(code, "Africa", "Toto")
			}},
	}
	for _, htmx := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s/htmx=%v", tt.name, htmx), func(t *testing.T) {
				app := newTestApp(t)
				host := app.browser()
				dash, code := host.hostSession("Friday")
				guest := app.browser()
				guest.join(code, "Ann")
				bobBrowser = app.browser()
				if tt.setup != nil {
					tt.setup(host, dash, code, guest)
				}
				before := len(queueTitles(host.get(dash)))
				guest.htmx = htmx
				resp := guest.request(code, tt.title, tt.artist)
				if resp.status != http.StatusUnprocessableEntity {
					t.Fatalf("status = %d, want 422", resp.status)
				}
				if resp.isPage() == htmx {
					t.Errorf("whole page = %v with htmx = %v", resp.isPage(), htmx)
				}
				if msg := resp.testid(tt.wantField).Text(); !strings.Contains(msg, tt.wantInText) {
					t.Errorf("%s = %q, want it to say %q", tt.wantField, msg, tt.wantInText)
				}
				if got, _ := resp.doc.Find(`[data-testid="request-form"] input[name="title"]`).Attr("value"); got != tt.title {
					t.Errorf("title field = %q, want what was typed, %q", got, tt.title)
				}
				if after := len(queueTitles(host.get(dash))); after != before {
					t.Errorf("queue went from %d to %d songs: something was added", before, after)
				}
			})
		}
	}
}

// bobBrowser is the other guest of TestRequestFormErrors' set-ups.
var bobBrowser *browser

func TestDuplicateCanBeConfirmed(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	dash, code := host.hostSession("Friday")
	ann, bob := app.browser(), app.browser()
	ann.join(code, "Ann")
	bob.join(code, "Bob")
	ann.request(code, "Africa", "Toto")
	resp := bob.request(code, "Africa", "Toto")
	if resp.testid("confirm-duplicate").Length() != 1 {
		t.Fatalf("no confirmation offered (status %d)", resp.status)
	}
	resp = bob.post("/j/"+code+"/requests", "title", "Africa", "artist", "Toto", "duplicate_ok", "1")
	if resp.status != http.StatusSeeOther {
		t.Fatalf("confirmed duplicate: status %d", resp.status)
	}
	if got := queueTitles(host.get(dash)); len(got) != 2 {
		t.Errorf("queue = %v, want the song twice", got)
	}
}

func TestHTMXAnswersWithFragments(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	dash, code := host.hostSession("Friday")
	guest := app.htmxBrowser()
	guest.join(code, "Ann")

	resp := guest.request(code, "Africa", "Toto")
	if resp.status != http.StatusOK || resp.isPage() {
		t.Fatalf("htmx request: status %d, page %v", resp.status, resp.isPage())
	}
	if resp.testid("request-added").Length() != 1 {
		t.Error("no confirmation in the returned form")
	}
	if v, _ := resp.doc.Find(`#guest-live`).Attr("hx-swap-oob"); v == "" {
		t.Error("the guest's list is not sent out of band beside the form")
	}
	if got, _ := resp.doc.Find(`[data-testid="request-form"] input[name="title"]`).Attr("value"); got != "" {
		t.Errorf("form not cleared after adding: title = %q", got)
	}

	for _, path := range []string{"/j/" + code, "/d/" + code} {
		frag := guest.get(path)
		if frag.status != http.StatusOK || frag.isPage() || frag.testid("queue").Length() != 1 {
			t.Errorf("htmx GET %s: status %d, page %v, queue %d", path, frag.status, frag.isPage(), frag.testid("queue").Length())
		}
		page := app.browser().get(path)
		if !page.isPage() {
			t.Errorf("plain GET %s is not a whole page", path)
		}
	}
	host.htmx = true
	frag := host.post(dash + "/next")
	if frag.status != http.StatusOK || frag.isPage() || !strings.Contains(frag.testid("now-singing").Text(), "Africa") {
		t.Errorf("htmx next: status %d, page %v, now singing %q", frag.status, frag.isPage(), frag.testid("now-singing").Text())
	}
	if up := guest.get("/j/" + code); up.testid("your-turn").Length() != 1 {
		t.Error("the singer's page does not say it is their turn")
	}
}

func TestHostRunsTheNight(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	dash, code := host.hostSession("Friday")
	ann, bob, cat := app.browser(), app.browser(), app.browser()
	ann.join(code, "Ann")
	bob.join(code, "Bob")
	cat.join(code, "Cat")
	ann.request(code, "a1", "")
	ann.request(code, "a2", "")
	bob.request(code, "b1", "")
	cat.request(code, "c1", "")

	want := func(step string, titles ...string) {
		t.Helper()
		if got := queueTitles(host.get(dash)); strings.Join(got, " ") != strings.Join(titles, " ") {
			t.Errorf("after %s: queue = %v, want %v", step, got, titles)
		}
	}
	want("requests", "a1", "b1", "c1", "a2")
	ids := map[string]string{}
	host.get(dash).testid("queue-item").Each(func(_ int, s *goquery.Selection) {
		action, _ := s.Find("form").First().Attr("action") // …/requests/{id}/top
		ids[strings.TrimSpace(s.Find(".title").Text())] = strings.TrimSuffix(action, "/top")
	})
	host.post(ids["c1"] + "/up")
	want("c1 up", "a1", "c1", "b1", "a2")
	host.post(ids["a2"] + "/top")
	want("a2 to top", "a2", "a1", "c1", "b1")
	host.post(ids["a1"] + "/back")
	want("a1 to back", "a2", "c1", "b1", "a1")
	host.post(ids["b1"] + "/remove")
	want("b1 removed", "a2", "c1", "a1")
	host.post(dash + "/next")
	if got := host.get(dash).testid("now-singing").Text(); !strings.Contains(got, "a2") {
		t.Errorf("now singing = %q, want a2", got)
	}
	want("next", "c1", "a1")
	host.post(ids["c1"] + "/skip")
	want("c1 skipped", "a1")

	// Pausing shows on the guest's page and refuses requests.
	host.post(dash + "/pause")
	if bob.get("/j/"+code).testid("paused").Length() != 1 {
		t.Error("guest is not told requests are paused")
	}
	host.post(dash + "/resume")
	if resp := bob.request(code, "b2", ""); resp.status != http.StatusSeeOther {
		t.Errorf("request after resume: status %d", resp.status)
	}
	// The cap can be changed, and a bad value is refused beside the field.
	if resp := host.post(dash+"/settings", "singer_cap", "zero"); resp.status != http.StatusUnprocessableEntity || resp.testid("error-singer_cap").Text() == "" {
		t.Errorf("bad cap: status %d", resp.status)
	}
	if resp := host.post(dash+"/settings", "singer_cap", "5"); resp.status != http.StatusSeeOther {
		t.Errorf("cap 5: status %d", resp.status)
	}
	// Ending asks first, then ends: guests see it and cannot request.
	if resp := host.get(dash + "/end"); resp.testid("end-confirm").Length() != 1 {
		t.Error("ending does not ask first")
	}
	host.post(dash + "/end")
	if !strings.Contains(bob.get("/j/"+code).body, "has ended") {
		t.Error("guest is not told the session ended")
	}
	if resp := bob.request(code, "late", ""); resp.status != http.StatusUnprocessableEntity {
		t.Errorf("request after the end: status %d, want 422", resp.status)
	}
}

func TestWithdraw(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	dash, code := host.hostSession("Friday")
	ann, bob := app.browser(), app.browser()
	ann.join(code, "Ann")
	bob.join(code, "Bob")
	ann.request(code, "a1", "")
	form := ann.get("/j/" + code).doc.Find(`[data-testid="my-request"] form`)
	action, _ := form.Attr("action")
	if resp := bob.post(action); resp.status != http.StatusNotFound {
		t.Errorf("someone else withdrawing: status %d, want 404", resp.status)
	}
	if len(queueTitles(host.get(dash))) != 1 {
		t.Fatal("someone else's withdrawal took the song out")
	}
	if resp := ann.post(action); resp.status != http.StatusSeeOther {
		t.Errorf("withdraw: status %d", resp.status)
	}
	if got := queueTitles(host.get(dash)); len(got) != 0 {
		t.Errorf("queue after withdrawal = %v", got)
	}
}

func TestNotFound(t *testing.T) {
	app := newTestApp(t)
	b := app.browser()
	for _, path := range []string{"/j/ZZZZ", "/d/ZZZZ", "/qr/ZZZZ.png", "/host/999", "/nope", "/j/0O1I"} {
		resp := b.get(path)
		if resp.status != http.StatusNotFound && resp.status != http.StatusForbidden {
			t.Errorf("GET %s: status %d", path, resp.status)
		}
		if !resp.isPage() {
			t.Errorf("GET %s: not an HTML page", path)
		}
	}
	if resp := b.get("/j?code=zz-zz"); resp.status != http.StatusNotFound || !strings.Contains(resp.body, "no session with that code") {
		t.Errorf("join by unknown code: status %d", resp.status)
	}
}

func TestJoinByTypedCode(t *testing.T) {
	app := newTestApp(t)
	_, code := app.browser().hostSession("Friday")
	typed := strings.ToLower(code[:2]) + " " + code[2:]
	resp := app.browser().get("/j?code=" + url.QueryEscape(typed))
	if resp.status != http.StatusSeeOther || resp.location != "/j/"+code {
		t.Errorf("typed %q: status %d to %q", typed, resp.status, resp.location)
	}
}

func TestHealth(t *testing.T) {
	app := newTestApp(t)
	if resp := app.browser().get("/healthz"); resp.status != http.StatusOK {
		t.Errorf("healthz: %d", resp.status)
	}
	app.store.Close()
	if resp := app.browser().get("/healthz"); resp.status != http.StatusServiceUnavailable {
		t.Errorf("healthz with the database closed: %d, want 503", resp.status)
	}
}

func TestQRImage(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	dash, _ := host.hostSession("Friday")
	src, _ := host.get(dash).testid("join-qr").Attr("src")
	resp := host.get(src)
	if resp.status != http.StatusOK || resp.header.Get("Content-Type") != "image/png" {
		t.Fatalf("QR: status %d, type %q", resp.status, resp.header.Get("Content-Type"))
	}
	if !strings.Contains(resp.header.Get("Cache-Control"), "max-age") || resp.header.Get("ETag") == "" {
		t.Errorf("QR caching headers: %q, ETag %q", resp.header.Get("Cache-Control"), resp.header.Get("ETag"))
	}
	req, _ := http.NewRequest("GET", app.server.URL+src, nil)
	req.Header.Set("If-None-Match", resp.header.Get("ETag"))
	again, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	again.Body.Close()
	if again.StatusCode != http.StatusNotModified {
		t.Errorf("revalidation: status %d, want 304", again.StatusCode)
	}
}
