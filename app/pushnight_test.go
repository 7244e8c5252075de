package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/pushtest"
	"github.com/karaoke-night/karaoke/internal/wait"
	"github.com/karaoke-night/karaoke/nudge"
	"github.com/karaoke-night/karaoke/push"
)

// TestPushNight: the real server, its VAPID keys kept in DATA_DIR and the
// test push service its only allowed endpoint. Two guests subscribe over
// HTTP; each hears once that they are up next and once that their turn
// has started, decrypted at the push service with their own keys.
func TestPushNight(t *testing.T) {
	cfg := testConfig(t)
	keys, err := push.LoadOrCreateKeys(cfg.DataDir) // the server takes these
	if err != nil {
		t.Fatal(err)
	}
	svc := pushtest.Start(t, keys.Public)
	if cfg.PushAllow, err = push.ParseAllow(svc.URL); err != nil {
		t.Fatal(err)
	}
	base, _ := startServer(t, cfg)
	host := newPhone(t, base)
	dash, dashURL := host.open("POST", "/sessions", url.Values{"name": {"Friday Night Mics"}})
	code := dash.Find(`[data-testid="join-code"]`).Text()
	ann, bob := newPhone(t, base), newPhone(t, base)
	for _, g := range []struct {
		p    *phone
		name string
	}{{ann, "Ann"}, {bob, "Bob"}} {
		page, _ := g.p.open("GET", "/j/"+code, nil)
		action, _ := page.Find(`[data-testid="join-form"]`).Attr("action")
		g.p.open("POST", action, url.Values{"name": {g.name}})
		sub := svc.Subscribe(g.name)
		body, _ := json.Marshal(map[string]any{"endpoint": sub.Endpoint, "expirationTime": nil,
			"keys": map[string]string{"p256dh": sub.Keys.P256dh, "auth": sub.Keys.Auth}})
		resp, err := g.p.client.Post(base+"/j/"+code+"/push", "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent {
			t.Fatalf("%s subscribing: status %d", g.name, resp.StatusCode)
		}
	}
	ann.open("POST", "/j/"+code+"/requests", url.Values{"title": {"Dancing Queen"}})
	bob.open("POST", "/j/"+code+"/requests", url.Values{"title": {"Valerie"}})
	wait.Eventually(t, 5*time.Second, func() bool { return len(svc.Messages()) == 1 }, "Ann's up next")
	host.startNext(dashURL.Path)
	want := map[string]bool{
		"Ann: You're up next at Friday Night Mics": true,
		"Ann: It's your turn at Friday Night Mics": true,
		"Bob: You're up next at Friday Night Mics": true,
	}
	wait.Eventually(t, 5*time.Second, func() bool { return len(svc.Messages()) >= len(want) }, "three pushes")
	// Let a duplicate arrive, if one were coming.
	time.Sleep(200 * time.Millisecond)
	msgs := svc.Messages()
	for _, m := range msgs {
		var n nudge.Message
		json.Unmarshal([]byte(m.Body), &n)
		if key := m.Subscriber + ": " + n.Title; !want[key] {
			t.Errorf("unexpected or repeated push %q", key)
		} else {
			want[key] = false
		}
	}
	if len(msgs) != 3 || len(svc.Refused()) != 0 {
		t.Errorf("%d pushes (want 3), refused %v", len(msgs), svc.Refused())
	}
}
