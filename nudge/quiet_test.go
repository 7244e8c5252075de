package nudge_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/pushtest"
	"github.com/karaoke-night/karaoke/internal/wait"
	"github.com/karaoke-night/karaoke/nudge"
	"github.com/karaoke-night/karaoke/push"
)

// readCounter is the real store, counting the sessions the nudger reads.
type readCounter struct {
	*db.Store
	mu    sync.Mutex
	reads map[int64]int
}

func (c *readCounter) Turns(ctx context.Context, sessionID int64) (db.Turns, error) {
	c.mu.Lock()
	c.reads[sessionID]++
	c.mu.Unlock()
	return c.Store.Turns(ctx, sessionID)
}

func (c *readCounter) count(sessionID int64) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reads[sessionID]
}

// TestNightsWithoutPushAreNotRead: the changes of a night where nobody
// subscribed cost the nudger no read at all, while a night where someone
// did is read and its guest told.
func TestNightsWithoutPushAreNotRead(t *testing.T) {
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
	counter := &readCounter{Store: store, reads: map[int64]int{}}
	n := nudge.New(counter, sender, guestURL, nil)
	t.Cleanup(func() { n.Close() })
	store.OnChange(n.Changed)

	request := func(sess db.Session, name string, subscribe bool) {
		token, _ := store.NewDeviceToken(ctx)
		g, err := store.JoinSession(ctx, sess.ID, token, name)
		if err != nil {
			t.Fatal(err)
		}
		if subscribe {
			sub := svc.Subscribe(name)
			if err := store.SavePushSubscription(ctx, sess.ID, g.ID, sub.Endpoint, sub.Keys.P256dh, sub.Keys.Auth, ""); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: g.ID, Title: "Song of " + name}); err != nil {
			t.Fatal(err)
		}
	}
	quiet, _, _ := store.CreateSession(ctx, "Quiet Night")
	pushed, _, _ := store.CreateSession(ctx, "Pushed Night")
	for _, name := range []string{"Ana", "Ben", "Cat"} {
		request(quiet, name, false)
	}
	request(pushed, "Dee", true)
	wait.Eventually(t, 5*time.Second, func() bool { return len(svc.Messages()) >= 1 }, "Dee told she is up next")
	// The quiet night's last change came before the pushed night's, which
	// the nudger has looked at: it has passed the quiet one's too.
	if got := counter.count(quiet.ID); got != 0 {
		t.Errorf("the night without subscriptions was read %d times, want none", got)
	}
	if counter.count(pushed.ID) == 0 {
		t.Error("the night with a subscription was never read")
	}
}
