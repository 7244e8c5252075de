package live

import (
	"bytes"
	"maps"
	"slices"
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
