package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// The sessions found by code or join token, and the guests found by
// device, that the store keeps (see SessionByCode, SessionByToken,
// GuestAt). Each is kept as read at a session version and served only
// while the session is still at it: the rule Night keeps, since every
// write that changes a session or its guests moves the version (a guest
// removed, a night ended). A kept entry saves the guest page and the TV
// reading whole rows on every load: one indexed read of the version
// answers instead.

// maxKeptLookups bounds each map; past it the map starts afresh.
const maxKeptLookups = 4096

// versionFresh is how long a read of a kept session's version answers for
// the look-ups after it without another read. This store's own writes
// drop the kept session at once (forget); only a write by another process
// on the file (an operator's command, a second server) can go unseen, for
// at most this long: less than any browser takes to send one request
// after another, and a page under load asks thousands of times a second.
const versionFresh = time.Millisecond

// lookupCache is the store's kept look-ups.
type lookupCache struct {
	// mu is read-locked by every look-up, which most pages begin with, so
	// they do not queue behind one another (the mutex profile under wrk
	// showed them doing so); a write locks it whole.
	mu sync.RWMutex
	// keys are by "c"+code (an open session only: while it is at the
	// version read it is still open, and so still the one its code names)
	// and by "t"+join token (a token names one session for good); each
	// names a session in sessions, by id, as last read.
	keys     map[string]int64
	sessions map[int64]sessionRead
	guests   map[deviceOf]keptGuest
	// same is, by session, the latest run of versions between which
	// nothing but patched writes of this store came (see committed): no
	// guest changed, so a guest kept at one of them is the guest at any.
	same map[int64]versionRun
}

// versionRun is the versions from through to of one session.
type versionRun struct{ from, to int64 }

func (r versionRun) holds(v int64) bool { return r.from <= v && v <= r.to }

// sessionRead is a session as read, and when its version was last found
// unmoved (see versionFresh).
type sessionRead struct {
	sess    Session
	checked time.Time
	// moved marks what forget leaves: no session, only the version this
	// store's write moved it to, so that no read begun before is kept.
	moved bool
}

// fresh reports whether the read's version was found current within
// versionFresh of now, so it answers without another read.
func (r sessionRead) fresh(now time.Time) bool { return now.Sub(r.checked) < versionFresh }

// deviceOf names a device's guest in one session, by the hash of its token.
type deviceOf struct {
	session int64
	device  [32]byte
}

// keptGuest is a guest as read at the session's version.
type keptGuest struct {
	guest   Guest
	version int64
}

func (c *lookupCache) session(key string) (sessionRead, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	read, ok := c.sessions[c.keys[key]]
	return read, ok && !read.moved
}

// freshVersion is the version of the session id as last read or written
// by this store, when that was within versionFresh of now (see
// keptSession).
func (c *lookupCache) freshVersion(id int64, now time.Time) (int64, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	read, ok := c.sessions[id]
	return read.sess.Version, ok && !read.moved && read.fresh(now)
}

// confirm records that sess's version was still current when a read that
// began at checked found it, unless the kept session has moved on since.
func (c *lookupCache) confirm(sess Session, checked time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if read, ok := c.sessions[sess.ID]; ok && !read.moved && read.sess.Version == sess.Version && checked.After(read.checked) {
		c.sessions[sess.ID] = sessionRead{sess: read.sess, checked: checked}
	}
}

// keepSession keeps sess, read by a read that began at read.
func (c *lookupCache) keepSession(key string, sess Session, read time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil || len(c.keys) >= maxKeptLookups || len(c.sessions) >= maxKeptLookups {
		c.keys, c.sessions = map[string]int64{}, map[int64]sessionRead{}
	}
	c.keys[key] = sess.ID
	// A slower reader must not put back an older read.
	old, ok := c.sessions[sess.ID]
	switch {
	case !ok || old.sess.Version < sess.Version || old.moved && old.sess.Version == sess.Version:
		c.sessions[sess.ID] = sessionRead{sess: sess, checked: read}
	case old.sess.Version == sess.Version:
		if old.checked.After(read) {
			read = old.checked
		}
		c.sessions[sess.ID] = sessionRead{sess: sess, checked: read}
	}
}

