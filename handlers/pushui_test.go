package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/live"
	"github.com/karaoke-night/karaoke/static"
)

// TestPushOptInOnTheGuestPage: a joined guest's page offers the
// notification with the server's VAPID key and the URL its subscription is
// posted to, which takes it; the offer is not there where the server sends
// no pushes, for a removed guest, or once the night is over, and the
// stream's last event takes it off an open page.
func TestPushOptInOnTheGuestPage(t *testing.T) {
	a, svc, sender := pushApp(t)
	host, dash, code := a.hostNight()
	ann := a.guest(code, "Ann", "Valerie")
	eve := a.guest(code, "Eve", "Jolene")
	page := ann.get("/j/" + code)
	optin := page.testid("push-optin")
	if optin.Length() != 1 || page.testid("push-offer").AttrOr("hidden", "none") == "none" {
		t.Fatalf("the guest page has %d opt-in buttons, in an offer hidden until push.js shows it", optin.Length())
	}
	if got, want := optin.AttrOr("data-vapid-key", ""), sender.PublicKey(); got != want {
		t.Errorf("data-vapid-key = %q, want the server's key %q", got, want)
	}
	subscribe := optin.AttrOr("data-push-subscribe", "")
	if !strings.HasPrefix(subscribe, "/j/") || !strings.HasSuffix(subscribe, "/push") || strings.Contains(subscribe, code) {
		t.Errorf("data-push-subscribe = %q, want the night's /j/<join token>/push", subscribe)
	}
	if got := strings.TrimSpace(optin.Text()); got != "Tell me when I'm up" {
		t.Errorf("button says %q", got)
	}
	if page.doc.Find(`script[src="`+static.Path("push.js")+`"]`).Length() != 1 {
		t.Error("the guest page does not load push.js")
	}
	if r := ann.postJSON(subscribe, subscriptionJSON(t, svc.Subscribe("ann"))); r.status != http.StatusNoContent {
		t.Errorf("posting to data-push-subscribe: status %d", r.status)
	}

	// A removed guest is offered nothing: the store would refuse them.
	removeGuest(t, host, dash, "Eve")
	if n := eve.get("/j/" + code).testid("push-optin").Length(); n != 0 {
		t.Errorf("a removed guest's page has %d opt-in buttons", n)
	}

	// The night ends: the open page's last event takes the offer away,
	// and a page loaded afterwards has none.
	if r := host.post(dash + "/end"); r.status >= 400 {
		t.Fatalf("end: status %d", r.status)
	}
	sess, id := guestID(t, a.store, code, "Ann")
	frame, err := handlers.LiveSource(a.store).Frame(context.Background(), sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	events, err := frame.Events(live.Listener{SessionID: sess.ID, Page: live.PageGuest, GuestID: id})
	if err != nil {
		t.Fatal(err)
	}
	var all strings.Builder
	for _, e := range events {
		all.Write(e.HTML)
	}
	if want := `<div id="push-area" class="push-area" hx-swap-oob="outerHTML"></div>`; !strings.Contains(all.String(), want) {
		t.Errorf("the ended night's last events lack %s", want)
	}
	ended := ann.get("/j/" + code)
	if n := ended.testid("push-optin").Length() + ended.testid("push-offer").Length(); n != 0 {
		t.Errorf("an ended night's guest page still offers notifications")
	}

	// A server without Web Push offers nothing, but still loads push.js
	// (it buzzes the phone when the guest becomes next).
	plain := newTestApp(t)
	_, _, plainCode := plain.hostNight()
	bob := plain.guest(plainCode, "Bob")
	page = bob.get("/j/" + plainCode)
	if n := page.testid("push-offer").Length(); n != 0 {
		t.Errorf("a server without Web Push offers notifications")
	}
	if page.doc.Find(`script[src="`+static.Path("push.js")+`"]`).Length() != 1 {
		t.Error("the guest page does not load push.js")
	}
}

// removeGuest has the host remove the guest named name, as the dashboard
// does: the link, the confirmation, the post.
func removeGuest(t *testing.T, host *browser, dash, name string) {
	t.Helper()
	href := ""
	for _, s := range host.get(dash).testid("queue-item").EachIter() {
		if strings.Contains(s.Text(), name) {
			href = s.Find(`[data-testid="remove-singer"]`).AttrOr("href", "")
		}
	}
	action := host.get(href).testid("remove-guest-confirm").AttrOr("action", "")
	if r := host.post(action); r.status != http.StatusSeeOther {
		t.Fatalf("remove %s: status %d", name, r.status)
	}
}

// TestPushOff: turning notifications off forgets this phone's subscription
// (twice: no error), and only the guest's own.
func TestPushOff(t *testing.T) {
	a, svc, _ := pushApp(t)
	_, _, code := a.hostNight()
	ann, ben := a.guest(code, "Ann"), a.guest(code, "Ben")
	annSub, benSub := svc.Subscribe("ann"), svc.Subscribe("ben")
	ann.subscribe(code, subscriptionJSON(t, annSub))
	ben.subscribe(code, subscriptionJSON(t, benSub))
	off := func(b *browser, body string) response { return b.postJSON("/j/"+code+"/push/off", body) }
	// Ann cannot turn Ben's off; her own goes, and a second tap is fine.
	if r := off(ann, subscriptionJSON(t, benSub)); r.status != http.StatusNoContent {
		t.Errorf("off for another's endpoint: status %d", r.status)
	}
	for range 2 {
		if r := off(ann, subscriptionJSON(t, annSub)); r.status != http.StatusNoContent {
			t.Errorf("off: status %d", r.status)
		}
	}
	if r := off(ann, `{"keys":{}}`); r.status != http.StatusUnprocessableEntity {
		t.Errorf("off without an endpoint: status %d, want 422", r.status)
	}
	_, annID := guestID(t, a.store, code, "Ann")
	_, benID := guestID(t, a.store, code, "Ben")
	for _, g := range []struct {
		id   int64
		want int
	}{{annID, 0}, {benID, 1}} {
		if subs, _ := a.store.PushSubscriptions(context.Background(), g.id); len(subs) != g.want {
			t.Errorf("guest %d has %d subscriptions, want %d", g.id, len(subs), g.want)
		}
	}
}

// TestServiceWorkerAndManifest: /sw.js is JavaScript at the top of the
// site, revalidated on each use; the manifest is one an iPhone can add to
// its Home Screen (standalone, a name, PNG icons that load, the dark
// theme), and every page links it with an apple-touch-icon.
func TestServiceWorkerAndManifest(t *testing.T) {
	a := newTestApp(t)
	b := a.browser()
	for path, wantType := range map[string]string{
		"/sw.js":                "text/javascript; charset=utf-8",
		"/manifest.webmanifest": "application/manifest+json",
	} {
		r := b.get(path)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != wantType || r.header.Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: status %d, Content-Type %q, Cache-Control %q; want 200, %s, no-cache",
				path, r.status, r.header.Get("Content-Type"), r.header.Get("Cache-Control"), wantType)
		}
	}
	if sw := b.get("/sw.js").body; !strings.Contains(sw, "event.waitUntil(self.registration.showNotification(") {
		t.Error("sw.js does not show its notification inside waitUntil")
	}
	var m struct {
		Name       string  `json:"name"`
		Display    string  `json:"display"`
		ThemeColor string  `json:"theme_color"`
		StartURL   *string `json:"start_url"`
		Icons      []struct{ Src, Sizes, Type string }
	}
	if err := json.Unmarshal([]byte(b.get("/manifest.webmanifest").body), &m); err != nil {
		t.Fatal(err)
	}
	if m.Name == "" || m.Display != "standalone" || m.ThemeColor != "#14121f" || m.StartURL != nil {
		t.Errorf("manifest: name %q, display %q, theme %q, start_url %v; want a name, standalone, the dark theme, "+
			"and no start_url (a phone starts the page it was added from)", m.Name, m.Display, m.ThemeColor, m.StartURL)
	}
	pngs := 0
	for _, icon := range m.Icons {
		r := b.get(icon.Src)
		if r.status != http.StatusOK || r.header.Get("Content-Type") != icon.Type {
			t.Errorf("icon %s: status %d, Content-Type %q, want %s", icon.Src, r.status, r.header.Get("Content-Type"), icon.Type)
		}
		if icon.Type == "image/png" {
			pngs++
		}
	}
	if pngs < 2 {
		t.Errorf("%d PNG icons, want 192 and 512 at least", pngs)
	}
	_, _, code := a.hostNight()
	page := a.guest(code, "Ann").get("/j/" + code)
	for _, sel := range []string{`head link[rel="manifest"][href="/manifest.webmanifest"]`, `head link[rel="apple-touch-icon"]`,
		`head meta[name="theme-color"]`} {
		if page.doc.Find(sel).Length() != 1 {
			t.Errorf("the guest page lacks %s", sel)
		}
	}
	touch := page.doc.Find(`link[rel="apple-touch-icon"]`).AttrOr("href", "")
	if r := b.get(touch); r.status != http.StatusOK || r.header.Get("Content-Type") != "image/png" {
		t.Errorf("apple-touch-icon %s: status %d", touch, r.status)
	}
}

// postJSON posts body as JSON, as push.js does.
func (b *browser) postJSON(path, body string) response {
	b.app.t.Helper()
	req, err := http.NewRequest("POST", b.app.server.URL+path, strings.NewReader(body))
	if err != nil {
		b.app.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return b.send(req)
}
