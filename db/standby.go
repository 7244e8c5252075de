package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// The standby list: a guest at the singer cap keeps songs for later instead
// of being only refused. The list is the guest's own (no other guest, the
// host or the TV sees it), ordered by the guest, and at most MaxStandby
// songs long. Whenever the guest is below the cap, their first standby song
// joins the queue (standbyfill.go).

// MaxStandby is the most songs a guest's standby list holds.
const MaxStandby = 10

// Standby song statuses.
const (
	StatusStandby = "standby"
	StatusMoved   = "moved"
)

// StandbySong is a song on a guest's standby list, or one that has moved
// from it into the queue (MovedAt set).
type StandbySong struct {
	ID      int64
	GuestID int64
	Title   string
	Artist  string
	Note    string
	MovedAt time.Time // zero while on the list
	// Held: it moved to wait for the host's OK (approval mode), not into
	// the queue.
	Held bool
}

const standbyColumns = `s.id, s.guest_id, s.title, s.artist, s.note, COALESCE(s.moved_at, 0), s.held_id IS NOT NULL`

func scanStandby(row sqlitedb.Scanner) (StandbySong, error) {
	var (
		s     StandbySong
		moved int64
	)
	if err := row.Scan(&s.ID, &s.GuestID, &s.Title, &s.Artist, &s.Note, &moved, &s.Held); err != nil {
		return StandbySong{}, err
	}
	if moved != 0 {
		s.MovedAt = fromMillis(moved)
	}
	return s, nil
}

// loadStandby sets n's Standby (each guest's list, in order) and Moved
// (each guest's songs that moved from it and still wait, in the queue or
// for the host's OK, latest first).
func loadStandby(ctx context.Context, tx *sql.Tx, n *Night) error {
	on, err := sqlitedb.Collect(ctx, tx, scanStandby, `SELECT `+standbyColumns+` FROM standby_songs s
		WHERE s.session_id = ? AND s.status = 'standby' ORDER BY s.guest_id, s.position`, n.Session.ID)
	if err != nil {
		return fmt.Errorf("standby songs: %w", err)
	}
	moved, err := sqlitedb.Collect(ctx, tx, scanStandby, `SELECT `+standbyColumns+` FROM standby_songs s
		WHERE s.session_id = ? AND s.status = 'moved'
		AND (EXISTS (SELECT 1 FROM requests r WHERE r.id = s.request_id AND r.status = 'waiting')
			OR EXISTS (SELECT 1 FROM held_requests h WHERE h.id = s.held_id AND h.status = 'pending'))
		ORDER BY s.moved_at DESC, s.id DESC`, n.Session.ID)
	if err != nil {
		return fmt.Errorf("moved standby songs: %w", err)
	}
	n.Standby, n.Moved = map[int64][]StandbySong{}, map[int64][]StandbySong{}
	for _, s := range on {
		n.Standby[s.GuestID] = append(n.Standby[s.GuestID], s)
	}
	for _, s := range moved {
		n.Moved[s.GuestID] = append(n.Moved[s.GuestID], s)
	}
	return nil
}

