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
	store, routes := newRoutes(t, cfg)
	srv := httptest.NewServer(routes)
	t.Cleanup(srv.Close)
	return &testApp{t: t, server: srv, store: store, routes: routes}
}

// newRoutes is the app's router over a new SQLite file in a temporary
// directory, with its QR cache and live streams, all closed when the test or
// benchmark ends.
func newRoutes(tb testing.TB, cfg handlers.Config) (*db.Store, http.Handler) {
	tb.Helper()
	return newRoutesIn(tb, tb.TempDir(), cfg)
}

// newRoutesIn is newRoutes with its data in dir, for a test that reaches
// into the database file (karaoke.db) itself.
func newRoutesIn(tb testing.TB, dir string, cfg handlers.Config) (*db.Store, http.Handler) {
	tb.Helper()
	store, err := db.Open(context.Background(), "file:"+filepath.Join(dir, "karaoke.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { store.Close() })
	cache, err := qr.NewCache(filepath.Join(dir, "qr-codes"))
	if err != nil {
		tb.Fatal(err)
	}
	cfg.QR = cache
	streams := live.New(handlers.LiveSource(store), live.Config{})
	store.OnChange(streams.Notify)
	tb.Cleanup(streams.Close)
	return store, handlers.New(store, streams, cfg).Routes()
}

// browser is one device: its own cookies, redirects not followed so that
// tests see them.
type browser struct {
	app    *testApp
	client *http.Client
	htmx   bool
	header http.Header // sent with every request, such as Origin
	// closedRows leaves the dashboard's queue rows closed; otherwise a page
	// comes back with every row's menu in it, as if the host opened each.
	closedRows bool
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
	out := response{status: resp.StatusCode, location: resp.Header.Get("Location"), header: resp.Header, body: string(raw), doc: doc}
	if req.Method == http.MethodGet && !b.closedRows {
		b.openRows(&out)
	}
	return out
}

// openRows puts each queue row's menu in place of its link, fetched as the
// dashboard's script fetches it when the row opens, so a test finds a
// row's controls where the host does (in the doc; the body stays as sent).
func (b *browser) openRows(resp *response) {
	b.app.t.Helper()
	resp.doc.Find(`#host-queue [data-testid="row-open"]`).Each(func(_ int, a *goquery.Selection) {
		req, err := http.NewRequest(http.MethodGet, b.app.server.URL+a.AttrOr("href", ""), nil)
		if err != nil {
			b.app.t.Fatal(err)
		}
		for k, v := range b.header {
			req.Header[k] = v
		}
		req.Header.Set(handlers.HTMXHeader, "true")
		got, err := b.client.Do(req)
		if err != nil {
			b.app.t.Fatal(err)
		}
		raw, _ := io.ReadAll(got.Body)
		got.Body.Close()
		if got.StatusCode != http.StatusOK {
			b.app.t.Fatalf("a row's menu %s answers %d", a.AttrOr("href", ""), got.StatusCode)
		}
		menu, _ := goquery.NewDocumentFromReader(strings.NewReader(string(raw)))
		a.ReplaceWithSelection(menu.Find(`[data-testid="row-menu"]`))
	})
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

// joinLink is the path of the join link the host's dashboard shows (and its
// QR code encodes): /j/ and the session's join token.
func (b *browser) joinLink(dash string) string {
	b.app.t.Helper()
	link := mustURL(b.app.t, b.get(dash).testid("join-url").Text())
	token, ok := strings.CutPrefix(link.Path, "/j/")
	if !ok || !db.IsJoinToken(token) {
		b.app.t.Fatalf("join link %s does not carry a join token", link)
	}
	return link.Path
}

// hostNight opens a session, "Friday", from a new browser and returns that
// host's browser, the dashboard path and the join code.
func (a *testApp) hostNight() (host *browser, dash, code string) {
	a.t.Helper()
	host = a.browser()
	dash, code = host.hostSession("Friday")
	return host, dash, code
}

// guest is a new browser joined to the session as name, with the songs
// requested (titles only), in order.
func (a *testApp) guest(code, name string, songs ...string) *browser {
	a.t.Helper()
	b := a.browser()
	b.join(code, name)
	for _, title := range songs {
		if resp := b.request(code, title, ""); resp.status != http.StatusSeeOther {
			a.t.Fatalf("%s requesting %q: status %d", name, title, resp.status)
		}
	}
	return b
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
		if action == "/lang" {
			return // the language switcher, on every page: anyone's
		}
		values := url.Values{}
		f.Find("input[name]").Each(func(_ int, in *goquery.Selection) {
			name, _ := in.Attr("name")
			value, _ := in.Attr("value")
			values.Add(name, value)
		})
		out = append(out, postForm{action: action, values: values})
		// A button with its own address posts the same fields there.
		f.Find("button[formaction]").Each(func(_ int, b *goquery.Selection) {
			out = append(out, postForm{action: b.AttrOr("formaction", ""), values: values})
		})
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

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// signedDevice issues a device token from store, as the join handler does:
// the only kind of token that can make a new guest.
func signedDevice(tb testing.TB, store *db.Store) string {
	tb.Helper()
	token, err := store.NewDeviceToken(context.Background())
	if err != nil {
		tb.Fatalf("device token: %v", err)
	}
	return token
}
