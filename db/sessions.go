package db

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// DefaultSingerCap is how many requests one singer may have waiting until
// the host changes it.
const DefaultSingerCap = 3

// MaxSingerCap bounds what a host may set the cap to.
const MaxSingerCap = 20

const sessionColumns = `id, name, code, singer_cap, requests_paused, created_at, ended_at, version, join_token, joining_locked, show_notes, songbook_id, approval, time_zone, closing_at, songbook_only, hold_minutes, language`

func scanSession(row sqlitedb.Scanner) (Session, error) {
	var (
		s       Session
		created int64
		ended   sql.NullInt64
		token   sql.NullString
		book    sql.NullInt64
		closing sql.NullInt64
	)
	if err := row.Scan(&s.ID, &s.Name, &s.Code, &s.SingerCap, &s.RequestsPaused, &created, &ended, &s.Version, &token, &s.JoiningLocked, &s.ShowNotes, &book, &s.Approval, &s.TimeZone, &closing, &s.SongbookOnly, &s.HoldMinutes, &s.Language); err != nil {
		return Session{}, err
	}
	if closing.Valid {
		s.ClosingAt = fromMillis(closing.Int64)
	}
	s.JoinToken, s.SongbookID = token.String, book.Int64
	s.CreatedAt = fromMillis(created)
	if ended.Valid {
		s.EndedAt = fromMillis(ended.Int64)
	}
	return s, nil
}

// CreateSessionIn is CreateSession for a night in language (a BCP 47 tag
// the app has messages for, which the caller chose; "" is English).
func (s *Store) CreateSessionIn(ctx context.Context, name, language string) (Session, string, error) {
	made, err := s.CreateSessionOnce(ctx, name, language, "")
	return made.Session, made.HostKey, err
}

// checkNewSession cleans and checks a new night's name and language.
func checkNewSession(name, language string) (string, string, error) {
	name, language = CleanText(name), cmp.Or(language, DefaultLanguage)
	if err := checkLanguage(language); err != nil {
		return "", "", err
	}
	if err := checkLength("name", "session name", name, 1, MaxSessionName); err != nil {
		return "", "", err
	}
	return name, language, nil
}

// insertSession adds a night whose host key is hostKey.
func insertSession(ctx context.Context, tx *sql.Tx, name, language, hostKey string, now int64) (Session, error) {
	// A code can collide with an open session's, and (once in billions of
	// billions) an id with any session's; try a few fresh ones.
	for attempt := 0; ; attempt++ {
		// A new session gets the newest house songbook, if there is one.
		row := tx.QueryRowContext(ctx, `INSERT INTO sessions (id, name, code, host_secret_hash, singer_cap, created_at, join_token, language, songbook_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, (SELECT MAX(id) FROM songbooks WHERE owner_hash IS NULL AND completed_at IS NOT NULL))
			RETURNING `+sessionColumns,
			newSessionID(), name, joinCodes(), hashToken(hostKey), DefaultSingerCap, now, newJoinToken(), language)
		sess, err := scanSession(row)
		if err == nil {
			return sess, nil
		}
		if !isUniqueViolation(err) || attempt == 20 {
			return Session{}, fmt.Errorf("insert session: %w", err)
		}
	}
}

// newSessionID returns a random positive 63-bit session id. The id is in
// the host's URLs: were ids counted up from 1, each would tell a stranger
// how many sessions the server has held and which ids to try. It is not a
// secret (the host key is), only unguessable enough to tell nothing.
func newSessionID() int64 {
	for {
		if id := int64(binary.BigEndian.Uint64(randomBytes(8)) >> 1); id > 0 {
			return id
		}
	}
}

func isUniqueViolation(err error) bool { return sqlitedb.Violated(err) == sqlitedb.Unique }

// Session returns the session with the given id, open or ended.
// Errors: ENOTFOUND.
func (s *Store) Session(ctx context.Context, id int64) (Session, error) {
	return getSession(ctx, s.read, id)
}

func getSession(ctx context.Context, q sqlitedb.Querier, id int64) (Session, error) {
	sess, err := scanSession(q.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM sessions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, Errorf(ENOTFOUND, "There is no such session.")
	}
	if err != nil {
		return Session{}, fmt.Errorf("get session %d: %w", id, err)
	}
	return sess, nil
}

