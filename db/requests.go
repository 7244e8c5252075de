package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// NewRequest is what a guest asks for.
type NewRequest struct {
	SessionID int64
	GuestID   int64
	Title     string
	Artist    string
	Note      string
	// SongID is the songbook song the request was made from, 0 for one
	// typed in; the caller gives the catalogue's title and artist with it.
	SongID int64
	// AllowDuplicate adds the song even though it is already waiting; the
	// guest has been told and confirmed.
	AllowDuplicate bool
}

// Clean returns the request with its text cleaned, or an EINVALID error for
// the first field that does not fit.
func (n NewRequest) Clean() (NewRequest, error) {
	n.Title, n.Artist, n.Note = CleanText(n.Title), CleanText(n.Artist), CleanText(n.Note)
	if err := checkLength("title", "song title", n.Title, 1, MaxTitle); err != nil {
		return n, err
	}
	if err := checkLength("artist", "artist", n.Artist, 0, MaxArtist); err != nil {
		return n, err
	}
	if err := checkLength("note", "note", n.Note, 0, MaxNote); err != nil {
		return n, err
	}
	return n, nil
}

func songKey(title, artist string) string { return foldKey(title) + "\x1f" + foldKey(artist) }

// CreateRequest puts a guest's song in the session's queue, in its place in
// the rotation (see placeRequest); in approval mode it holds it for the
// host's OK instead, and returns it with StatusPending (see approval.go).
// The checks and the insert are one write transaction, so parallel requests
// of one guest can never pass the cap together.
// Errors: EINVALID for bad fields; ENOTFOUND when the guest is not in the
// session; EINVALID (MessageSongbookOnly) for a song typed in while the host
// takes requests from the songbook only; ECONFLICT when the session has
// ended, requests are paused, the host removed the guest, the guest is at
// the singer cap, or the song would start after the closing time (see
// checkClosing); EDUPLICATE when the
// same song (see duplicates.go) is waiting, being sung or was sung tonight,
// and AllowDuplicate is false.
func (s *Store) CreateRequest(ctx context.Context, in NewRequest) (Request, error) {
	in, err := in.Clean()
	if err != nil {
		return Request{}, err
	}
	var req Request
	write := func(tx *sql.Tx) (nightPatch, error) {
		sess, err := openSession(ctx, tx, in.SessionID)
		if err != nil {
			return nil, err
		}
		who, err := readRequester(ctx, tx, sess, in)
		if err != nil {
			return nil, err
		}
		if err := checkCapThenSong(ctx, tx, sess, in, s.Now(), "", who.waiting); err != nil {
			return nil, err
		}
		// A held song would be placed as of its approval, later still, so
		// the closing time is checked for it too; the host's approval is
		// not checked again (the host decides, see approval.go).
		place, err := placeRequest(ctx, tx, in.SessionID, in.GuestID)
		if err != nil {
			return nil, err
		}
		if err := checkClosing(ctx, tx, sess, in.GuestID, place.position, s.Now()); err != nil {
			return nil, err
		}
		if sess.Approval {
			req, err = holdRequest(ctx, tx, in, s.nowMillis())
			return nil, err
		}
		req, err = insertRequestBy(ctx, tx, in, who, place, s.nowMillis())
		return requestQueued(req, place), err
	}
	// The write reads the guest's own rows (their songs, round, cap), so
	// it reads ahead what this guest's last request read.
	err = s.inPatchedWrite(s.writeAhead(ctx, write, in.SessionID, in.GuestID), in.SessionID, write)
	return req, err
}

// checkCapAndSong refuses a request past the singer's cap (their waiting
// songs and those held for the host's OK) and, unless the guest confirmed
// it, a song already waiting, being sung or sung tonight. who names the
// singer for the host ("" is the guest, told "You").
func checkCapAndSong(ctx context.Context, tx *sql.Tx, sess Session, in NewRequest, now time.Time, who string) error {
	var waiting int
	if err := tx.QueryRowContext(ctx, `SELECT `+songsWaiting, in.GuestID, in.GuestID).Scan(&waiting); err != nil {
		return err
	}
	return checkCapThenSong(ctx, tx, sess, in, now, who, waiting)
}

