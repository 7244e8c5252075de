package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

const guestColumns = `id, session_id, name, name_ordinal, joined_at, removed_at, added_by_host`

// scanGuest reads a row of guestColumns, and then the columns of more.
func scanGuest(row sqlitedb.Scanner, more ...any) (Guest, error) {
	var (
		g       Guest
		joined  int64
		removed sql.NullInt64
	)
	if err := row.Scan(append([]any{&g.ID, &g.SessionID, &g.Name, &g.Ordinal, &joined, &removed, &g.AddedByHost}, more...)...); err != nil {
		return Guest{}, err
	}
	g.JoinedAt = fromMillis(joined)
	if removed.Valid {
		g.RemovedAt = fromMillis(removed.Int64)
	}
	return g, nil
}

// JoinSession makes the device a guest of an open session under a singer
// name. A device that already joined keeps its guest and takes the new name.
// Two guests may give the same name; the later one gets the next ordinal.
// Only a token the server signed (NewDeviceToken) makes a new guest; one
// from before signing can only rename the guest it already is.
// Errors: EINVALID for a bad name, ENOTFOUND, ECONFLICT when the session
// has ended, is closed to new guests, or the host removed this device's
// guest; ErrUnsignedDevice (wrapped) for a new guest with an unsigned token.
func (s *Store) JoinSession(ctx context.Context, sessionID int64, deviceToken, name string) (Guest, error) {
	name = CleanText(name)
	if err := checkLength("name", "singer name", name, 1, MaxSingerName); err != nil {
		return Guest{}, err
	}
	if deviceToken == "" {
		return Guest{}, fmt.Errorf("join session: empty device token")
	}
	key := foldKey(name)
	signed := s.DeviceTokenSigned(ctx, deviceToken)
	var g Guest
	err := s.inSessionWrite(ctx, sessionID, func(tx *sql.Tx) error {
		sess, err := openSession(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		existing, err := getGuest(ctx, tx, sessionID, deviceToken)
		switch {
		case err == nil && existing.Removed():
			return FieldErrorf(ECONFLICT, "name", "The host has removed this phone from the session, so it cannot join again.")
		case err == nil && foldKey(existing.Name) == key:
			// The same name again (perhaps re-cased): keep the ordinal.
			g, err = scanGuest(tx.QueryRowContext(ctx,
				`UPDATE guests SET name = ? WHERE id = ? RETURNING `+guestColumns, name, existing.ID))
			return err
		case err == nil:
			g, err = scanGuest(tx.QueryRowContext(ctx,
				`UPDATE guests SET name = ?, name_key = ?, name_ordinal = (
					SELECT COALESCE(MAX(name_ordinal), 0) + 1 FROM guests WHERE session_id = ? AND name_key = ?)
				WHERE id = ? RETURNING `+guestColumns, name, key, sessionID, key, existing.ID))
			return err
		case ErrorCode(err) != ENOTFOUND:
			return err
		case sess.JoiningLocked:
			return FieldErrorf(ECONFLICT, "name", "%s", JoiningClosedMessage)
		case !signed:
			return fmt.Errorf("join session %d: %w", sessionID, ErrUnsignedDevice)
		}
		g, err = scanGuest(tx.QueryRowContext(ctx,
			`INSERT INTO guests (session_id, device_hash, name, name_key, name_ordinal, joined_at)
			VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(name_ordinal), 0) + 1 FROM guests WHERE session_id = ? AND name_key = ?), ?)
			RETURNING `+guestColumns,
			sessionID, hashToken(deviceToken), name, key, sessionID, key, s.nowMillis()))
		if err != nil {
			return fmt.Errorf("insert guest: %w", err)
		}
		return nil
	})
	return g, err
}

// GuestByDevice returns the guest that the device joined the session as.
// Errors: ENOTFOUND when the device has not joined it.
func (s *Store) GuestByDevice(ctx context.Context, sessionID int64, deviceToken string) (Guest, error) {
	return getGuest(ctx, s.read, sessionID, deviceToken)
}

func getGuest(ctx context.Context, q sqlitedb.Querier, sessionID int64, deviceToken string) (Guest, error) {
	if deviceToken == "" {
		return Guest{}, Errorf(ENOTFOUND, "You have not joined this session yet.")
	}
	g, err := scanGuest(q.QueryRowContext(ctx,
		`SELECT `+guestColumns+` FROM guests WHERE session_id = ? AND device_hash = ?`,
		sessionID, hashToken(deviceToken)))
	if errors.Is(err, sql.ErrNoRows) {
		return Guest{}, Errorf(ENOTFOUND, "You have not joined this session yet.")
	}
	if err != nil {
		return Guest{}, fmt.Errorf("get guest: %w", err)
	}
	return g, nil
}

// Guest returns one guest of a session by id.
// Errors: ENOTFOUND.
func (s *Store) Guest(ctx context.Context, sessionID, guestID int64) (Guest, error) {
	return getGuestByID(ctx, s.read, sessionID, guestID)
}

func getGuestByID(ctx context.Context, q sqlitedb.Querier, sessionID, guestID int64) (Guest, error) {
	g, err := scanGuest(q.QueryRowContext(ctx,
		`SELECT `+guestColumns+` FROM guests WHERE session_id = ? AND id = ?`, sessionID, guestID))
	if errors.Is(err, sql.ErrNoRows) {
		return Guest{}, Errorf(ENOTFOUND, "That guest is not in this session.")
	}
	if err != nil {
		return Guest{}, fmt.Errorf("get guest %d: %w", guestID, err)
	}
	return g, nil
}

// GuestListing is a guest as the host's list shows them: with the number of
// their songs waiting.
type GuestListing struct {
	Guest
	Waiting int
}

// Guests returns the guests of a session in the order they joined.
// Errors: none of its own; an unknown session has no guests.
func (s *Store) Guests(ctx context.Context, sessionID int64) ([]GuestListing, error) {
	out, err := sqlitedb.Collect(ctx, s.read, func(row sqlitedb.Scanner) (l GuestListing, err error) {
		l.Guest, err = scanGuest(row, &l.Waiting)
		return l, err
	}, `SELECT `+guestColumns+`,
		(SELECT COUNT(*) FROM requests r WHERE r.guest_id = guests.id AND r.status = 'waiting')
		FROM guests WHERE session_id = ? ORDER BY joined_at, id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("list guests: %w", err)
	}
	return out, nil
}

// RemoveGuest takes a guest out of a session on the host's word: their
// waiting requests leave the queue (as removed), and their device can
// neither request nor join again there. A song being sung is left to finish.
// Removing a removed guest does nothing.
// Errors: ENOTFOUND, ECONFLICT when the session has ended.
func (s *Store) RemoveGuest(ctx context.Context, sessionID, guestID int64) error {
	return s.inHostAction(ctx, sessionID, ActionRemoveGuest, func(tx *sql.Tx, a *hostAction) error {
		if _, err := openSession(ctx, tx, sessionID); err != nil {
			return err
		}
		g, err := getGuestByID(ctx, tx, sessionID, guestID)
		if err != nil || g.Removed() {
			return err
		}
		if err := a.aboutGuestRemoval(ctx, tx, g); err != nil {
			return err
		}
		now := s.nowMillis()
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET status = 'removed', ended_at = ?
			WHERE guest_id = ? AND status = 'waiting'`, now, guestID); err != nil {
			return fmt.Errorf("remove guest's requests: %w", err)
		}
		_, err = tx.ExecContext(ctx, `UPDATE guests SET removed_at = ? WHERE id = ?`, now, guestID)
		return err
	})
}

// RemovedGuests returns the ids of the guests the host removed from a
// session, for pages that must tell them so.
func (s *Store) RemovedGuests(ctx context.Context, sessionID int64) (map[int64]bool, error) {
	ids, err := sqlitedb.Column[int64](ctx, s.read, `SELECT id FROM guests WHERE session_id = ? AND removed_at IS NOT NULL`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("removed guests: %w", err)
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// openGuest reads a guest of an open session who may still act: it refuses
// an ended night (ECONFLICT), a guest not in it (ENOTFOUND) and one the
// host removed (ECONFLICT).
func openGuest(ctx context.Context, tx *sql.Tx, sessionID, guestID int64) (Guest, error) {
	if _, err := openSession(ctx, tx, sessionID); err != nil {
		return Guest{}, err
	}
	g, err := getGuestByID(ctx, tx, sessionID, guestID)
	if err != nil {
		return Guest{}, err
	}
	if g.Removed() {
		return Guest{}, Errorf(ECONFLICT, "The host has removed you from this session.")
	}
	return g, nil
}