// AddStandby puts a song on the guest's standby list, with the checks a
// request has (fields, the guest, a paused night, songbook only, and, unless
// AllowDuplicate, the same song waiting, being sung or sung tonight), and
// returns it. A guest below the cap sees it join the queue at once, in the
// same write (fillStandby), with MovedAt set.
// Errors: EINVALID for bad fields, a song already on the list, or
// MessageSongbookOnly; ENOTFOUND when the guest is not in the session;
// ECONFLICT when the session has ended, requests are paused, the host
// removed the guest or the list is full; EDUPLICATE as CreateRequest.
func (s *Store) AddStandby(ctx context.Context, in NewRequest) (StandbySong, error) {
	in, err := in.Clean()
	if err != nil {
		return StandbySong{}, err
	}
	var out StandbySong
	err = s.inSessionWrite(ctx, in.SessionID, func(tx *sql.Tx) error {
		sess, err := openSession(ctx, tx, in.SessionID)
		if err != nil {
			return err
		}
		if _, err := readRequester(ctx, tx, sess, in); err != nil {
			return err
		}
		if !in.AllowDuplicate {
			if err := checkDuplicate(ctx, tx, in.SessionID, in.Title, in.Artist, s.Now()); err != nil {
				return err
			}
		}
		var count, same int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE song_key = ?)
			FROM standby_songs WHERE guest_id = ? AND status = 'standby'`, songKey(in.Title, in.Artist), in.GuestID).Scan(&count, &same); err != nil {
			return fmt.Errorf("standby list: %w", err)
		}
		if same > 0 {
			return FieldErrorf(EINVALID, "title", "“%s” is already on your standby list.", in.Title)
		}
		if count >= MaxStandby {
			return Errorf(ECONFLICT, "Your standby list is full (%d songs): remove one to add another.", MaxStandby)
		}
		var id int64
		err = tx.QueryRowContext(ctx, `INSERT INTO standby_songs (session_id, guest_id, title, artist, note, song_key, song_id, position, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM standby_songs WHERE guest_id = ?), ?) RETURNING id`,
			in.SessionID, in.GuestID, in.Title, in.Artist, in.Note, songKey(in.Title, in.Artist), sql.NullInt64{Int64: in.SongID, Valid: in.SongID != 0},
			in.GuestID, s.nowMillis()).Scan(&id)
		if err != nil {
			return fmt.Errorf("insert standby song: %w", err)
		}
		// Room may have opened since the page offered the list.
		if err := s.fillGuest(ctx, tx, sess, in.GuestID, nil); err != nil {
			return err
		}
		out, err = scanStandby(tx.QueryRowContext(ctx, `SELECT `+standbyColumns+` FROM standby_songs s WHERE s.id = ?`, id))
		return err
	})
	return out, err
}

// Standby moves: up (earlier) or down (later) by one.
const (
	StandbyUp   = "up"
	StandbyDown = "down"
)

// MoveStandby moves a song of the guest's standby list one place up or
// down; at the end it goes nowhere.
// Errors: EINVALID for another direction; ENOTFOUND when it is not a song
// of this guest's; ECONFLICT when it is no longer on the list.
func (s *Store) MoveStandby(ctx context.Context, sessionID, guestID, standbyID int64, dir string) error {
	order := map[string]string{StandbyUp: `position < ? ORDER BY position DESC`, StandbyDown: `position > ? ORDER BY position`}[dir]
	if order == "" {
		return Errorf(EINVALID, "A standby song moves up or down.")
	}
	return s.inSessionWrite(ctx, sessionID, func(tx *sql.Tx) error {
		pos, err := ownStandby(ctx, tx, sessionID, guestID, standbyID)
		if err != nil {
			return err
		}
		var otherID, otherPos int64
		err = tx.QueryRowContext(ctx, `SELECT id, position FROM standby_songs
			WHERE guest_id = ? AND status = 'standby' AND `+order+` LIMIT 1`, guestID, pos).Scan(&otherID, &otherPos)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("standby neighbour: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE standby_songs SET position = CASE id WHEN ? THEN ? ELSE ? END WHERE id IN (?, ?)`,
			standbyID, otherPos, pos, standbyID, otherID); err != nil {
			return fmt.Errorf("move standby song: %w", err)
		}
		return nil
	})
}

// RemoveStandby takes a song off the guest's standby list.
// Errors: ENOTFOUND when it is not a song of this guest's; ECONFLICT when
// it is no longer on the list.
func (s *Store) RemoveStandby(ctx context.Context, sessionID, guestID, standbyID int64) error {
	return s.inSessionWrite(ctx, sessionID, func(tx *sql.Tx) error {
		if _, err := ownStandby(ctx, tx, sessionID, guestID, standbyID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE standby_songs SET status = 'removed' WHERE id = ?`, standbyID)
		return err
	})
}

// ownStandby returns the position of a song on the guest's standby list.
func ownStandby(ctx context.Context, tx *sql.Tx, sessionID, guestID, standbyID int64) (int64, error) {
	var (
		owner, pos    int64
		status, title string
	)
	err := tx.QueryRowContext(ctx, `SELECT guest_id, position, status, title FROM standby_songs WHERE id = ? AND session_id = ?`,
		standbyID, sessionID).Scan(&owner, &pos, &status, &title)
	switch {
	case errors.Is(err, sql.ErrNoRows) || (err == nil && owner != guestID):
		return 0, Errorf(ENOTFOUND, "That song is not on your standby list.")
	case err != nil:
		return 0, fmt.Errorf("standby song %d: %w", standbyID, err)
	case status == StatusMoved:
		return 0, Errorf(ECONFLICT, "“%s” has already moved from your standby list into the queue.", title)
	case status != StatusStandby:
		return 0, Errorf(ECONFLICT, "“%s” is no longer on your standby list.", title)
	}
	return pos, nil
}
