package live

import (
	"bytes"
	"maps"
	"slices"
	"sync"
)

// Publish sends the streams of one page of a session an event that is no
// part of the session's state, such as how far an import has come: it has
// no version, so a Notify neither resends nor replaces it. Each stream gets
// the latest event published under a name (a burst costs the streams one
// send, not one each), and a stream that opens later gets it too, until the
// session has no streams left. It never blocks on a client.
func (b *Broker) Publish(sessionID int64, page string, e Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	h := b.hubs[sessionID]
	if h == nil || b.closed {
		return // nobody is looking
	}
	if h.extras == nil {
		h.extras = map[string]map[string]Event{}
	}
	if h.extras[page] == nil {
		h.extras[page] = map[string]Event{}
	}
	h.extras[page][e.Name] = e
	h.news = true
	b.kick(h)
}

// published is a copy of the hub's published events, by page, for its
// worker to send without holding the Broker's lock. Call with mu held.
func (h *hub) published() map[string][]Event {
	if len(h.extras) == 0 {
		return nil
	}
	out := make(map[string][]Event, len(h.extras))
	for page, events := range h.extras {
		for _, name := range slices.Sorted(maps.Keys(events)) {
			out[page] = append(out[page], events[name])
		}
	}
	return out
}

// NewUnversionedEvent is NewEvent for Publish: an event with no id, so that
// a browser reconnecting still names the version its page shows.
func NewUnversionedEvent(name string, html []byte) Event {
	e := NewEvent(0, name, html)
	e.wire = bytes.TrimPrefix(e.wire, []byte("id: 0\n"))
	return e
}

// targets are the streams a refresh sends to: every one after a change of
// the session; after a Publish alone, those of the pages it was for; new
// streams always. Call with mu held.
func (h *hub) targets(dirty, news bool, fresh []*stream, extras map[string][]Event) []*stream {
	if dirty {
		return slices.Collect(maps.Keys(h.streams))
	}
	targets := fresh
	if news {
		for s := range h.streams {
			// A stream not started yet is among the new ones.
			if s.started && len(extras[s.Page]) > 0 {
				targets = append(targets, s)
			}
		}
	}
	return targets
}

// latest holds the published events a stream has yet to write, the latest
// of each name: a client slower than a burst of publications gets the
// newest, never a backlog, and never falls behind on the frames for it.
type latest struct {
	mu     sync.Mutex
	events map[string][]byte // wire, by event name
	ready  chan struct{}     // has a value while events may hold something
}

func newLatest() latest { return latest{ready: make(chan struct{}, 1)} }

// put keeps wire as the latest event named name, in place of any not yet
// written.
func (l *latest) put(name string, wire []byte) {
	l.mu.Lock()
	if l.events == nil {
		l.events = map[string][]byte{}
	}
	l.events[name] = wire
	l.mu.Unlock()
	select {
	case l.ready <- struct{}{}:
	default: // already told
	}
}

// take returns the events waiting, in the order of their names, and
// forgets them.
func (l *latest) take() [][]byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out [][]byte
	for _, name := range slices.Sorted(maps.Keys(l.events)) {
		out = append(out, l.events[name])
	}
	clear(l.events)
	return out
}