// songsWaiting counts a guest's songs that count against the cap: waiting
// in the queue and held for the host's OK (the guest's id twice).
const songsWaiting = `(SELECT COUNT(*) FROM requests WHERE guest_id = ? AND status = 'waiting') +
	(SELECT COUNT(*) FROM held_requests WHERE guest_id = ? AND status = 'pending')`

// checkCapThenSong is checkCapAndSong for a singer whose songs waiting
// were counted already.
func checkCapThenSong(ctx context.Context, tx *sql.Tx, sess Session, in NewRequest, now time.Time, who string, waiting int) error {
	if waiting >= sess.SingerCap && who != "" {
		return FieldErrorf(ECONFLICT, "title", "%s already has %d %s waiting, the most this session allows.", who, waiting, plural(waiting, "song", "songs"))
	}
	if waiting >= sess.SingerCap {
		return Errorf(ECONFLICT, "You already have %d %s waiting, the most this session allows. Request another once one has been sung.", waiting, plural(waiting, "song", "songs"))
	}
	if in.AllowDuplicate {
		return nil
	}
	return checkDuplicate(ctx, tx, in.SessionID, in.Title, in.Artist, now)
}

// queueRequest inserts a cleaned request into the queue, at its place in
// the rotation as of now (see placeRequest), and returns it.
func queueRequest(ctx context.Context, tx *sql.Tx, in NewRequest, now int64) (Request, error) {
	place, err := placeRequest(ctx, tx, in.SessionID, in.GuestID)
	if err != nil {
		return Request{}, err
	}
	return insertRequest(ctx, tx, in, place.round, place.position, now)
}

// insertRequest inserts a cleaned request at the place given, and returns it.
func insertRequest(ctx context.Context, tx *sql.Tx, in NewRequest, round int, position float64, now int64) (Request, error) {
	id, err := insertRequestRow(ctx, tx, in, round, position, now)
	if err != nil {
		return Request{}, err
	}
	return getRequest(ctx, tx, in.SessionID, id)
}

// insertRequestBy is insertRequest for a guest's own request: the request
// is made from what the write read of its singer (readRequester) rather
// than read back.
func insertRequestBy(ctx context.Context, tx *sql.Tx, in NewRequest, who requester, place placement, now int64) (Request, error) {
	id, err := insertRequestRow(ctx, tx, in, place.round, place.position, now)
	return Request{ID: id, SessionID: in.SessionID, GuestID: in.GuestID, Singer: who.singer, Title: in.Title, Artist: in.Artist,
		Note: in.Note, Status: StatusWaiting, Round: place.round, CreatedAt: fromMillis(now), AddedByHost: who.addedByHost}, err
}

func insertRequestRow(ctx context.Context, tx *sql.Tx, in NewRequest, round int, position float64, now int64) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO requests (session_id, guest_id, title, artist, note, song_key, round, position, created_at, song_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		in.SessionID, in.GuestID, in.Title, in.Artist, in.Note, songKey(in.Title, in.Artist), round, position, now, sql.NullInt64{Int64: in.SongID, Valid: in.SongID != 0}).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) || isForeignKeyViolation(err) {
		return 0, Errorf(ENOTFOUND, "You have not joined this session yet.")
	}
	if err != nil {
		return 0, fmt.Errorf("insert request: %w", err)
	}
	return id, nil
}

func isForeignKeyViolation(err error) bool { return sqlitedb.Violated(err) == sqlitedb.ForeignKey }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// MessageSongbookOnly is the answer to a song typed in while the host takes
// requests from the songbook only.
const MessageSongbookOnly = "Tonight's requests come from the songbook: search for your song above and tap it."

const requestColumns = `r.id, r.session_id, r.guest_id, g.name, g.name_ordinal, r.title, r.artist, r.note,
	r.status, r.round, r.created_at, r.started_at, r.ended_at, g.added_by_host`

func scanRequest(row sqlitedb.Scanner) (Request, error) {
	var r Request
	if err := scanRequestInto(row, &r); err != nil {
		return Request{}, err
	}
	return r, nil
}