// SessionByCode returns the open session with the given join code or, when
// none is open, the last one that had it, so its guests learn it has ended.
// A session found open is kept, and answers again after one read of its
// version while that has not moved (lookups.go).
// Errors: ENOTFOUND, also when the code is malformed.
func (s *Store) SessionByCode(ctx context.Context, code string) (Session, error) {
	code, ok := ParseJoinCode(code)
	if !ok {
		return Session{}, Errorf(ENOTFOUND, "There is no session with that code. Check the code on the screen.")
	}
	if sess, ok := s.keptSession(ctx, "c"+code); ok {
		return sess, nil
	}
	read := s.Now()
	// Two look-ups, each off an index: the open session (the partial unique
	// index), else the latest that had the code. Ids are random, so the
	// latest is the last created (a code is rarely used twice, and the
	// (code, id) index finds the few sessions that had it).
	sess, err := scanSession(s.read.QueryRowContext(ctx,
		`SELECT `+sessionColumns+` FROM sessions WHERE code = ? AND ended_at IS NULL`, code))
	if errors.Is(err, sql.ErrNoRows) {
		sess, err = scanSession(s.read.QueryRowContext(ctx,
			`SELECT `+sessionColumns+` FROM sessions WHERE code = ? ORDER BY created_at DESC, id DESC LIMIT 1`, code))
	}
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, Errorf(ENOTFOUND, "There is no session with the code %s. Check the code on the screen.", code)
	}
	if err != nil {
		return Session{}, fmt.Errorf("get session by code: %w", err)
	}
	if sess.Open() {
		s.lookups.keepSession("c"+code, sess, read)
	}
	return sess, nil
}

