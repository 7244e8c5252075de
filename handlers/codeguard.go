package handlers

import (
	"container/list"
	"context"
	"math"
	"sync"
	"time"
)

// codeGuard counts, per client address, the join codes that named no
// session, so that nobody can walk the 31^4 codes to find an open night.
// Each address has a free allowance of wrong codes, forgiven one at a time
// as time passes. Past the allowance, each wrong code shuts the address out
// of code look-ups for a while: a second, then twice as long with each
// further wrong code, up to a ceiling. A bar of phones behind one address
// making the odd typo stays inside the allowance; a script is down to about
// one try per forgiveness interval.
//
// It remembers at most max addresses, dropping the one whose last wrong
// code is oldest (the most forgiven), so many addresses cannot grow it
// without bound.
type codeGuard struct {
	free    float64       // wrong codes an address may make with no wait
	forgive time.Duration // one wrong code is forgiven each forgive
	max     int
	now     func() time.Time

	mu      sync.Mutex
	entries map[string]*list.Element // of *codeStrikes
	order   *list.List               // most recent wrong code first
}

// codeStrikes is one address's record.
type codeStrikes struct {
	addr     string
	score    float64   // wrong codes not yet forgiven, as of at
	at       time.Time // when score was last brought up to date
	until    time.Time // no code look-ups before this
	inFlight int       // look-ups under way
	// idle, when someone waits for a look-up under way to end, is closed
	// (and cleared) as one ends or the record is dropped.
	idle chan struct{}
}

// The back-off past the allowance: firstBackoff, doubling with each further
// wrong code up to maxBackoff. Small at first, so a bar that strays just
// past the allowance waits seconds, not minutes.
const (
	firstBackoff = time.Second
	maxBackoff   = 15 * time.Minute
)

// codeGuardAddresses is how many addresses the guard remembers: a few
// megabytes at most.
const codeGuardAddresses = 10_000

// newCodeGuard returns the guard for a rate of wrong codes: rate.Requests
// free, one forgiven each rate.Window/rate.Requests. The zero Rate guards
// nothing (nil).
func newCodeGuard(rate Rate, now func() time.Time) *codeGuard {
	if rate.Requests <= 0 {
		return nil
	}
	return &codeGuard{
		free:    float64(rate.Requests),
		forgive: rate.Window / time.Duration(rate.Requests),
		max:     codeGuardAddresses,
		now:     now,
		entries: map[string]*list.Element{},
		order:   list.New(),
	}
}

// begin asks to look up a code for addr. It returns how long to wait when
// the address is shut out; otherwise the look-up may go ahead and its
// caller must call end with the outcome. Look-ups under way count against
// the allowance as if they had failed: once they could use it up, the next
// look-up waits here for them to end (and for the back-off they may bring),
// so a burst of wrong codes sent at once gets no further than one sent
// after another, while a bar's phones loading the right code together are
// only queued for a moment, never refused. A look-up whose request ends
// while it waits is refused.
func (g *codeGuard) begin(ctx context.Context, addr string) time.Duration {
	if g == nil {
		return 0
	}
	for {
		g.mu.Lock()
		now := g.now()
		e := g.entry(addr, now)
		if wait := e.until.Sub(now); wait > 0 {
			g.mu.Unlock()
			return wait
		}
		if e.inFlight == 0 || e.score+float64(e.inFlight) < g.free {
			e.inFlight++
			g.mu.Unlock()
			return 0
		}
		if e.idle == nil {
			e.idle = make(chan struct{})
		}
		idle := e.idle
		g.mu.Unlock()
		select {
		case <-idle:
		case <-ctx.Done():
			return firstBackoff
		}
	}
}

// wake lets those waiting in begin for e's look-ups try again.
func (e *codeStrikes) wake() {
	if e.idle != nil {
		close(e.idle)
		e.idle = nil
	}
}

// end records a look-up begin allowed: wrong when the code named no session.
func (g *codeGuard) end(addr string, wrong bool) {
	if g == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	now := g.now()
	el, ok := g.entries[addr]
	if !ok {
		if !wrong {
			return
		}
		el = g.add(addr, now) // dropped while under way: start again
	}
	e := el.Value.(*codeStrikes)
	e.inFlight = max(0, e.inFlight-1)
	e.wake()
	if !wrong {
		if e.score == 0 && e.inFlight == 0 && !e.until.After(now) {
			g.remove(el) // nothing to remember
		}
		return
	}
	g.forgiveSince(e, now)
	e.score++
	if over := e.score - g.free; over > 0 {
		e.until = now.Add(backoff(int(math.Ceil(over))))
	}
	g.order.MoveToFront(el)
}

// backoff is the wait after the nth wrong code past the allowance.
func backoff(n int) time.Duration {
	if n > 20 {
		return maxBackoff
	}
	return min(firstBackoff<<(n-1), maxBackoff)
}

// entry returns addr's record, brought up to date, adding it if need be.
func (g *codeGuard) entry(addr string, now time.Time) *codeStrikes {
	el, ok := g.entries[addr]
	if !ok {
		el = g.add(addr, now)
	}
	e := el.Value.(*codeStrikes)
	g.forgiveSince(e, now)
	return e
}

func (g *codeGuard) add(addr string, now time.Time) *list.Element {
	for len(g.entries) >= g.max {
		g.remove(g.order.Back())
	}
	el := g.order.PushFront(&codeStrikes{addr: addr, at: now})
	g.entries[addr] = el
	return el
}

func (g *codeGuard) remove(el *list.Element) {
	e := el.Value.(*codeStrikes)
	e.wake()
	delete(g.entries, e.addr)
	g.order.Remove(el)
}

// forgiveSince takes off the score what the time since it was last brought
// up to date forgives.
func (g *codeGuard) forgiveSince(e *codeStrikes, now time.Time) {
	if elapsed := now.Sub(e.at); elapsed > 0 {
		e.score = max(0, e.score-float64(elapsed)/float64(g.forgive))
		e.at = now
	}
}
