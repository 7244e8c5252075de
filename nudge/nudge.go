// Package nudge tells guests by Web Push when their turn comes: "You're up
// next at <night>" when their song becomes the one Start next would start,
// and "It's your turn at <night>" when it starts. It follows the store's
// change notifications (Store.OnChange), never a write itself: Changed only
// marks the session, and a goroutine of its own reads who sings and who is
// next (Store.Turns, not the whole night) and queues
// the messages (push.Sender), so a write never waits for a push.
package nudge

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"sync"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/push"
)

// Store is what the nudger reads.
type Store interface {
	// HasPushSubscriptions is false, from memory, for a session where no
	// guest takes pushes: the nudger then reads nothing.
	HasPushSubscriptions(sessionID int64) bool
	Turns(ctx context.Context, sessionID int64) (db.Turns, error)
	PushSubscriptions(ctx context.Context, guestID int64) ([]db.PushSubscription, error)
	SetPushTold(ctx context.Context, subscriptionID, next, turn int64) error
}

// Sender is what the nudger sends with (push.Sender).
type Sender interface {
	Send(sub push.Subscription, message []byte, topic string) error
}

// Message is the JSON a push carries, for the service worker to show
// (static/sw.js reads these names).
type Message struct {
	Title string `json:"title"`
	Body  string `json:"body"`
	// URL is the guest's page, opened when the notification is tapped.
	URL string `json:"url"`
	// Tag is the same for every message of a night, so the newer
	// notification replaces the older on the phone.
	Tag string `json:"tag"`
}

// Nudger sends each turn's messages once.
type Nudger struct {
	store    Store
	sender   Sender
	guestURL func(db.Session) string
	log      *slog.Logger

	mu      sync.Mutex
	pending map[int64]bool
	kick    chan struct{}
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
}

// New starts a nudger; Close stops it. guestURL is the path of a night's
// guest page, which a tap on the notification opens.
func New(store Store, sender Sender, guestURL func(db.Session) string, log *slog.Logger) *Nudger {
	if log == nil {
		log = slog.Default()
	}
	n := &Nudger{store: store, sender: sender, guestURL: guestURL, log: log, pending: map[int64]bool{},
		kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go n.work()
	return n
}

// Changed is the store's change notification: it marks the session to be
// looked at and returns at once.
func (n *Nudger) Changed(sessionID, _ int64) {
	n.mu.Lock()
	n.pending[sessionID] = true
	n.mu.Unlock()
	select {
	case n.kick <- struct{}{}:
	default:
	}
}

// Close stops the nudger's goroutine.
func (n *Nudger) Close() error {
	n.once.Do(func() { close(n.stop) })
	<-n.done
	return nil
}

func (n *Nudger) work() {
	defer close(n.done)
	for {
		select {
		case <-n.stop:
			return
		case <-n.kick:
		}
		n.mu.Lock()
		sessions := n.pending
		n.pending = map[int64]bool{}
		n.mu.Unlock()
		for id := range sessions {
			n.look(id)
		}
	}
}

// look reads who sings and who is next in a session where someone takes
// pushes, and tells the singer whose song started, and the guest whose
// song is now next, each subscription once per song (the marks are kept
// with the subscription, so a restart resends nothing).
func (n *Nudger) look(sessionID int64) {
	if !n.store.HasPushSubscriptions(sessionID) {
		return
	}
	ctx := context.Background()
	t, err := n.store.Turns(ctx, sessionID)
	if err != nil || !t.Session.Open() {
		return
	}
	singing := t.NowSinging
	if singing != nil {
		n.tell(ctx, t.Session, *singing, turn)
	}
	if r := t.NextUp; r != nil && (singing == nil || r.ID != singing.ID) {
		n.tell(ctx, t.Session, *r, next)
	}
}

type event int

const (
	next event = iota
	turn
)

func songLine(r db.Request) string {
	if r.Artist == "" {
		return r.Title
	}
	return r.Title + " — " + r.Artist
}

// message is what a subscription is told of event e for request r, in the
// subscription's language (the guest's when they subscribed), else the
// night's.
func message(sess db.Session, r db.Request, e event, language string) Message {
	lg, name := lang.Shipped().Match(language, sess.Language), map[string]any{"Name": sess.Name}
	if e == turn {
		return Message{Title: lg.Tf("guest.push.turn", name), Body: songLine(r)}
	}
	return Message{Title: lg.Tf("guest.push.next", name), Body: songLine(r)}
}

func (n *Nudger) tell(ctx context.Context, sess db.Session, r db.Request, e event) {
	subs, err := n.store.PushSubscriptions(ctx, r.GuestID)
	if err != nil {
		n.log.Error("push: read subscriptions", "err", err)
		return
	}
	for _, s := range subs {
		m := message(sess, r, e, s.Language)
		m.URL, m.Tag = n.guestURL(sess), "night-"+strconv.FormatInt(sess.ID, 10)
		body, err := json.Marshal(m)
		if err != nil {
			return
		}
		told, nextID, turnID := s.ToldNext, r.ID, int64(0)
		if e == turn {
			told, nextID, turnID = s.ToldTurn, 0, r.ID
		}
		if told == r.ID {
			continue
		}
		var sub push.Subscription
		sub.Endpoint, sub.Keys.P256dh, sub.Keys.Auth = s.Endpoint, s.P256dh, s.Auth
		// One topic per guest: an undelivered "up next" is replaced by
		// "your turn" rather than both arriving late.
		if err := n.sender.Send(sub, body, "turn"); err != nil {
			continue
		}
		if err := n.store.SetPushTold(ctx, s.ID, nextID, turnID); err != nil {
			n.log.Error("push: mark told", "err", err)
		}
	}
}
