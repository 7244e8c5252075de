package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// What the push nudger reads after each change of a session: whether
// anyone there takes pushes at all, and, when someone does, only who sings
// and who is next, never the whole night.

// pushedNights are the sessions that have had a push subscription since
// the store opened (or before: load reads them at Open). A subscription
// forgotten later leaves its session marked, which costs only a look.
type pushedNights struct {
	mu sync.RWMutex
	m  map[int64]struct{}
}

func (p *pushedNights) load(ctx context.Context, q sqlitedb.Querier) error {
	// A restore opens an older schema first, without the table.
	if has, err := sqlitedb.TableExists(ctx, q, "push_subscriptions"); err != nil || !has {
		return err
	}
	ids, err := sqlitedb.Column[int64](ctx, q, `SELECT DISTINCT session_id FROM push_subscriptions`)
	if err != nil {
		return err
	}
	for _, id := range ids {
		p.mark(id)
	}
	return nil
}

func (p *pushedNights) mark(sessionID int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil {
		p.m = map[int64]struct{}{}
	}
	p.m[sessionID] = struct{}{}
}

func (p *pushedNights) has(sessionID int64) bool {
	p.mu.RLock()
	defer p.mu.RUnlock()
	_, ok := p.m[sessionID]
	return ok
}

// HasPushSubscriptions reports whether a guest of the session may have a
// push subscription, from memory: false only when none was ever saved.
// In remote mode another machine may have saved one, so it is always true.
func (s *Store) HasPushSubscriptions(sessionID int64) bool {
	return s.remote || s.pushed.has(sessionID)
}

// Turns is who sings and who is next in a session now.
type Turns struct {
	Session    Session
	NowSinging *Request // nil when nobody is singing
	// NextUp is the song Start next starts now (Night.NextUp); nil when
	// only songs on hold, or none, wait.
	NextUp *Request
}

// Turns returns who sings and who is next: from the Night the store keeps
// when it is current, else with three small reads rather than the whole
// night. Errors: ENOTFOUND.
func (s *Store) Turns(ctx context.Context, sessionID int64) (Turns, error) {
	var version int64
	err := s.read.QueryRowContext(ctx, `SELECT version FROM sessions WHERE id = ?`, sessionID).Scan(&version)
	if errors.Is(err, sql.ErrNoRows) {
		return Turns{}, Errorf(ENOTFOUND, "There is no such session.")
	}
	if err != nil {
		return Turns{}, fmt.Errorf("session version: %w", err)
	}
	if n, ok := s.nights.current(sessionID, version); ok && n.Session.Version == version {
		t := Turns{Session: n.Session, NowSinging: n.NowSinging}
		if r, ok := n.NextUp(); ok {
			t.NextUp = &r
		}
		return t, nil
	}
	var t Turns
	err = s.inRead(ctx, func(tx *sql.Tx) error {
		var err error
		if t.Session, err = getSession(ctx, tx, sessionID); err != nil {
			return err
		}
		if err := scanMaybe(&t.NowSinging, tx.QueryRowContext(ctx, `SELECT `+requestColumns+`
			FROM requests r JOIN guests g ON g.id = r.guest_id
			WHERE r.session_id = ? AND r.status = 'singing' AND r.ended_at IS NULL`, sessionID)); err != nil {
			return fmt.Errorf("now singing: %w", err)
		}
		// The first waiting song of a singer who is not on hold, as
		// PassedOver reads the holds the Night shows.
		if err := scanMaybe(&t.NextUp, tx.QueryRowContext(ctx, `SELECT `+requestColumns+`
			FROM requests r JOIN guests g ON g.id = r.guest_id
			WHERE r.session_id = ? AND r.status = 'waiting' AND g.hold_since IS NULL
			ORDER BY r.position, r.id LIMIT 1`, sessionID)); err != nil {
			return fmt.Errorf("next up: %w", err)
		}
		return nil
	})
	return t, err
}

// scanMaybe sets *into to the request a row holds, and leaves it nil when
// there is none.
func scanMaybe(into **Request, row *sql.Row) error {
	r, err := scanRequest(row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	*into = &r
	return nil
}
