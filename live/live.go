// Package live keeps every open page of a session current. A page opens one
// server-sent event stream (text/event-stream) to the Broker; when the
// session changes, the Broker loads the session once, has each fragment
// rendered once for everyone who sees the same thing (and once per guest for
// what is personal), and sends each listener only the fragments that differ
// from what it last sent that listener.
//
// Changes are learnt two ways: Notify, called by this process after each
// committed write, and a poll of the sessions' versions in the database,
// which catches writes made by another process.
package live

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sync"
	"time"
)

// The pages a stream can feed.
const (
	PageHost    = "host"
	PageGuest   = "guest"
	PageDisplay = "display"
	// PageJoin is the join page of a device that has not joined: it follows
	// the night only to learn that it ended.
	PageJoin = "join"
)

// Listener says who is at the other end of a stream: the session, the page,
// on a guest's page the guest, and the client whose fair share it counts
// against.
type Listener struct {
	SessionID int64
	Page      string
	GuestID   int64
	// Client is the address the stream came from, as the rate limits key
	// it (an IPv6 client by its /64); streams with the same Client share
	// the fair shares of Config.
	Client string
	// Lang is the language the page reads in (a BCP 47 tag, "" for the
	// default): a Frame renders each of its fragments once per language in
	// use.
	Lang string
}

// Frame is a session's state at one version, able to render what each
// listener sees. The Broker uses a Frame from one goroutine at a time, so it
// may cache what it renders without locking.
type Frame interface {
	Version() int64
	Ended() bool
	// Events returns every fragment the listener's page shows live. The
	// Broker sends only those that changed.
	Events(l Listener) ([]Event, error)
}

// Source loads what the Broker needs from the database.
type Source interface {
	// Frame reads a session's current state. It returns an error for a
	// session that does not exist.
	Frame(ctx context.Context, sessionID int64) (Frame, error)
	// Versions returns the current version of each existing session.
	Versions(ctx context.Context, ids []int64) (map[int64]int64, error)
}

// Errors subscribe gives: Serve answers ErrFull with a 503 (ErrShare, in
// share.go, with a 429) and ErrClosed with an empty stream that has the
// browser come back.
var (
	ErrFull   = errors.New("live: too many streams are open")
	ErrClosed = errors.New("live: the broker is closed")
)

// Broker holds the open streams of every session.
type Broker struct {
	cfg    Config
	src    Source
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	hubs   map[int64]*hub
	open   int
	shares shares
	closed bool
}

// hub is one session's streams. Its fields are guarded by the Broker's mu,
// except frame, which only the hub's worker touches.
type hub struct {
	id      int64
	streams map[*stream]struct{}
	version int64     // the newest version loaded or announced as loaded
	dirty   bool      // a change every stream must hear of
	fresh   []*stream // new streams waiting for their first state
	running bool      // a worker is on it
	tick    bool      // the clock changed the frame's look: load it again
	timer   *time.Timer
	frame   Frame
	news    bool                        // a Publish the streams must hear of
	extras  map[string]map[string]Event // Publish's latest, by page and name
}

type message struct {
	parts [][]byte
	final bool
}

type stream struct {
	Listener
	known     int64 // the version the page already shows, 0 if unknown
	out       chan message
	published latest // what was published, waiting to be written
	end       chan struct{}
	endOnce   sync.Once
	// Only the hub's worker touches these.
	started bool
	last    map[string]uint64 // the sum of what was last sent, by Event.Name
}

func (s *stream) stop() { s.endOnce.Do(func() { close(s.end) }) }

// New starts a Broker over src. Close stops it.
func New(src Source, cfg Config) *Broker {
	ctx, cancel := context.WithCancel(context.Background())
	b := &Broker{cfg: cfg.withDefaults(), src: src, ctx: ctx, cancel: cancel, hubs: map[int64]*hub{}}
	b.wg.Add(2)
	go b.every(b.cfg.PollInterval, b.poll)
	go b.every(b.cfg.Heartbeat, b.beat)
	return b
}

// Notify tells the Broker that a session has reached a version. It never
// blocks on a client.
func (b *Broker) Notify(sessionID, version int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.hubs[sessionID]
	if h == nil || b.closed || version <= h.version {
		return
	}
	h.dirty = true
	b.kick(h)
}

// Close ends every stream and stops the Broker; new streams are refused.
// Streams end cleanly (their handlers return), so an http.Server's Shutdown
// is not held up by them. It is safe to call more than once.
func (b *Broker) Close() {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return
	}
	b.closed = true
	for _, h := range b.hubs {
		for s := range h.streams {
			s.stop()
		}
	}
	b.mu.Unlock()
	b.cancel()
	b.wg.Wait()
}

