package db

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// Hold my spot. A guest who steps out puts themselves on hold
// (guests.hold_since). While they are on hold, Start next takes the first
// waiting song of a singer who is here (nextHereQuery): the held singer's
// songs are passed over where they stand, so the one whose turn came stays
// at the head of the line. "I'm back" (or the host's release) ends the hold
// and nothing moves: a song passed over is at the head and is sung next; a
// song whose turn has not come keeps its place. A hold lasts at most the
// session's hold_minutes; then the held singer's songs at the head of the
// line go to the back (expireHolds) and the guest is told.
//
// What "holding costs nobody else a turn" means here, precisely:
//   - While a singer is on hold, every other singer's songs are started in
//     the same order as without the hold, and each after no more turns
//     than without it: the held songs are only passed over, nothing of
//     anyone else's moves.
//   - When the held singer comes back, their passed-over songs are sung
//     next: ahead only of songs that stood behind them when the hold began.
//     Such a song then counts as a song of the round in progress (endHold),
//     and the round in progress ignores the songs of singers on hold
//     (placeRequest), so a request made during or after the hold is placed
//     as though the held songs had been sung on time, never ahead of
//     another singer's song it would have followed.
//   - A hold that runs out sends the passed-over songs to the back: others
//     only move up.
// holds_test.go checks each against the same night played without a hold.

// DefaultHoldMinutes is how long a hold lasts until the host changes it.
const DefaultHoldMinutes = 20

// MaxHoldMinutes bounds what a host may set a hold's length to.
const MaxHoldMinutes = 120

// nextHereQuery selects the first waiting request of a singer who is not
// on hold: the one Start next starts.
const nextHereQuery = `SELECT r.id FROM requests r JOIN guests g ON g.id = r.guest_id
	WHERE r.session_id = ? AND r.status = 'waiting' AND g.hold_since IS NULL
	ORDER BY r.position, r.id LIMIT 1`

