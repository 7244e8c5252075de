package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

const guestColumns = `id, session_id, name, name_ordinal, joined_at`

func scanGuest(row interface{ Scan(...any) error }) (Guest, error) {
	var (
		g      Guest
		joined int64
	)
	if err := row.Scan(&g.ID, &g.SessionID, &g.Name, &g.Ordinal, &joined); err != nil {
		return Guest{}, err
	}
	g.JoinedAt = fromMillis(joined)
	return g, nil
}

// JoinSession makes the device a guest of an open session under a singer
// name. A device that already joined keeps its guest and takes the new name.
// Two guests may give the same name; the later one gets the next ordinal.
// Errors: EINVALID for a bad name, ENOTFOUND, ECONFLICT when the session
// has ended.
func (s *Store) JoinSession(ctx context.Context, sessionID int64, deviceToken, name string) (Guest, error) {
	name = CleanText(name)
	if err := checkLength("name", "singer name", name, 1, MaxSingerName); err != nil {
		return Guest{}, err
	}
	if deviceToken == "" {
		return Guest{}, fmt.Errorf("join session: empty device token")
	}
	key := foldKey(name)
	var g Guest
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		if _, err := openSession(ctx, tx, sessionID); err != nil {
			return err
		}
		existing, err := getGuest(ctx, tx, sessionID, deviceToken)
		switch {
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

func getGuest(ctx context.Context, q queryer, sessionID int64, deviceToken string) (Guest, error) {
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