func (b *Broker) subscribe(l Listener, known int64) (*stream, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrClosed
	}
	// The shares first: a client past its own is told so (429) even when
	// the server is full, and it can never take the last free streams.
	if !b.fits(l) {
		return nil, ErrShare
	}
	if b.open >= b.cfg.MaxStreams {
		return nil, ErrFull
	}
	b.open++
	b.shares.count(l, 1)
	h := b.hubs[l.SessionID]
	if h == nil {
		h = &hub{id: l.SessionID, streams: map[*stream]struct{}{}}
		b.hubs[l.SessionID] = h
	}
	s := &stream{Listener: l, known: known, out: make(chan message, b.cfg.Buffer), published: newLatest(), end: make(chan struct{}), last: map[string]uint64{}}
	h.streams[s] = struct{}{}
	h.fresh = append(h.fresh, s)
	b.kick(h)
	return s, nil
}

// unsubscribe forgets a stream; it is safe to call twice.
func (b *Broker) unsubscribe(s *stream) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s.stop()
	h := b.hubs[s.SessionID]
	if h == nil {
		return
	}
	if _, ok := h.streams[s]; !ok {
		return
	}
	delete(h.streams, s)
	b.open--
	b.shares.count(s.Listener, -1)
	if len(h.streams) == 0 && !h.running {
		h.stopAlarm()
		delete(b.hubs, h.id)
	}
}

// kick starts the hub's worker unless one is running. Call with mu held.
func (b *Broker) kick(h *hub) {
	if h.running {
		return
	}
	h.running = true
	b.wg.Add(1)
	go b.work(h)
}

// work renders and sends a hub's changes until there are none left. One
// worker per hub at a time, so changes are coalesced: a burst of writes
// while a render runs costs one more render, not one each.
func (b *Broker) work(h *hub) {
	defer b.wg.Done()
	for {
		b.mu.Lock()
		if b.closed || (!h.dirty && len(h.fresh) == 0 && !h.news) {
			h.running = false
			if len(h.streams) == 0 && b.hubs[h.id] == h {
				h.stopAlarm()
				delete(b.hubs, h.id)
			}
			b.mu.Unlock()
			return
		}
		dirty, fresh, tick, news := h.dirty, h.fresh, h.tick, h.news
		h.dirty, h.fresh, h.tick, h.news = false, nil, false, false
		extras := h.published()
		b.mu.Unlock()
		b.refresh(h, dirty, tick, fresh, news, extras)
	}
}

func (b *Broker) refresh(h *hub, dirty, tick bool, fresh []*stream, news bool, extras map[string][]Event) {
	frame := h.frame
	if !dirty && frame != nil && len(fresh) > 0 {
		// Only new streams to serve: the last frame does if nothing changed.
		vs, err := b.src.Versions(b.ctx, []int64{h.id})
		if err != nil || vs[h.id] != frame.Version() {
			frame = nil
		}
	}
	if frame == nil || dirty {
		f, err := b.src.Frame(b.ctx, h.id)
		if err != nil {
			if b.ctx.Err() == nil {
				b.cfg.Log.Error("live: load session", "session", h.id, "err", err)
			}
			for _, s := range fresh {
				b.drop(s) // it reconnects and tries again
			}
			return
		}
		// A repeated announcement of a version already sent changes nothing
		// for the streams that have it.
		dirty = tick || h.frame == nil || f.Version() != h.frame.Version()
		frame = f
		h.frame = f
		b.setAlarm(h, f)
	}
	b.mu.Lock()
	h.version = max(h.version, frame.Version())
	targets := h.targets(dirty, news, fresh, extras)
	b.mu.Unlock()
	for _, s := range targets {
		b.deliver(frame, s, extras[s.Page])
	}
}

func (b *Broker) drop(s *stream) { b.unsubscribe(s) }

// every runs fn each interval until the Broker closes.
func (b *Broker) every(interval time.Duration, fn func()) {
	defer b.wg.Done()
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-b.ctx.Done():
			return
		case <-t.C:
			fn()
		}
	}
}

// beat sends every stream a heartbeat, so that proxies do not close a
// stream that has had nothing to say: one ticker for all the streams, where
// each stream's own cost it a timer and a fourth channel to wait on. A
// stream with messages waiting gets none (they keep it alive), so a
// heartbeat takes at most one place in its buffer.
func (b *Broker) beat() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, h := range b.hubs {
		for s := range h.streams {
			if len(s.out) == 0 {
				select {
				case s.out <- heartbeat:
				default:
				}
			}
		}
	}
}

// poll reads the versions of the sessions with open streams, and treats a
// newer one (written by another process) like a Notify.
func (b *Broker) poll() {
	b.mu.Lock()
	ids := slices.Collect(maps.Keys(b.hubs))
	b.mu.Unlock()
	if len(ids) == 0 {
		return
	}
	versions, err := b.src.Versions(b.ctx, ids)
	if err != nil {
		if b.ctx.Err() == nil {
			b.cfg.Log.Warn("live: poll versions", "err", err)
		}
		return
	}
	for id, v := range versions {
		b.Notify(id, v)
	}
}
