package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// Turn is one turn of a night as its history keeps it: a request that was
// started (Start next), or skipped by the host. A skip counts as the
// singer's turn in the rotation (see SkipRequest), so a song skipped from
// the queue is a turn too, one that never started; a song stopped while it
// was sung is a started turn, skipped. Withdrawn and removed requests were
// never turns.
type Turn struct {
	RequestID int64
	GuestID   int64
	Singer    string // the guest's display name
	Title     string
	Artist    string
	// StartedAt is when the turn started; zero for a song skipped from
	// the queue.
	StartedAt time.Time
	// EndedAt is when the turn ended (Start next, Stop, the end of the
	// night) or the song was skipped from the queue; zero while it is
	// being sung.
	EndedAt time.Time
	Skipped bool
}

// Started reports whether the turn started: false for a song skipped from
// the queue.
func (t Turn) Started() bool { return !t.StartedAt.IsZero() }

// Sung reports whether the song was sung: started and not skipped.
func (t Turn) Sung() bool { return t.Started() && !t.Skipped }

// SingingNow reports whether the turn is being sung.
func (t Turn) SingingNow() bool { return t.Started() && t.EndedAt.IsZero() }

// Length is how long the turn lasted, from its start to its end; 0 for one
// that never started or is being sung.
func (t Turn) Length() time.Duration {
	if !t.Started() || t.EndedAt.IsZero() {
		return 0
	}
	return t.EndedAt.Sub(t.StartedAt)
}

// At is the turn's place in the night: when it started, or when a song
// that never started was skipped.
func (t Turn) At() time.Time {
	if t.Started() {
		return t.StartedAt
	}
	return t.EndedAt
}

// History is a night's turns in the order they came, first first, and the
// session they belong to. It is readable as long as the session is kept:
// while it is open, and after it ends until the retention purge.
type History struct {
	Session Session
	Turns   []Turn
}

// historyQuery reads a session's turns (see Turn): every request that
// started, and those skipped before they started.
const historyQuery = `SELECT r.id, r.guest_id, g.name, g.name_ordinal, r.title, r.artist, r.status, r.started_at, r.ended_at
	FROM requests r JOIN guests g ON g.id = r.guest_id
	WHERE r.session_id = ? AND (r.started_at IS NOT NULL OR r.status = 'skipped')
	ORDER BY COALESCE(r.started_at, r.ended_at), r.id`

// History returns the session's turns, read in one snapshot with the
// session. Errors: ENOTFOUND.
func (s *Store) History(ctx context.Context, sessionID int64) (History, error) {
	var h History
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		var err error
		if h.Session, err = getSession(ctx, tx, sessionID); err != nil {
			return err
		}
		h.Turns, err = sqlitedb.Collect(ctx, tx, scanTurn, historyQuery, sessionID)
		if err != nil {
			return fmt.Errorf("history: %w", err)
		}
		return nil
	})
	return h, err
}

func scanTurn(row sqlitedb.Scanner) (Turn, error) {
	var (
		t              Turn
		ordinal        int
		status         string
		started, ended sql.NullInt64
	)
	if err := row.Scan(&t.RequestID, &t.GuestID, &t.Singer, &ordinal, &t.Title, &t.Artist, &status, &started, &ended); err != nil {
		return Turn{}, err
	}
	t.Singer = displayName(t.Singer, ordinal)
	t.Skipped = status == StatusSkipped
	if started.Valid {
		t.StartedAt = fromMillis(started.Int64)
	}
	if ended.Valid {
		t.EndedAt = fromMillis(ended.Int64)
	}
	return t, nil
}
