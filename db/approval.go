package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// Approval mode: while the session's Approval is on, a guest's new request
// is held in held_requests for the host's OK instead of joining the queue.
// A held request is in no queue, estimate or rotation until the host
// approves it; it then joins the rotation as of the approval, placed as a
// request made at that moment would be (placeRequest). It counts against
// its singer's cap while it waits; declined, it stops counting, and its
// guest is told. Turning the mode off approves nothing: what waits keeps
// waiting for the host's word.

// Held request statuses.
const (
	StatusPending  = "pending"
	StatusApproved = "approved"
	StatusDeclined = "declined"
)

// HeldRequest is a guest's request held for the host's OK, or the host's
// answer to it.
type HeldRequest struct {
	ID        int64
	GuestID   int64
	Singer    string // the guest's display name
	Title     string
	Artist    string
	Note      string
	Status    string
	CreatedAt time.Time
	DecidedAt time.Time // zero while pending
}

// maxDeclinedShown bounds the declined songs a Night carries for the
// guests' pages: the latest are news, older ones are not.
const maxDeclinedShown = 50

const heldColumns = `h.id, h.guest_id, g.name, g.name_ordinal, h.title, h.artist, h.note, h.status, h.created_at, h.decided_at`

// scanHeld reads a row of heldColumns, and then the columns of more.
func scanHeld(row sqlitedb.Scanner, more ...any) (HeldRequest, error) {
	var (
		h       HeldRequest
		ordinal int
		created int64
		decided sql.NullInt64
	)
	if err := row.Scan(append([]any{&h.ID, &h.GuestID, &h.Singer, &ordinal, &h.Title, &h.Artist, &h.Note, &h.Status, &created, &decided}, more...)...); err != nil {
		return HeldRequest{}, err
	}
	h.Singer = displayName(h.Singer, ordinal)
	h.CreatedAt = fromMillis(created)
	if decided.Valid {
		h.DecidedAt = fromMillis(decided.Int64)
	}
	return h, nil
}

func scanHeldRow(row sqlitedb.Scanner) (HeldRequest, error) { return scanHeld(row) }

// loadHeld sets n's Pending (oldest first; a removed guest's are not) and
// Declined (newest first).
func loadHeld(ctx context.Context, tx *sql.Tx, n *Night) (err error) {
	n.Pending, err = sqlitedb.Collect(ctx, tx, scanHeldRow, `SELECT `+heldColumns+`
		FROM held_requests h JOIN guests g ON g.id = h.guest_id
		WHERE h.session_id = ? AND h.status = 'pending' AND g.removed_at IS NULL ORDER BY h.id`, n.Session.ID)
	if err != nil {
		return fmt.Errorf("pending requests: %w", err)
	}
	n.Declined, err = sqlitedb.Collect(ctx, tx, scanHeldRow, `SELECT `+heldColumns+`
		FROM held_requests h JOIN guests g ON g.id = h.guest_id
		WHERE h.session_id = ? AND h.status = 'declined' ORDER BY h.id DESC LIMIT ?`, n.Session.ID, maxDeclinedShown)
	if err != nil {
		return fmt.Errorf("declined requests: %w", err)
	}
	return nil
}

// holdRequest keeps a cleaned request for the host's OK.
func holdRequest(ctx context.Context, tx *sql.Tx, in NewRequest, now int64) (Request, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO held_requests (session_id, guest_id, title, artist, note, song_id, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		in.SessionID, in.GuestID, in.Title, in.Artist, in.Note, sql.NullInt64{Int64: in.SongID, Valid: in.SongID != 0}, now).Scan(&id)
	if err != nil {
		return Request{}, fmt.Errorf("hold request: %w", err)
	}
	return Request{ID: id, SessionID: in.SessionID, GuestID: in.GuestID, Title: in.Title, Artist: in.Artist,
		Note: in.Note, Status: StatusPending, CreatedAt: fromMillis(now)}, nil
}

// ApproveRequest puts a held request into the queue, in the rotation as
// of now, and returns the request it became. It is a host action: its undo
// takes that request out of the queue (removed) and the held one is
// pending again, unless the song has started or moved since.
// Errors: ENOTFOUND; ECONFLICT when the session has ended, the host has
// already answered it (on another device), or its guest was removed.
func (s *Store) ApproveRequest(ctx context.Context, sessionID, heldID int64) (Request, error) {
	var req Request
	err := s.inHostAction(ctx, sessionID, ActionApprove, func(tx *sql.Tx, a *hostAction) error {
		if _, err := openSession(ctx, tx, sessionID); err != nil {
			return err
		}
		h, err := s.approve(ctx, tx, a, sessionID, heldID)
		if err != nil {
			return err
		}
		req = h.request
		return a.aboutApproval(ctx, tx, h)
	})
	return req, err
}