// HoldSpot puts the guest on hold: their songs keep their places while Start
// next passes over them. Holding again while on hold changes nothing.
// Errors: ENOTFOUND when the guest is not in the session; ECONFLICT when the
// session has ended, the host removed the guest, or they have no song waiting.
func (s *Store) HoldSpot(ctx context.Context, sessionID, guestID int64) error {
	return s.inSessionWrite(ctx, sessionID, func(tx *sql.Tx) error {
		_, err := openGuest(ctx, tx, sessionID, guestID)
		if err != nil {
			return err
		}
		var waiting int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM requests WHERE guest_id = ? AND status = 'waiting'`, guestID).Scan(&waiting); err != nil {
			return fmt.Errorf("waiting songs: %w", err)
		}
		if waiting == 0 {
			return Errorf(ECONFLICT, "You have no song waiting, so there is no spot to hold.")
		}
		_, err = tx.ExecContext(ctx, `UPDATE guests SET hold_since = ?, hold_lapsed_at = NULL, hold_lapse_moved = 0
			WHERE id = ? AND hold_since IS NULL`, s.nowMillis(), guestID)
		return err
	})
}

// ImBack ends the guest's hold: a song of theirs passed over is at the head
// of the line and is sung next; one whose turn has not come keeps its place.
// Tapping it when not on hold (again, or after the hold ran out) changes
// nothing. Errors: ENOTFOUND; ECONFLICT when the session has ended.
func (s *Store) ImBack(ctx context.Context, sessionID, guestID int64) error {
	return s.inSessionWrite(ctx, sessionID, func(tx *sql.Tx) error {
		if _, err := openSession(ctx, tx, sessionID); err != nil {
			return err
		}
		if _, err := getGuestByID(ctx, tx, sessionID, guestID); err != nil {
			return err
		}
		return endHold(ctx, tx, sessionID, guestID, nil)
	})
}

// ReleaseHold is the host ending a guest's hold, as their "I'm back" would.
// Errors: ENOTFOUND; ECONFLICT when the session has ended or the guest is
// not on hold (they came back, or the hold ran out).
func (s *Store) ReleaseHold(ctx context.Context, sessionID, guestID int64) error {
	return s.inHostAction(ctx, sessionID, ActionReleaseHold, func(tx *sql.Tx, a *hostAction) error {
		if _, err := openSession(ctx, tx, sessionID); err != nil {
			return err
		}
		g, err := getGuestByID(ctx, tx, sessionID, guestID)
		if err != nil {
			return err
		}
		var held bool
		if err := tx.QueryRowContext(ctx, `SELECT hold_since IS NOT NULL FROM guests WHERE id = ?`, guestID).Scan(&held); err != nil {
			return fmt.Errorf("guest's hold: %w", err)
		}
		if !held {
			return Errorf(ECONFLICT, "%s is no longer on hold.", g.DisplayName())
		}
		a.touch("guests", guestID)
		a.say(fmt.Sprintf("Released %s's hold: on hold → in line", g.DisplayName()), guestID,
			"The host released your hold: you're back in the line.")
		return endHold(ctx, tx, sessionID, guestID, a)
	})
}

// queued is a waiting request as the holds see it.
type queued struct {
	id, guest int64
	held      bool
}

// headOnHold returns the waiting requests Start next passes over now, in
// queue order, with their guests: those ahead of the first song of a
// singer who is here. It reads only them (an index range up to that song),
// so Start next costs the same however long the queue.
func headOnHold(ctx context.Context, tx *sql.Tx, sessionID int64) ([]queued, error) {
	head, err := sqlitedb.Collect(ctx, tx, func(s sqlitedb.Scanner) (q queued, err error) {
		err = s.Scan(&q.id, &q.guest)
		q.held = true
		return q, err
	}, `WITH here (position, id) AS (
			SELECT r.position, r.id FROM requests r JOIN guests g ON g.id = r.guest_id
			WHERE r.session_id = ?1 AND r.status = 'waiting' AND g.hold_since IS NULL
			ORDER BY r.position, r.id LIMIT 1)
		SELECT r.id, r.guest_id FROM requests r
		WHERE r.session_id = ?1 AND r.status = 'waiting'
			AND r.position <= COALESCE((SELECT position FROM here), 1e308)
			AND NOT EXISTS (SELECT 1 FROM here WHERE r.position = here.position AND r.id >= here.id)
		ORDER BY r.position, r.id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("queue: %w", err)
	}
	return head, nil
}

// guestsSongs returns the ids of the guest's requests among head.
func guestsSongs(head []queued, guestID int64) []int64 {
	var ids []int64
	for _, q := range head {
		if q.guest == guestID {
			ids = append(ids, q.id)
		}
	}
	return ids
}

// endHold takes the guest off hold. Their songs passed over join the round
// in progress (as it stands without them), so a request made later is
// placed as if those songs had been sung on time. a, when not nil, is the
// host action that ends it, which notes the songs it changes.
func endHold(ctx context.Context, tx *sql.Tx, sessionID, guestID int64, a *hostAction) error {
	head, err := headOnHold(ctx, tx, sessionID)
	if err != nil {
		return err
	}
	passed := guestsSongs(head, guestID)
	if a != nil {
		a.touch("requests", passed...)
	}
	for _, id := range passed {
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET round = MAX(round, `+roundInProgress+`) WHERE id = ?`,
			sessionID, sessionID, sessionID, sessionID, id); err != nil {
			return fmt.Errorf("passed song's round: %w", err)
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE guests SET hold_since = NULL, hold_lapsed_at = NULL, hold_lapse_moved = 0
		WHERE id = ? AND hold_since IS NOT NULL`, guestID)
	return err
}

// roundInProgress is the round a singer new to the night joins: the
// earliest one still waiting among singers who are here, or else the one
// last started. Songs on hold are left out: their singer stepped out of the
// round, which goes on without them. It takes the session id four times
// (each part an index look-up, however long the night). It is
// rotation.current (forecast.go) in SQL, for a write of one song's round.
const roundInProgress = `COALESCE(
	(SELECT q.round FROM requests q JOIN guests qg ON qg.id = q.guest_id
	 WHERE q.session_id = ? AND q.status = 'waiting' AND qg.hold_since IS NULL ORDER BY q.round LIMIT 1),
	(SELECT MAX(m) FROM (
		SELECT MAX(round) AS m FROM requests WHERE session_id = ? AND status = 'singing'
		UNION ALL SELECT MAX(round) FROM requests WHERE session_id = ? AND status = 'done'
		UNION ALL SELECT MAX(round) FROM requests WHERE session_id = ? AND status = 'skipped')),
	0)`

// expireHolds ends every hold of the session that has run out by now: the
// held singer's songs that Start next passes over go to the back of the
// line, in their order, and the guest is told (hold_lapsed_at). It runs at
// the start of every write to the session (inSessionWrite), so the first
// write after the moment (Start next, a request, a tap) finds the holds as
// the clock says; the live streams' timer makes that write at the moment
// itself (ExpireHolds). Either way the result is the same. It returns
// whether it ended any hold.
func expireHolds(ctx context.Context, tx *sql.Tx, sessionID, now int64) (ended bool, err error) {
	expired, err := sqlitedb.Column[int64](ctx, tx, `SELECT g.id FROM guests g JOIN sessions s ON s.id = g.session_id
		WHERE g.session_id = ? AND g.hold_since IS NOT NULL AND s.ended_at IS NULL
		AND g.hold_since + s.hold_minutes * 60000 <= ? ORDER BY g.hold_since, g.id`, sessionID, now)
	if err != nil || len(expired) == 0 {
		return false, err
	}
	head, err := headOnHold(ctx, tx, sessionID)
	if err != nil {
		return true, err
	}
	for _, guestID := range expired {
		moved := guestsSongs(head, guestID)
		for _, id := range moved {
			if _, err := tx.ExecContext(ctx, `UPDATE requests SET
				position = (SELECT MAX(position) FROM requests WHERE session_id = ? AND status = 'waiting') + ?,
				round = (SELECT MAX(round) FROM requests WHERE session_id = ? AND status = 'waiting')
				WHERE id = ?`, sessionID, positionGap, sessionID, id); err != nil {
				return true, fmt.Errorf("held song to the back: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE guests SET hold_since = NULL, hold_lapsed_at = ?, hold_lapse_moved = ?
			WHERE id = ?`, now, len(moved), guestID); err != nil {
			return true, fmt.Errorf("end hold: %w", err)
		}
	}
	return true, nil
}

// ExpireHolds ends the session's holds that have run out by now (see
// expireHolds): the write the live streams make at the moment a hold runs
// out, so the line changes then and not at the next tap. When no hold has
// run out it writes nothing.
// Errors: ENOTFOUND.
func (s *Store) ExpireHolds(ctx context.Context, sessionID int64) error {
	n, err := s.Night(ctx, sessionID)
	if err != nil {
		return err
	}
	if !n.HoldExpired(s.Now()) || !n.Session.Open() {
		return nil
	}
	// inSessionWrite expires the holds before it runs fn.
	return s.inSessionWrite(ctx, sessionID, func(*sql.Tx) error { return nil })
}

// checkHoldMinutes refuses a hold length outside 1..MaxHoldMinutes.
func checkHoldMinutes(minutes int) error {
	if minutes < 1 || minutes > MaxHoldMinutes {
		return FieldErrorf(EINVALID, "hold_minutes", "A hold must last from 1 to %d minutes.", MaxHoldMinutes)
	}
	return nil
}

// passedOverNote is what the log adds to a Start next that passes over
// singers on hold: " (passed over Ann, on hold)"; "" for none.
func passedOverNote(ctx context.Context, tx *sql.Tx, sessionID int64) (string, error) {
	head, err := headOnHold(ctx, tx, sessionID)
	if err != nil || len(head) == 0 {
		return "", err
	}
	var names []string
	for _, q := range head {
		g, err := getGuestByID(ctx, tx, sessionID, q.guest)
		if err != nil {
			return "", err
		}
		if !slices.Contains(names, g.DisplayName()) {
			names = append(names, g.DisplayName())
		}
	}
	return " (passed over " + strings.Join(names, ", ") + ", on hold)", nil
}
