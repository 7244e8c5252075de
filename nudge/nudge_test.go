package nudge_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/pushtest"
	"github.com/karaoke-night/karaoke/internal/wait"
	"github.com/karaoke-night/karaoke/nudge"
	"github.com/karaoke-night/karaoke/push"
)

func guestURL(s db.Session) string { return "/j/" + s.JoinToken }

// TestUpNextArrivesOncePerEvent: over a real store, a real sender and the
// test push service, each guest is told once that they are up next and
// once that their turn has started, whatever other writes come between,
// and a restart (a new nudger) tells nobody again.
func TestUpNextArrivesOncePerEvent(t *testing.T) {
	ctx := context.Background()
	store, err := db.Open(ctx, "file:"+filepath.Join(t.TempDir(), "karaoke.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	keys, _ := push.LoadOrCreateKeys(t.TempDir())
	svc := pushtest.Start(t, keys.Public)
	allow, _ := push.ParseAllow(svc.URL)
	sender := push.NewSender(push.Config{Keys: keys, Allow: allow, Subscriber: "https://karaoke.example"})
	t.Cleanup(func() { sender.Close() })
	n := nudge.New(store, sender, guestURL, nil)
	t.Cleanup(func() { n.Close() })
	store.OnChange(n.Changed)

	sess, _, _ := store.CreateSession(ctx, "Friday Night Mics")
	guest := func(name, language string) db.Guest {
		token, _ := store.NewDeviceToken(ctx)
		g, err := store.JoinSession(ctx, sess.ID, token, name)
		if err != nil {
			t.Fatal(err)
		}
		sub := svc.Subscribe(name)
		if err := store.SavePushSubscription(ctx, sess.ID, g.ID, sub.Endpoint, sub.Keys.P256dh, sub.Keys.Auth, language); err != nil {
			t.Fatal(err)
		}
		return g
	}
	// Ben's phone reads Spanish: he is told in Spanish on an English night.
	ana, ben, cat := guest("Ana", "en"), guest("Ben", "es"), guest("Cat", "")
	request := func(g db.Guest, title string) {
		if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: g.ID, Title: title}); err != nil {
			t.Fatal(err)
		}
	}
	request(ana, "Dancing Queen")
	request(ben, "Valerie")
	request(cat, "Jolene")
	got, _, err := store.StartNext(ctx, sess.ID, db.NoTurn)
	if err != nil {
		t.Fatal(err)
	}
	request(ana, "Zombie") // changes nothing about who is next
	want := []string{
		"Ana: You're up next at Friday Night Mics (Dancing Queen)",
		"Ana: It's your turn at Friday Night Mics (Dancing Queen)",
		"Ben: Eres el siguiente en Friday Night Mics (Valerie)",
	}
	wait.Eventually(t, 5*time.Second, func() bool { return len(svc.Messages()) >= len(want) }, "three messages")
	if _, _, err := store.StartNext(ctx, sess.ID, got.ID); err != nil {
		t.Fatal(err)
	}
	want = append(want, "Ben: Te toca en Friday Night Mics (Valerie)", "Cat: You're up next at Friday Night Mics (Jolene)")
	wait.Eventually(t, 5*time.Second, func() bool { return len(svc.Messages()) >= len(want) }, "five messages")
	// A restart: a new nudger, which has seen nothing, and a write that
	// changes neither the singer nor who is next. Nobody is told again.
	n.Close()
	again := nudge.New(store, sender, guestURL, nil)
	t.Cleanup(func() { again.Close() })
	store.OnChange(again.Changed)
	request(ben, "Africa")
	// Let a late duplicate arrive, if one were coming.
	time.Sleep(200 * time.Millisecond)
	msgs := svc.Messages()
	var seen []string
	for _, m := range msgs {
		var body nudge.Message
		if err := json.Unmarshal([]byte(m.Body), &body); err != nil {
			t.Fatalf("message %q: %v", m.Body, err)
		}
		seen = append(seen, m.Subscriber+": "+body.Title+" ("+body.Body+")")
		// What the service worker opens on a tap, and the tag that makes
		// "your turn" replace "up next" on the phone.
		if body.URL != guestURL(sess) || body.Tag != fmt.Sprintf("night-%d", sess.ID) {
			t.Errorf("message %q: url %q, tag %q; want the guest page and one tag for the night", m.Body, body.URL, body.Tag)
		}
	}
	if len(seen) != len(want) {
		t.Fatalf("messages = %q, want %q", seen, want)
	}
	// Messages may cross on the wire (the sender has two workers): each
	// wanted one must be there, and nothing more.
	for _, w := range want {
		found := false
		for _, s := range seen {
			found = found || s == w
		}
		if !found {
			t.Errorf("missing %q in %q", w, seen)
		}
	}
}