// committed is told of each write of this store to a session, as soon as
// it has committed version (0: the write failed). A read begun before it
// is never kept after it.
//
// A patched write (inPatchedWrite: a guest's request or withdrawal, a
// host's turn) changes requests only, and of the session its version, so
// what was kept at the version before is true at this one: the session,
// kept at version and fresh as a read now would be, and the guests, whose
// run of unchanged versions grows (see GuestAt). After any other write the
// next look-up reads the session whole at once, without first reading the
// version to learn that it moved.
func (c *lookupCache) committed(id, version int64, patched bool, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version == 0 || c.sessions == nil {
		delete(c.sessions, id)
		return
	}
	if c.same == nil || len(c.same) >= maxKeptLookups {
		c.same = map[int64]versionRun{}
	}
	old, ok := c.sessions[id]
	if !patched {
		c.same[id] = versionRun{version, version}
		c.sessions[id] = sessionRead{sess: Session{ID: id, Version: version}, moved: true}
		return
	}
	// The write began from version-1, whatever wrote that.
	if run := c.same[id]; run.to == version-1 && run.to != 0 {
		c.same[id] = versionRun{run.from, version}
	} else {
		c.same[id] = versionRun{version - 1, version}
	}
	if ok && !old.moved && old.sess.Version == version-1 {
		old.sess.Version = version
		c.sessions[id] = sessionRead{sess: old.sess, checked: now}
		return
	}
	c.sessions[id] = sessionRead{sess: Session{ID: id, Version: version}, moved: true}
}

// guest is the guest kept for d when it is still the guest at version:
// read at it, or at a version of the same run (see committed).
func (c *lookupCache) guest(d deviceOf, version int64) (Guest, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	k, ok := c.guests[d]
	if !ok {
		return Guest{}, false
	}
	run := c.same[d.session]
	return k.guest, k.version == version || run.holds(k.version) && run.holds(version)
}

func (c *lookupCache) keepGuest(d deviceOf, g Guest, version int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.guests == nil || len(c.guests) >= maxKeptLookups {
		c.guests = map[deviceOf]keptGuest{}
	}
	if old, ok := c.guests[d]; !ok || old.version <= version {
		c.guests[d] = keptGuest{g, version}
	}
}

// keptSession returns the session kept under key when the session is
// still at the version it was read at: one read of the version, or none
// within versionFresh of the last. By code, only an open session answers
// (see lookupCache.keys).
func (s *Store) keptSession(ctx context.Context, key string) (Session, bool) {
	read, ok := s.lookups.session(key)
	sess := read.sess
	if !ok || key[0] == 'c' && !sess.Open() {
		return Session{}, false
	}
	now := s.Now()
	if read.fresh(now) {
		return sess, true
	}
	var version int64
	// Without the request's cancellation: database/sql would start a
	// goroutine to watch it for each read, which costs more than this
	// one-row read does.
	err := s.read.QueryRowContext(context.WithoutCancel(ctx), `SELECT version FROM sessions WHERE id = ?`, sess.ID).Scan(&version)
	if err != nil || version != sess.Version {
		// Moved on, gone, or unknown: read it whole.
		return Session{}, false
	}
	s.lookups.confirm(sess, now)
	return sess, true
}

// GuestAt returns the guest that the device joined sess as, as of
// sess.Version, which the caller has just read (sess is from
// SessionByCode or SessionByToken): a guest read at that version, or at
// one this store's patched writes alone have led from, is kept and
// answers again without a read. Errors: ENOTFOUND when the device has not
// joined the session.
func (s *Store) GuestAt(ctx context.Context, sess Session, deviceToken string) (Guest, error) {
	if deviceToken == "" {
		return Guest{}, Errorf(ENOTFOUND, "You have not joined this session yet.")
	}
	d := deviceOf{session: sess.ID, device: [32]byte(hashToken(deviceToken))}
	if g, ok := s.lookups.guest(d, sess.Version); ok {
		return g, nil
	}
	// The guest and the version they are true at, in one statement, so
	// from one snapshot.
	var version int64
	g, err := scanGuest(s.read.QueryRowContext(ctx,
		`SELECT `+guestColumns+`, (SELECT version FROM sessions WHERE id = ?)
		FROM guests WHERE session_id = ? AND device_hash = ?`,
		sess.ID, sess.ID, d.device[:]), &version)
	if errors.Is(err, sql.ErrNoRows) {
		return Guest{}, Errorf(ENOTFOUND, "You have not joined this session yet.")
	}
	if err != nil {
		return Guest{}, fmt.Errorf("get guest: %w", err)
	}
	s.lookups.keepGuest(d, g, version)
	return g, nil
}

// SessionByToken returns the session, open or ended, whose join link
// carries token. The session found is kept, as SessionByCode keeps one.
// Errors: ENOTFOUND, also when token is not one.
func (s *Store) SessionByToken(ctx context.Context, token string) (Session, error) {
	if !IsJoinToken(token) {
		return Session{}, Errorf(ENOTFOUND, "There is no session at this link. Check the code on the screen.")
	}
	if sess, ok := s.keptSession(ctx, "t"+token); ok {
		return sess, nil
	}
	read := s.Now()
	sess, err := scanSession(s.read.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE join_token = ?`, token))
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, Errorf(ENOTFOUND, "There is no session at this link. Check the code on the screen.")
	}
	if err != nil {
		return Session{}, fmt.Errorf("get session by token: %w", err)
	}
	s.lookups.keepSession("t"+token, sess, read)
	return sess, nil
}
