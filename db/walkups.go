package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// Walk-up singers: the regular who never brings a phone. The host adds a
// song for them by name; they become a guest of the night like anyone
// (the same name rules and ordinals, the cap, the rotation, the duplicate
// guard), marked added_by_host. Their device_hash is walkupHash: longer
// than the SHA-256 every device's hash is, so no phone can ever match it,
// and random, so the UNIQUE (session_id, device_hash) holds.

// walkupPrefix starts every walk-up's device_hash.
const walkupPrefix = "walkup:"

func walkupHash() []byte { return append([]byte(walkupPrefix), randomBytes(16)...) }

// NewWalkup is a song the host adds for a walk-up singer: one picked from
// tonight's walk-ups (GuestID), or a new one by Name. A typed name that is
// a walk-up's of tonight picks that walk-up, so a name typed twice is one
// singer, not two.
type NewWalkup struct {
	NewRequest        // SessionID, the song, AllowDuplicate; GuestID is ignored
	WalkupID   int64  // a walk-up of tonight, or 0
	Name       string // a new walk-up's name, when WalkupID is 0
}

// AddWalkup adds a request for a walk-up singer, a new one or one of
// tonight's, in one write, straight into the queue (the host's own request
// needs no approval, and a pause is for guests), in its place in the
// rotation. It returns the request. It is a host action: its undo takes
// the request out of the queue (removed), unless it has started since; the
// walk-up stays one of tonight's.
// Errors: EINVALID for a bad field, or both a walk-up and a different name;
// EINVALID also when WalkupID is not a walk-up of the session; ECONFLICT when
// the session has ended, the walk-up was removed, or is at the cap;
// EDUPLICATE as CreateRequest.
func (s *Store) AddWalkup(ctx context.Context, in NewWalkup) (Request, error) {
	req, err := in.NewRequest.Clean()
	if err != nil {
		return Request{}, err
	}
	name := CleanText(in.Name)
	if in.WalkupID == 0 {
		if err := checkLength("name", "singer name", name, 1, MaxSingerName); err != nil {
			return Request{}, err
		}
	}
	var out Request
	err = s.inHostAction(ctx, req.SessionID, ActionWalkup, func(tx *sql.Tx, a *hostAction) error {
		sess, err := openSession(ctx, tx, req.SessionID)
		if err != nil {
			return err
		}
		g, err := s.walkupGuest(ctx, tx, req.SessionID, in.WalkupID, name)
		if err != nil {
			return err
		}
		req.GuestID = g.ID
		if err := checkCapAndSong(ctx, tx, sess, req, s.Now(), g.DisplayName()); err != nil {
			return err
		}
		if out, err = queueRequest(ctx, tx, req, s.nowMillis()); err != nil {
			return err
		}
		a.added("requests", out.ID)
		return a.aboutWalkup(ctx, tx, out)
	})
	return out, err
}

// walkupGuest finds the walk-up the host picked or named, or adds one.
func (s *Store) walkupGuest(ctx context.Context, tx *sql.Tx, sessionID, walkupID int64, name string) (Guest, error) {
	if walkupID != 0 {
		g, err := getGuestByID(ctx, tx, sessionID, walkupID)
		switch {
		case ErrorCode(err) == ENOTFOUND || (err == nil && !g.AddedByHost):
			return Guest{}, FieldErrorf(EINVALID, "walkup", "That singer is not one of tonight's walk-ups.")
		case err != nil:
			return Guest{}, err
		case g.Removed():
			return Guest{}, FieldErrorf(ECONFLICT, "walkup", "%s was removed from the session.", g.DisplayName())
		case name != "" && foldKey(name) != foldKey(g.Name):
			return Guest{}, FieldErrorf(EINVALID, "name", "Pick a walk-up from the list or type a new name, not both.")
		}
		return g, nil
	}
	key := foldKey(name)
	g, err := scanGuest(tx.QueryRowContext(ctx, `SELECT `+guestColumns+` FROM guests
		WHERE session_id = ? AND name_key = ? AND added_by_host = 1 AND removed_at IS NULL
		ORDER BY name_ordinal LIMIT 1`, sessionID, key))
	if err == nil {
		return g, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Guest{}, fmt.Errorf("find walk-up: %w", err)
	}
	g, err = scanGuest(tx.QueryRowContext(ctx,
		`INSERT INTO guests (session_id, device_hash, name, name_key, name_ordinal, joined_at, added_by_host)
		VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(name_ordinal), 0) + 1 FROM guests WHERE session_id = ? AND name_key = ?), ?, 1)
		RETURNING `+guestColumns,
		sessionID, walkupHash(), name, key, sessionID, key, s.nowMillis()))
	if err != nil {
		return Guest{}, fmt.Errorf("insert walk-up: %w", err)
	}
	return g, nil
}

// Walkups returns tonight's walk-up singers still in the session, in the
// order the host added them, with their songs waiting.
func (s *Store) Walkups(ctx context.Context, sessionID int64) ([]GuestListing, error) {
	out, err := sqlitedb.Collect(ctx, s.read, func(row sqlitedb.Scanner) (l GuestListing, err error) {
		l.Guest, err = scanGuest(row, &l.Waiting)
		return l, err
	}, `SELECT `+guestColumns+`,
		(SELECT COUNT(*) FROM requests r WHERE r.guest_id = guests.id AND r.status = 'waiting')
		FROM guests WHERE session_id = ? AND added_by_host = 1 AND removed_at IS NULL ORDER BY joined_at, id`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("list walk-ups: %w", err)
	}
	return out, nil
}
