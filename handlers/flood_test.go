package handlers_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
)

// The queue-flooding attacks of issue 11: a script that makes up device
// cookies, and one address making up singers by the hundred.

// attacker is a client that keeps no cookies: it sends the device cookie
// it chooses with each request and ignores what the server sets.
func (a *testApp) attacker(forwardedFor string) *browser {
	b := a.browser()
	b.client.Jar = nil
	if forwardedFor != "" {
		b.header = http.Header{"X-Forwarded-For": {forwardedFor}}
	}
	return b
}

// postAs posts a form with the device cookie token (none for "").
func (b *browser) postAs(token, path string, kv ...string) response {
	b.app.t.Helper()
	form := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		form.Add(kv[i], kv[i+1])
	}
	req, err := http.NewRequest("POST", b.app.server.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.app.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if token != "" {
		req.AddCookie(&http.Cookie{Name: "karaoke_device", Value: token})
	}
	return b.send(req)
}

func deviceCookieSet(resp response) string {
	for _, c := range (&http.Response{Header: resp.header}).Cookies() {
		if c.Name == "karaoke_device" {
			return c.Value
		}
	}
	return ""
}

func defaultRate(t *testing.T, s string) handlers.Rate {
	t.Helper()
	r, err := handlers.ParseRate(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestForgedDeviceCookiesAreNoDevice: a device cookie the server did not
// issue makes no guest and requests nothing, so changing it for every
// request no longer dodges the per-device limit. Before the fix the script
// below put one song in the queue per made-up cookie.
func TestForgedDeviceCookiesAreNoDevice(t *testing.T) {
	const deviceLimit = 3
	app := newTestAppWith(t, handlers.Config{Limits: handlers.Limits{
		DeviceWrites: handlers.Rate{Requests: deviceLimit, Window: time.Minute}}})
	host, dash, code := app.hostNight()
	guestPage := host.joinLink(dash)
	other := openStoreForTest(t) // another server, with a key of its own
	real := app.guest(code, "Ann")
	random, _, _ := strings.Cut(signedDevice(t, app.store), ".")
	forged := []string{"attacker-chosen-1", "attacker-chosen-2", random + ".badsignature",
		random + "." + strings.Repeat("A", 43), signedDevice(t, other), db.NewToken()}

	mallory := app.attacker("")
	for i, token := range forged {
		resp := mallory.postAs(token, "/j/"+code+"/join", "name", fmt.Sprintf("Fake %d", i))
		if resp.status != http.StatusSeeOther {
			t.Fatalf("join with %q: status %d", token, resp.status)
		}
		if got := deviceCookieSet(resp); got == "" || got == token || !app.store.DeviceTokenSigned(context.Background(), got) {
			t.Errorf("join with %q: the server set %q, want a fresh token it signed", token, got)
		}
		// The script ignores the cookie it was given and requests with its own.
		if resp := mallory.postAs(token, "/j/"+code+"/requests", "title", "Spam "+token); resp.status != http.StatusSeeOther || resp.location != guestPage {
			t.Errorf("request with %q: status %d to %q, want sent to the join form", token, resp.status, resp.location)
		}
		if mallory.send(withCookie(t, app, "GET", "/j/"+code, token)).testid("join-form").Length() != 1 {
			t.Errorf("%q is taken for a guest: no join form", token)
		}
	}
	if q := hostView(host, dash); strings.Contains(q, "Spam") {
		t.Errorf("songs from made-up cookies reached the queue: %s", q)
	}

	// A real guest past the device limit cannot carry on under made-up
	// cookies: they are no device, so not a guest either.
	for i := range deviceLimit {
		real.request(code, fmt.Sprint("Ann's song ", i), "")
	}
	if resp := real.request(code, "one too many", ""); resp.status != http.StatusTooManyRequests {
		t.Errorf("past the device limit: status %d, want 429", resp.status)
	}
	for i := range 20 {
		mallory.postAs(fmt.Sprintf("attacker-chosen-%d", 100+i), "/j/"+code+"/requests", "title", "dodge")
	}
	if q := hostView(host, dash); strings.Contains(q, "dodge") || strings.Contains(q, "one too many") {
		t.Errorf("the device limit was dodged: %s", q)
	}
}

// TestOneAddressCannotFloodJoins: one address making 111 singers in one
// session, each from a fresh cookie-less client (what the script did), is
// stopped at LIMIT_ADDRESS_JOINS's default; another address still joins,
// and the refusal is shown in the join form, with and without htmx.
func TestOneAddressCannotFloodJoins(t *testing.T) {
	const setting = app.DefaultLimitAddressJoins
	rate := defaultRate(t, setting)
	limits := handlers.Limits{
		DeviceWrites:  defaultRate(t, app.DefaultLimitDeviceWrites),
		AddressWrites: defaultRate(t, app.DefaultLimitAddressWrites),
		AddressJoins:  rate,
	}
	app := newTestAppWith(t, handlers.Config{TrustProxy: trustProxy(t, "127.0.0.1"), Limits: limits})
	_, code := app.browser().hostSession("Friday")
	start := time.Now()
	joined := 0
	for i := range 111 {
		b := app.attacker("203.0.113.7")
		if resp := b.post("/j/"+code+"/join", "name", fmt.Sprint("Fake ", i)); resp.status == http.StatusSeeOther {
			joined++
		}
	}
	t.Logf("one address: %d of 111 joins in %v got through (LIMIT_ADDRESS_JOINS=%s)", joined, time.Since(start).Round(time.Millisecond), setting)
	if joined != rate.Requests {
		t.Errorf("%d joins got through, want %d", joined, rate.Requests)
	}
	for _, htmx := range []bool{false, true} {
		b := app.attacker("203.0.113.7")
		b.htmx = htmx
		resp := b.post("/j/"+code+"/join", "name", "One more")
		if resp.status != http.StatusTooManyRequests {
			t.Fatalf("htmx=%v: status %d, want 429", htmx, resp.status)
		}
		if v, _ := resp.doc.Find(`[data-testid="join-form"] input[name="name"]`).Attr("value"); v != "One more" {
			t.Errorf("htmx=%v: the form does not keep the name: %q", htmx, v)
		}
		if msg := resp.testid("form-error").Text(); !strings.Contains(msg, "joined this night") {
			t.Errorf("htmx=%v: message = %q", htmx, msg)
		}
	}
	// Another address, and the same address on another night, still join.
	if resp := app.attacker("198.51.100.9").post("/j/"+code+"/join", "name", "Bea"); resp.status != http.StatusSeeOther {
		t.Errorf("another address: status %d", resp.status)
	}
	_, otherCode := app.browser().hostSession("Saturday")
	if resp := app.attacker("203.0.113.7").post("/j/"+otherCode+"/join", "name", "Cy"); resp.status != http.StatusSeeOther {
		t.Errorf("the same address on another night: status %d", resp.status)
	}
}

// TestJoiningLock: a night the host closed refuses new guests, with the
// message on the join page and in the form, while its guests carry on;
// opening it again lets new guests in.
func TestJoiningLock(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	ann := app.guest(code, "Ann")
	if resp := host.post(dash + "/joining/lock"); resp.status != http.StatusSeeOther {
		t.Fatalf("lock: status %d", resp.status)
	}
	if host.get(dash).testid("joining-locked").Length() != 1 {
		t.Error("the dashboard does not say joining is closed")
	}
	newcomer := app.browser()
	if page := newcomer.get("/j/" + code); page.testid("joining-closed").Text() != db.JoiningClosedMessage || page.testid("join-form").Length() != 0 {
		t.Errorf("join page while closed: %q, form %d", page.testid("joining-closed").Text(), page.testid("join-form").Length())
	}
	for _, htmx := range []bool{false, true} {
		newcomer.htmx = htmx
		resp := newcomer.post("/j/"+code+"/join", "name", "Late")
		if resp.status != http.StatusUnprocessableEntity || !strings.Contains(resp.doc.Find(`[data-testid="join-form"]`).Text(), db.JoiningClosedMessage) {
			t.Errorf("htmx=%v: join while closed: status %d, form %q", htmx, resp.status, resp.doc.Find(`[data-testid="join-form"]`).Text())
		}
	}
	if resp := ann.request(code, "Still here", ""); resp.status != http.StatusSeeOther {
		t.Errorf("a guest already in requests while closed: status %d", resp.status)
	}
	// The dashboard's button, with htmx: the guests card comes back open.
	host.htmx = true
	if resp := host.post(dash + "/joining/unlock"); resp.status != http.StatusOK || resp.isPage() ||
		resp.testid("joining-lock").Length() != 1 || resp.testid("joining-locked").Length() != 0 {
		t.Fatalf("unlock with htmx: status %d, page %v: %s", resp.status, resp.isPage(), resp.body)
	}
	host.htmx = false
	newcomer.htmx = false
	newcomer.join(code, "Late")
	if v := hostView(host, dash); !strings.Contains(v, "Late") || !strings.Contains(v, "Still here") {
		t.Errorf("after unlocking: %s", v)
	}
}

// TestRemoveRecentJoiners: the host removes, in one action, exactly the
// guests who joined in the last minutes, with their waiting songs, and the
// night closes to new guests; doing it again changes nothing.
func TestRemoveRecentJoiners(t *testing.T) {
	app := newTestApp(t)
	clock := time.Now()
	app.store.Now = func() time.Time { return clock }
	host, dash, code := app.hostNight()
	app.guest(code, "Ann", "Ann's song")
	clock = clock.Add(20 * time.Minute)
	for i := range 3 {
		app.guest(code, fmt.Sprint("Fake ", i), fmt.Sprint("Spam ", i))
	}
	confirm := host.get(dash + "/guests/recent/remove")
	listed := strings.Join(confirm.testid("recent-guest").Map(func(_ int, s *goquery.Selection) string {
		return strings.Join(strings.Fields(s.Text()), " ")
	}), "|")
	if want := "Fake 0 1 waiting|Fake 1 1 waiting|Fake 2 1 waiting"; listed != want {
		t.Fatalf("the confirm page lists %q, want %q (not Ann, who joined 20 minutes before)", listed, want)
	}
	form := confirm.testid("remove-recent-confirm")
	action, _ := form.Attr("action")
	since, _ := form.Find(`input[name="since"]`).Attr("value")
	for range 2 { // the second time removes nobody more
		if resp := host.post(action, "since", since); resp.status != http.StatusSeeOther || resp.location != dash {
			t.Fatalf("remove recent: status %d to %q", resp.status, resp.location)
		}
	}
	v := hostView(host, dash)
	if !strings.Contains(v, "Ann's song") || strings.Contains(v, "Spam") || strings.Count(v, "removed") != 3 {
		t.Errorf("after removing the recent joiners: %s", v)
	}
	if host.get(dash).testid("joining-locked").Length() != 1 {
		t.Error("joining is not closed after removing the recent joiners")
	}
}

// TestLegacyDeviceTokenKeepsItsGuest: a guest who joined before tokens were
// signed (a bare random token, hashed in the guests table as the old
// server wrote it) keeps their place on the deploy; a bare token that is no
// guest's makes nothing.
func TestLegacyDeviceTokenKeepsItsGuest(t *testing.T) {
	app, dbPath := newAppWithFile(t)
	host, dash, code := app.hostNight()
	sess, err := app.store.SessionByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	legacy := db.NewToken()
	raw, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	hash := sha256.Sum256([]byte(legacy))
	_, err = raw.Exec(`INSERT INTO guests (session_id, device_hash, name, name_key, name_ordinal, joined_at) VALUES (?, ?, 'Old Ann', 'old ann', 1, ?)`,
		sess.ID, hash[:], time.Now().UnixMilli())
	raw.Close()
	if err != nil {
		t.Fatal(err)
	}
	old := app.attacker("")
	page := old.send(withCookie(t, app, "GET", "/j/"+code, legacy))
	if got := page.testid("singer-name").Text(); got != "Old Ann" {
		t.Fatalf("the legacy token finds %q, want Old Ann", got)
	}
	if resp := old.postAs(legacy, "/j/"+code+"/requests", "title", "Old song"); resp.status != http.StatusSeeOther || resp.location != host.joinLink(dash) {
		t.Errorf("request with the legacy token: status %d to %q", resp.status, resp.location)
	}
	resp := old.postAs(legacy, "/j/"+code+"/join", "name", "Old Annie")
	if resp.status != http.StatusSeeOther || deviceCookieSet(resp) != "" {
		t.Errorf("rename with the legacy token: status %d, cookie %q", resp.status, deviceCookieSet(resp))
	}
	// A bare token nobody joined with is made up: the join gets a signed one.
	stranger := db.NewToken()
	if resp := old.postAs(stranger, "/j/"+code+"/join", "name", "New"); deviceCookieSet(resp) == "" {
		t.Error("a bare token that is no guest's was kept for a new guest")
	}
	if v := hostView(host, dash); !strings.Contains(v, "Old song") || !strings.Contains(v, "Old Annie") {
		t.Errorf("the host sees %s", v)
	}
}

func withCookie(t *testing.T, a *testApp, method, path, token string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, a.server.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: "karaoke_device", Value: token})
	return req
}

func openStoreForTest(t *testing.T) *db.Store {
	t.Helper()
	store, _ := newRoutes(t, handlers.Config{})
	return store
}
