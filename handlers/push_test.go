package handlers_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/internal/pushtest"
	"github.com/karaoke-night/karaoke/internal/wait"
	"github.com/karaoke-night/karaoke/push"
)

// pushApp is the app with a Web Push sender whose allow-list is only the
// test push service.
func pushApp(t *testing.T) (*testApp, *pushtest.Service, *push.Sender) {
	t.Helper()
	keys, err := push.LoadOrCreateKeys(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	svc := pushtest.Start(t, keys.Public)
	allow, err := push.ParseAllow(svc.URL + "push/")
	if err != nil {
		t.Fatal(err)
	}
	var store *db.Store
	sender := push.NewSender(push.Config{Keys: keys, Allow: allow, Subscriber: "https://karaoke.example",
		Backoff: 10 * time.Millisecond,
		Gone:    func(ctx context.Context, endpoint string) error { return store.DeletePushSubscription(ctx, endpoint) }})
	t.Cleanup(func() { sender.Close() })
	a := newTestAppWith(t, handlers.Config{Push: sender})
	store = a.store
	return a, svc, sender
}

func (b *browser) subscribe(code string, body string) response {
	b.app.t.Helper()
	req, err := http.NewRequest("POST", b.app.server.URL+"/j/"+code+"/push", strings.NewReader(body))
	if err != nil {
		b.app.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	return b.send(req)
}

func subscriptionJSON(t *testing.T, sub push.Subscription) string {
	b, err := json.Marshal(map[string]any{"endpoint": sub.Endpoint, "expirationTime": nil,
		"keys": map[string]string{"p256dh": sub.Keys.P256dh, "auth": sub.Keys.Auth}})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func guestID(t *testing.T, store *db.Store, code, name string) (db.Session, int64) {
	t.Helper()
	sess, err := store.SessionByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	guests, err := store.Guests(context.Background(), sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range guests {
		if g.Name == name {
			return sess, g.ID
		}
	}
	t.Fatalf("no guest %s", name)
	return sess, 0
}

// TestPushSubscribeAndSend: a guest's browser subscribes (twice: one row),
// a message sent to what the store kept arrives readable at the push
// service, and a 410 from the service deletes the subscription.
func TestPushSubscribeAndSend(t *testing.T) {
	a, svc, sender := pushApp(t)
	_, _, code := a.hostNight()
	ana := a.guest(code, "Ana", "Dancing Queen")
	sub := svc.Subscribe("ana")
	ana.header = http.Header{"Accept-Language": {"es"}} // her notifications speak Spanish
	for range 2 {
		if r := ana.subscribe(code, subscriptionJSON(t, sub)); r.status != http.StatusNoContent {
			t.Fatalf("subscribe: status %d %s", r.status, r.body)
		}
	}
	sess, id := guestID(t, a.store, code, "Ana")
	subs, err := a.store.PushSubscriptions(context.Background(), id)
	if err != nil || len(subs) != 1 || subs[0].Endpoint != sub.Endpoint || subs[0].SessionID != sess.ID || subs[0].Language != "es" {
		t.Fatalf("kept = %+v, %v; want Ana's one subscription, in Spanish", subs, err)
	}
	var kept push.Subscription
	kept.Endpoint, kept.Keys.P256dh, kept.Keys.Auth = subs[0].Endpoint, subs[0].P256dh, subs[0].Auth
	if err := sender.Send(kept, []byte("You're up next at Friday"), ""); err != nil {
		t.Fatal(err)
	}
	wait.Eventually(t, 5*time.Second, func() bool { return len(svc.Messages()) == 1 }, "the message at the push service")
	if m := svc.Messages()[0]; m.Subscriber != "ana" || m.Body != "You're up next at Friday" {
		t.Errorf("arrived %+v", m)
	}
	svc.Answer("ana", http.StatusGone)
	sender.Send(kept, []byte("again"), "")
	wait.Eventually(t, 5*time.Second, func() bool {
		subs, _ := a.store.PushSubscriptions(context.Background(), id)
		return len(subs) == 0
	}, "the subscription deleted after the push service's 410")
}

// TestPushSubscribeRefusesOtherEndpoints: an endpoint not on the
// allow-list, or JSON that is no subscription, is refused with 422 and
// nothing is kept.
func TestPushSubscribeRefusesOtherEndpoints(t *testing.T) {
	a, svc, _ := pushApp(t)
	_, _, code := a.hostNight()
	ana := a.guest(code, "Ana")
	good := svc.Subscribe("ana")
	bad := good
	bad.Endpoint = "http://169.254.169.254/latest/meta-data"
	noAuth := good
	noAuth.Keys.Auth = "c2hvcnQ"
	for name, body := range map[string]string{
		"metadata address": subscriptionJSON(t, bad),
		"another host":     strings.Replace(subscriptionJSON(t, good), "127.0.0.1", "localhost", 1),
		"short auth":       subscriptionJSON(t, noAuth),
		"not JSON":         "endpoint=" + good.Endpoint,
		"no keys":          `{"endpoint":"` + good.Endpoint + `"}`,
	} {
		if r := ana.subscribe(code, body); r.status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422", name, r.status)
		}
	}
	_, id := guestID(t, a.store, code, "Ana")
	if subs, _ := a.store.PushSubscriptions(context.Background(), id); len(subs) != 0 {
		t.Errorf("kept %+v", subs)
	}
	// Not joined: no subscription for nobody.
	if r := a.browser().subscribe(code, subscriptionJSON(t, good)); r.status == http.StatusNoContent {
		t.Errorf("a device that has not joined subscribed")
	}
}