// ApproveAllRequests approves every held request, oldest first, each placed
// in the rotation as ApproveRequest places it, and returns how many joined
// the queue. A removed guest's are not approved. It is one host action,
// undone as ApproveRequest is, for all of them.
// Errors: ENOTFOUND, ECONFLICT when the session has ended.
func (s *Store) ApproveAllRequests(ctx context.Context, sessionID int64) (int, error) {
	var n int
	err := s.inHostAction(ctx, sessionID, ActionApproveAll, func(tx *sql.Tx, a *hostAction) error {
		if _, err := openSession(ctx, tx, sessionID); err != nil {
			return err
		}
		ids, err := sqlitedb.Column[int64](ctx, tx, `SELECT h.id FROM held_requests h JOIN guests g ON g.id = h.guest_id
			WHERE h.session_id = ? AND h.status = 'pending' AND g.removed_at IS NULL ORDER BY h.id`, sessionID)
		if err != nil {
			return fmt.Errorf("pending requests: %w", err)
		}
		for _, id := range ids {
			if _, err := s.approve(ctx, tx, a, sessionID, id); err != nil {
				return err
			}
		}
		n = len(ids)
		a.say(fmt.Sprintf("Approved all: %d %s → the queue", n, plural(n, "waiting song", "waiting songs")), 0, "")
		return nil
	})
	return n, err
}

// DeclineRequest passes on a held request: its guest is told, and it no
// longer counts against their cap. It is a host action: its undo makes the
// request pending again.
// Errors: ENOTFOUND; ECONFLICT when the session has ended or the host has
// already answered it.
func (s *Store) DeclineRequest(ctx context.Context, sessionID, heldID int64) error {
	return s.inHostAction(ctx, sessionID, ActionDecline, func(tx *sql.Tx, a *hostAction) error {
		if _, err := openSession(ctx, tx, sessionID); err != nil {
			return err
		}
		h, _, err := pendingHeld(ctx, tx, sessionID, heldID)
		if err != nil {
			return err
		}
		a.touch("held_requests", heldID)
		// The guest's page already says "The host passed on …" beside the
		// song; the log's notice is there for the undo to replace.
		a.say(fmt.Sprintf("Declined %s's “%s”: waiting for OK → declined", h.Singer, h.Title), h.GuestID, "")
		_, err = tx.ExecContext(ctx, `UPDATE held_requests SET status = 'declined', decided_at = ? WHERE id = ?`, s.nowMillis(), heldID)
		return err
	})
}

// WithdrawHeld takes back a guest's own request still waiting for the
// host's OK.
// Errors: ENOTFOUND when it is not a request of this guest; ECONFLICT when
// the host has already answered it.
func (s *Store) WithdrawHeld(ctx context.Context, sessionID, guestID, heldID int64) error {
	return s.inSessionWrite(ctx, sessionID, func(tx *sql.Tx) error {
		h, _, err := pendingHeld(ctx, tx, sessionID, heldID)
		switch {
		case err != nil && ErrorCode(err) != ECONFLICT:
			return err
		case h.GuestID != guestID:
			// Another guest's request is not theirs to see, whatever its state.
			return Errorf(ENOTFOUND, "That request is not yours.")
		case err != nil:
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE held_requests SET status = 'withdrawn', decided_at = ? WHERE id = ?`, s.nowMillis(), heldID)
		return err
	})
}

// approved is a held request the host approved, and the request it became.
type approved struct {
	held    HeldRequest
	request Request
}

// approve moves one pending held request into the queue, noting both rows
// for the host action a.
func (s *Store) approve(ctx context.Context, tx *sql.Tx, a *hostAction, sessionID, heldID int64) (approved, error) {
	h, songID, err := pendingHeld(ctx, tx, sessionID, heldID)
	if err != nil {
		return approved{}, err
	}
	a.touch("held_requests", heldID)
	now := s.nowMillis()
	req, err := queueRequest(ctx, tx, NewRequest{SessionID: sessionID, GuestID: h.GuestID, Title: h.Title,
		Artist: h.Artist, Note: h.Note, SongID: songID}, now)
	if err != nil {
		return approved{}, err
	}
	a.added("requests", req.ID)
	_, err = tx.ExecContext(ctx, `UPDATE held_requests SET status = 'approved', decided_at = ?, request_id = ? WHERE id = ?`, now, req.ID, heldID)
	return approved{held: h, request: req}, err
}

// pendingHeld reads a held request of the session that is still pending,
// whose guest is still in, and the songbook song it names (0 for none).
// A request no longer pending comes with its ECONFLICT error.
func pendingHeld(ctx context.Context, tx *sql.Tx, sessionID, heldID int64) (HeldRequest, int64, error) {
	var (
		song    sql.NullInt64
		removed sql.NullInt64
	)
	h, err := scanHeld(tx.QueryRowContext(ctx, `SELECT `+heldColumns+`, h.song_id, g.removed_at
		FROM held_requests h JOIN guests g ON g.id = h.guest_id WHERE h.id = ? AND h.session_id = ?`, heldID, sessionID), &song, &removed)
	if errors.Is(err, sql.ErrNoRows) {
		return HeldRequest{}, 0, Errorf(ENOTFOUND, "That request is not in this session.")
	}
	if err != nil {
		return HeldRequest{}, 0, fmt.Errorf("held request %d: %w", heldID, err)
	}
	what := fmt.Sprintf("%s's “%s”", h.Singer, h.Title)
	switch {
	case removed.Valid:
		return h, 0, Errorf(ECONFLICT, "%s cannot go in: %s was removed from the session.", what, h.Singer)
	case h.Status == StatusApproved:
		return h, 0, Errorf(ECONFLICT, "%s had already been approved.", what)
	case h.Status == StatusWithdrawn:
		return h, 0, Errorf(ECONFLICT, "%s had withdrawn “%s”.", h.Singer, h.Title)
	case h.Status != StatusPending:
		return h, 0, Errorf(ECONFLICT, "%s had already been declined.", what)
	}
	return h, song.Int64, nil
}