// giveJoinTokens gives a join token to each session that has none: those
// made before migration 0004. It runs at every Open, after the migrations
// and the replication triggers, as a write of the store's own, so that
// replication sends Turso the same tokens. A database whose schema has no
// tokens yet (a restore part of the way) is left alone.
func (s *Store) giveJoinTokens(ctx context.Context) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		var hasColumn bool
		if err := tx.QueryRowContext(ctx,
			`SELECT COUNT(*) > 0 FROM pragma_table_info('sessions') WHERE name = 'join_token'`).Scan(&hasColumn); err != nil || !hasColumn {
			return err
		}
		ids, err := sqlitedb.Column[int64](ctx, tx, `SELECT id FROM sessions WHERE join_token IS NULL`)
		if err != nil {
			return fmt.Errorf("sessions without a join token: %w", err)
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE sessions SET join_token = ? WHERE id = ?`, newJoinToken(), id); err != nil {
				return fmt.Errorf("give session %d a join token: %w", id, err)
			}
		}
		return nil
	})
}

// CheckHost reports whether hostKey is the host key of the session.
// Errors: ENOTFOUND for no such session, EFORBIDDEN for a wrong key.
func (s *Store) CheckHost(ctx context.Context, sessionID int64, hostKey string) error {
	var hash []byte
	err := s.read.QueryRowContext(ctx, `SELECT host_secret_hash FROM sessions WHERE id = ?`, sessionID).Scan(&hash)
	if errors.Is(err, sql.ErrNoRows) {
		return Errorf(ENOTFOUND, "There is no such session.")
	}
	if err != nil {
		return fmt.Errorf("check host: %w", err)
	}
	if !tokenMatches(hostKey, hash) {
		return Errorf(EFORBIDDEN, "Only the host of this session can do that.")
	}
	return nil
}

// EndSession ends an open session: its join code is freed, and guests can no
// longer request. A waiting or singing request is left as it was, for the
// record. Ending an ended session does nothing.
// Errors: ENOTFOUND.
func (s *Store) EndSession(ctx context.Context, sessionID int64) error {
	return s.inHostAction(ctx, sessionID, ActionEnd, func(tx *sql.Tx, a *hostAction) error {
		if _, err := getSession(ctx, tx, sessionID); err != nil {
			return err
		}
		if err := a.aboutNightEnd(ctx, tx, sessionID); err != nil {
			return err
		}
		now := s.nowMillis()
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET ended_at = ? WHERE session_id = ? AND status = 'singing'`, now, sessionID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL`, now, sessionID)
		return err
	})
}

// SetRequestsPaused pauses or resumes guests' requests.
// Errors: ENOTFOUND, ECONFLICT when the session has ended.
func (s *Store) SetRequestsPaused(ctx context.Context, sessionID int64, paused bool) error {
	kind := ActionResume
	if paused {
		kind = ActionPause
	}
	return s.updateOpenSession(ctx, sessionID, kind, func(a *hostAction, _ Session) { a.aboutPause(paused) },
		`UPDATE sessions SET requests_paused = ? WHERE id = ?`, paused, sessionID)
}

// SetSingerCap sets how many requests one singer may have waiting. Requests
// already waiting stay, even above a lowered cap.
// Errors: ENOTFOUND, ECONFLICT when the session has ended, EINVALID for a
// cap outside 1..MaxSingerCap.
func (s *Store) SetSingerCap(ctx context.Context, sessionID int64, singerCap int) error {
	if err := checkSingerCap(singerCap); err != nil {
		return err
	}
	return s.updateOpenSession(ctx, sessionID, ActionSettings, func(a *hostAction, old Session) {
		next := old
		next.SingerCap = singerCap
		a.aboutRules(old, next)
	},
		`UPDATE sessions SET singer_cap = ? WHERE id = ?`, singerCap, sessionID)
}

func checkSingerCap(singerCap int) error {
	if singerCap < 1 || singerCap > MaxSingerCap {
		return FieldErrorf(EINVALID, "singer_cap", "The limit must be a number from 1 to %d.", MaxSingerCap)
	}
	return nil
}

// Settings are the host's rules form: the per-singer cap (as SetSingerCap),
// whether the TV shows the singing request's note, whether requests come
// from the songbook only (see Session.SongbookOnly), approval mode (turning
// it off approves nothing: see approval.go), and the venue's time zone and
// closing time (see ClosingRule).
type Settings struct {
	SingerCap    int
	ShowNotes    bool
	SongbookOnly bool
	Approval     bool
	Closing      ClosingRule
	// HoldMinutes is how long a hold lasts (holds.go); 0 leaves it as it is.
	HoldMinutes int
	// Language is the night's language (a tag the caller checked against
	// the app's); "" leaves it as it is.
	Language string
}

// SetSettings saves the host's rules form in one write.
// Errors: ENOTFOUND, ECONFLICT when the session has ended, EINVALID for a
// cap outside 1..MaxSingerCap, an unknown zone or a closing time not HH:MM.
func (s *Store) SetSettings(ctx context.Context, sessionID int64, set Settings) error {
	if err := checkSingerCap(set.SingerCap); err != nil {
		return err
	}
	if err := checkClosingRule(set.Closing); err != nil {
		return err
	}
	if set.HoldMinutes != 0 {
		if err := checkHoldMinutes(set.HoldMinutes); err != nil {
			return err
		}
	}
	if err := checkLanguage(set.Language); err != nil {
		return err
	}
	return s.inHostAction(ctx, sessionID, ActionSettings, func(tx *sql.Tx, a *hostAction) error {
		old, err := openSession(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		zone, closingAt := closingColumns(set.Closing, old, s.Now())
		next := old
		next.SingerCap, next.ShowNotes, next.SongbookOnly, next.Approval, next.TimeZone = set.SingerCap, set.ShowNotes, set.SongbookOnly, set.Approval, zone
		next.HoldMinutes = cmp.Or(set.HoldMinutes, old.HoldMinutes)
		next.Language = cmp.Or(set.Language, old.Language)
		next.ClosingAt = time.Time{}
		if closingAt.Valid {
			next.ClosingAt = time.UnixMilli(closingAt.Int64)
		}
		a.aboutRules(old, next)
		_, err = tx.ExecContext(ctx, `UPDATE sessions SET singer_cap = ?, show_notes = ?, songbook_only = ?, approval = ?, time_zone = ?, closing_at = ?, hold_minutes = ?, language = ? WHERE id = ?`,
			set.SingerCap, set.ShowNotes, set.SongbookOnly, set.Approval, zone, closingAt, next.HoldMinutes, next.Language, sessionID)
		return err
	})
}

// updateOpenSession runs query on an open session as the host action kind,
// which say describes from the session as it was.
func (s *Store) updateOpenSession(ctx context.Context, sessionID int64, kind ActionKind, say func(a *hostAction, old Session), query string, args ...any) error {
	return s.inHostAction(ctx, sessionID, kind, func(tx *sql.Tx, a *hostAction) error {
		old, err := openSession(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		say(a, old)
		_, err = tx.ExecContext(ctx, query, args...)
		return err
	})
}

// openSession reads a session in a write transaction and refuses an ended one.
func openSession(ctx context.Context, tx *sql.Tx, sessionID int64) (Session, error) {
	sess, err := getSession(ctx, tx, sessionID)
	if err != nil {
		return Session{}, err
	}
	if !sess.Open() {
		return Session{}, Errorf(ECONFLICT, "This session has ended.")
	}
	return sess, nil
}

// OpenCodes returns the join codes of the sessions still open.
func (s *Store) OpenCodes(ctx context.Context) ([]string, error) {
	codes, err := sqlitedb.Column[string](ctx, s.read, `SELECT code FROM sessions WHERE ended_at IS NULL`)
	if err != nil {
		return nil, fmt.Errorf("open codes: %w", err)
	}
	return codes, nil
}
