package db

import (
	"sync"
	"time"
)

// The Nights the store keeps (see Store.Night), and the writes that change
// one in place instead of having it read again (nightpatch.go).

// maxCachedNights bounds the Nights kept; past it the cache starts afresh.
const maxCachedNights = 1024

// maxPendingPatches bounds the patches kept for a version the cache has
// not reached yet; past it they are dropped (the Night is read again).
const maxPendingPatches = 256

// nightCache is each session's last loaded Night.
type nightCache struct {
	mu sync.RWMutex
	m  map[int64]Night
	// pending are patches that arrived before the patch (or the read) of
	// the version before theirs: the writes of one group commit together
	// and report in any order.
	pending map[versionOf]nightPatch
	// unreported are the versions whose writes are committing or have
	// committed and not yet told the cache (report), and told is closed
	// and replaced at each report, for a reader waiting on them.
	unreported map[versionOf]struct{}
	told       chan struct{}
}

// patchWait bounds how long a reader waits for the writes that made the
// version it read to report, before it reads the Night itself; they report
// as soon as their group has committed, so this is only a backstop.
const patchWait = 20 * time.Millisecond

// versionOf names one version of one session.
type versionOf struct{ session, version int64 }

// nightPatch turns a session's Night at the version before a write into
// the Night at the write's version (the caller sets Session.Version),
// without changing the Night it is given, which is shared.
type nightPatch func(Night) Night

func (c *nightCache) get(id int64) (Night, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	n, ok := c.m[id]
	return n, ok
}

func (c *nightCache) put(n Night) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedNights {
		c.m = map[int64]Night{}
	}
	// A slower reader must not replace a newer Night with an older one.
	if old, ok := c.m[n.Session.ID]; !ok || old.Session.Version <= n.Session.Version {
		c.m[n.Session.ID] = n
		c.applyPending(n.Session.ID)
	}
}

// committing notes, inside a write's transaction, the version it gives
// the session; the write reports once it has committed or failed.
func (c *nightCache) committing(id, version int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.unreported == nil {
		c.unreported = map[versionOf]struct{}{}
	}
	c.unreported[versionOf{id, version}] = struct{}{}
}

// report is told by the write that made version of a session, once it
// has committed (its patch, or nil when it has none) or failed (nil,
// and failed true). A patch is applied to the cached Night when that
// Night is the version before; one that comes early waits for it.
func (c *nightCache) report(id, version int64, p nightPatch, failed bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.unreported, versionOf{id, version})
	if c.told != nil {
		close(c.told)
		c.told = nil
	}
	n, ok := c.m[id]
	if failed || p == nil || !ok || n.Session.Version >= version {
		return
	}
	if c.pending == nil || len(c.pending) >= maxPendingPatches {
		c.pending = map[versionOf]nightPatch{}
	}
	c.pending[versionOf{id, version}] = p
	c.applyPending(id)
}

// current returns the cached Night of the session at version or a later
// one (writes committed since it was read), waiting (up to patchWait) while
// writes that made versions up to it have committed without reporting
// yet; false when the Night must be read.
func (c *nightCache) current(id, version int64) (Night, bool) {
	deadline := time.Now().Add(patchWait)
	for {
		c.mu.Lock()
		n, ok := c.m[id]
		if ok && n.Session.Version >= version {
			c.mu.Unlock()
			return n, true
		}
		waiting := false
		for k := range c.unreported {
			waiting = waiting || k.session == id && k.version <= version
		}
		if !ok || !waiting {
			c.mu.Unlock()
			return Night{}, false
		}
		if c.told == nil {
			c.told = make(chan struct{})
		}
		told := c.told
		c.mu.Unlock()
		left := time.Until(deadline)
		if left <= 0 {
			return Night{}, false
		}
		timer := time.NewTimer(left)
		select {
		case <-told:
		case <-timer.C:
		}
		timer.Stop()
	}
}

// applyPending applies the waiting patches that follow the session's
// cached Night, in order, and drops those it has passed.
func (c *nightCache) applyPending(id int64) {
	n, ok := c.m[id]
	if !ok || len(c.pending) == 0 {
		return
	}
	for {
		next := versionOf{id, n.Session.Version + 1}
		p, ok := c.pending[next]
		if !ok {
			break
		}
		delete(c.pending, next)
		n = p(n)
		n.Session.Version = next.version
	}
	c.m[id] = n
	for k := range c.pending {
		if k.session == id && k.version <= n.Session.Version {
			delete(c.pending, k)
		}
	}
}

func (c *nightCache) forget(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
}
