package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Night is one consistent picture of a session: who is singing, the queue in
// order, and the figures the wait estimates use (see estimates.go).
type Night struct {
	Session    Session
	NowSinging *Request // nil when nobody is singing
	// TurnLength is how long a turn takes, from Start next to its end.
	TurnLength  time.Duration
	MeasuredAvg bool // TurnLength is from the session's own turns, not only the default
	// Changeover is the time between one turn's end and the next one's start.
	Changeover         time.Duration
	MeasuredChangeover bool // Changeover is the session's own, not the default
	// Pending are the requests held for the host's OK, oldest first, and
	// Declined those the host passed on, newest first (approval.go).
	Pending  []HeldRequest
	Declined []HeldRequest
	// Actions are the host's latest actions, newest first (RecentActions of
	// them), and Undo what the dashboard's Undo offers.
	Actions []HostAction
	Undo    UndoOffer
	// GuestNotices is, by guest, the host's latest action on their songs.
	GuestNotices map[int64]HostAction
	// Standby is, by guest, their standby list in order, and Moved their
	// songs that moved from it and still wait, latest first (standby.go).
	Standby, Moved map[int64][]StandbySong
	// Holds are the guests on hold, by guest, and HoldLapses the holds that
	// ran out (holds.go).
	Holds      map[int64]Hold
	HoldLapses map[int64]HoldLapse
	// rot is the rotation as placement reads it (forecast.go); its queue
	// is the waiting requests, first to sing first (Queue).
	rot rotation
}

// Queue is the waiting requests, first to sing first; shared, made once
// for each version of the queue. A page that shows only part of the queue
// reads it by QueueLen, QueueAt and SongsOf instead, which cost the same
// whatever its length.
func (n Night) Queue() []Request { return n.rot.queue.requests() }

// QueueLen is how many requests wait.
func (n Night) QueueLen() int { return n.rot.queue.len() }

// QueueAt is the i-th waiting request (0-based).
func (n Night) QueueAt(i int) Request { return n.rot.queue.at(i).req }

// SongsOf is the indexes in the queue of the guest's waiting requests, in
// order, found through an index by guest.
func (n Night) SongsOf(guestID int64) []int { return n.rot.queue.songsOf(guestID) }

// RecentActions is how many of the host's latest actions a Night holds.
const RecentActions = 10

// Night returns the current state of a session, read from one snapshot.
// The Night and everything it points to are shared: callers must not change
// them. Errors: ENOTFOUND.
//
// Every write to a session bumps its version in the same transaction, so a
// Night loaded at the version the session has now is still true: the store
// keeps each session's last Night and, when the version has not moved,
// answers with it after one indexed look-up instead of four queries. Writes
// by another process on the same file bump the version too. The version
// is not read again when the kept look-ups know it within versionFresh (a
// look-up's read, or this store's own patched write, such as the request
// the caller has just made), by the look-ups' own rule.
func (s *Store) Night(ctx context.Context, sessionID int64) (Night, error) {
	if v, ok := s.lookups.freshVersion(sessionID, s.Now()); ok {
		if n, ok := s.nights.current(sessionID, v); ok && n.Session.Version == v {
			return n, nil
		}
	}
	var version int64
	err := s.read.QueryRowContext(ctx, `SELECT version FROM sessions WHERE id = ?`, sessionID).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		s.nights.forget(sessionID)
		return Night{}, Errorf(ENOTFOUND, "There is no such session.")
	}
	if err != nil {
		return Night{}, fmt.Errorf("session version: %w", err)
	}
	if n, ok := s.nights.current(sessionID, version); ok {
		if n.Session.Version == version {
			return n, nil
		}
		// Newer than the version read: writes committed meanwhile. It is
		// served if the database has reached it too, since a restored file
		// may have moved the session's version back.
		var now int64
		err := s.read.QueryRowContext(ctx, `SELECT version FROM sessions WHERE id = ?`, sessionID).Scan(&now)
		if err == nil && now >= n.Session.Version {
			return n, nil
		}
	}
	n, err := s.loadNight(ctx, sessionID)
	if err == nil {
		s.nights.put(n)
	}
	return n, err
}

// NightAt is Night for a caller that has just looked up the session
// (SessionByCode, SessionByToken) and has written nothing since: the Night
// kept at sess.Version answers without another read of the version, which
// that look-up has just made (or, within versionFresh, trusted). Otherwise
// it is Night. Errors: ENOTFOUND.
func (s *Store) NightAt(ctx context.Context, sess Session) (Night, error) {
	if n, ok := s.nights.current(sess.ID, sess.Version); ok && n.Session.Version == sess.Version {
		return n, nil
	}
	return s.Night(ctx, sess.ID)
}

// loadNight reads a session's Night from the database.
func (s *Store) loadNight(ctx context.Context, sessionID int64) (Night, error) {
	var n Night
	err := s.inRead(readAhead(ctx, "night", sessionID), func(tx *sql.Tx) error {
		var err error
		if n.Session, err = getSession(ctx, tx, sessionID); err != nil {
			return err
		}
		singing, err := scanRequest(tx.QueryRowContext(ctx, `SELECT `+requestColumns+`
			FROM requests r JOIN guests g ON g.id = r.guest_id
			WHERE r.session_id = ? AND r.status = 'singing' AND r.ended_at IS NULL`, sessionID))
		switch {
		case err == nil:
			n.NowSinging = &singing
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("now singing: %w", err)
		}
		if err := loadHeld(ctx, tx, &n); err != nil {
			return err
		}
		if err := loadStandby(ctx, tx, &n); err != nil {
			return err
		}
		if err := loadHolds(ctx, tx, &n); err != nil {
			return err
		}
		if err := loadRotation(ctx, tx, &n); err != nil {
			return err
		}
		if n.Actions, n.Undo, err = recentActions(ctx, tx, sessionID, RecentActions); err != nil {
			return err
		}
		if n.GuestNotices, err = guestNotices(ctx, tx, sessionID); err != nil {
			return err
		}
		return measureTurns(ctx, tx, &n)
	})
	return n, err
}