// scanRequestInto scans requestColumns into r, and the columns after them
// into more.
func scanRequestInto(row sqlitedb.Scanner, r *Request, more ...any) error {
	var (
		ordinal        int
		created        int64
		started, ended sql.NullInt64
	)
	dest := append([]any{&r.ID, &r.SessionID, &r.GuestID, &r.Singer, &ordinal, &r.Title, &r.Artist, &r.Note,
		&r.Status, &r.Round, &created, &started, &ended, &r.AddedByHost}, more...)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	r.Singer = displayName(r.Singer, ordinal)
	r.CreatedAt = fromMillis(created)
	if started.Valid {
		r.StartedAt = fromMillis(started.Int64)
	}
	if ended.Valid {
		r.EndedAt = fromMillis(ended.Int64)
	}
	return nil
}

func getRequest(ctx context.Context, q sqlitedb.Querier, sessionID, requestID int64) (Request, error) {
	r, err := scanRequest(q.QueryRowContext(ctx, `SELECT `+requestColumns+`
		FROM requests r JOIN guests g ON g.id = r.guest_id WHERE r.id = ? AND r.session_id = ?`, requestID, sessionID))
	if errors.Is(err, sql.ErrNoRows) {
		return Request{}, Errorf(ENOTFOUND, "That request is not in this session.")
	}
	if err != nil {
		return Request{}, fmt.Errorf("get request %d: %w", requestID, err)
	}
	return r, nil
}

// WithdrawRequest takes a guest's own waiting request out of the queue.
// Errors: ENOTFOUND when it is not a request of this guest; ECONFLICT when it
// is no longer waiting.
func (s *Store) WithdrawRequest(ctx context.Context, sessionID, guestID, requestID int64) error {
	return s.inPatchedWrite(ctx, sessionID, func(tx *sql.Tx) (nightPatch, error) {
		r, err := getRequest(ctx, tx, sessionID, requestID)
		if err != nil {
			return nil, err
		}
		if r.GuestID != guestID {
			return nil, Errorf(ENOTFOUND, "That request is not yours.")
		}
		if r.Status != StatusWaiting {
			return nil, Errorf(ECONFLICT, "That song is no longer waiting, so it cannot be withdrawn.")
		}
		if err := leaveQueue(ctx, tx, r, StatusWithdrawn, s.nowMillis()); err != nil {
			return nil, err
		}
		return withdrawnPatch(ctx, tx, r)
	})
}

// leaveQueue ends a request's wait without a turn (withdrawn or removed).
// The singer's later requests each move up a round, so the next one counts
// as their next song in the rotation.
func leaveQueue(ctx context.Context, tx *sql.Tx, r Request, status string, now int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE requests SET status = ?, ended_at = ? WHERE id = ?`, status, now, r.ID); err != nil {
		return fmt.Errorf("end request: %w", err)
	}
	_, err := tx.ExecContext(ctx, `UPDATE requests SET round = round - 1
		WHERE guest_id = ? AND status = 'waiting' AND round > ?`, r.GuestID, r.Round)
	return err
}

// requester is what a guest's request reads of its singer: the name a
// request shows, whether the host added them (a walk-up), and their songs
// counted against the cap.
type requester struct {
	singer      string
	addedByHost bool
	waiting     int
}

// readRequester reads the guest making a request and refuses one the
// night does not take from them now: a guest not of the session or
// removed by the host, requests paused, a typed song where the night takes
// songs from the songbook only.
func readRequester(ctx context.Context, tx *sql.Tx, sess Session, in NewRequest) (requester, error) {
	var (
		who     requester
		name    string
		ordinal int
		removed sql.NullInt64
	)
	err := tx.QueryRowContext(ctx, `SELECT name, name_ordinal, added_by_host, removed_at, `+songsWaiting+`
		FROM guests WHERE id = ? AND session_id = ?`, in.GuestID, in.GuestID, in.GuestID, in.SessionID).Scan(&name, &ordinal, &who.addedByHost, &removed, &who.waiting)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return who, Errorf(ENOTFOUND, "You have not joined this session yet.")
	case err != nil:
		return who, fmt.Errorf("read guest: %w", err)
	case removed.Valid:
		return who, Errorf(ECONFLICT, "The host has removed you from this session, so you cannot request songs.")
	case sess.RequestsPaused:
		return who, Errorf(ECONFLICT, "The host has paused requests for now. Try again in a little while.")
	case in.SongID == 0 && !sess.TypedRequests():
		return who, FieldErrorf(EINVALID, "", "%s", MessageSongbookOnly)
	}
	who.singer = displayName(name, ordinal)
	return who, nil
}
