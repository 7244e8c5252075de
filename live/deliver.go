package live

import "slices"

// deliver sends a stream the fragments of frame, and those published for
// its page, that differ from what it last sent it, without ever waiting for
// the client. A stream too far behind on frames is dropped (it reconnects
// and gets the current state); what was published is only ever replaced.
func (b *Broker) deliver(frame Frame, s *stream, extras []Event) {
	events, err := frame.Events(s.Listener)
	if err != nil {
		b.cfg.Log.Error("live: render", "session", s.SessionID, "page", s.Page, "err", err)
		b.drop(s)
		return
	}
	// A page rendered at this version shows its fragments, but never what
	// was published (that is sent all the same), nor what the clock has
	// changed since.
	uptodate := !s.started && s.known == frame.Version() && !clockChanged(frame)
	s.started = true
	var parts [][]byte
	all := slices.Concat(events, extras)
	for i, e := range all {
		if prev, ok := s.last[e.Name]; ok && prev == e.sum {
			continue
		}
		s.last[e.Name] = e.sum
		switch {
		case i >= len(events):
			// Published: it waits beside the frames as the latest of its
			// name, so a burst never fills the buffer and drops the stream.
			s.published.put(e.Name, e.wire)
		case !uptodate:
			parts = append(parts, e.wire)
		}
	}
	// What was published stays remembered too: sending a bar again that
	// the page already shows would swap it a moment before the next one,
	// which htmx can miss while it sets up the swapped element.
	forgetGone(s.last, all)
	final := frame.Ended()
	if final {
		parts = append(parts, endedWire)
	}
	if len(parts) == 0 {
		return
	}
	select {
	case s.out <- message{parts: parts, final: final}:
	default:
		b.drop(s) // too far behind: it reconnects and gets the current state
	}
}
