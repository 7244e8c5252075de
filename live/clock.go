package live

import "time"

// Clocked is a Frame whose look changes with the clock too, not only with
// its version: a night's last call starts at a minute no write marks. The
// Broker loads a new frame at next, and sends every stream what changed.
type Clocked interface {
	Frame
	// ClockChange returns the next moment the frame's look changes by the
	// clock alone (zero for none), and whether the clock has changed it
	// already: a page rendered at the same version earlier may not show
	// it, so a new stream is sent the frame even when its version matches.
	ClockChange() (next time.Time, changed bool)
}

// setAlarm arms the hub's timer for the next moment the clock changes the
// frame's look, replacing the one armed for the hub's previous frame.
func (b *Broker) setAlarm(h *hub, f Frame) {
	var next time.Time
	if c, ok := f.(Clocked); ok {
		next, _ = c.ClockChange()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	h.stopAlarm()
	if next.IsZero() || b.closed {
		return
	}
	h.timer = time.AfterFunc(time.Until(next), func() { b.ring(h) })
}

// ring is a hub's timer going off: the hub loads its frame again and sends
// every stream what the clock changed, as a write would.
func (b *Broker) ring(h *hub) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed || b.hubs[h.id] != h {
		return // the hub's streams have all gone
	}
	h.timer = nil
	h.dirty, h.tick = true, true
	b.kick(h)
}

// clockChanged reports whether the clock has changed frame's look since its
// version was written.
func clockChanged(frame Frame) bool {
	c, ok := frame.(Clocked)
	if !ok {
		return false
	}
	_, changed := c.ClockChange()
	return changed
}

// stopAlarm stops the hub's timer, if armed. Call with the Broker's mu held.
func (h *hub) stopAlarm() {
	if h.timer != nil {
		h.timer.Stop()
		h.timer = nil
	}
}
