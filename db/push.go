package db

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// PushSubscription is where a guest's browser takes Web Push messages.
type PushSubscription struct {
	ID        int64
	SessionID int64
	GuestID   int64
	Endpoint  string
	P256dh    string
	Auth      string
	CreatedAt time.Time
	// ToldNext and ToldTurn are the requests this subscription was last
	// told are up next and have started; 0 for none.
	ToldNext, ToldTurn int64
	// Language is what its notifications speak (a BCP 47 tag): the guest's
	// page's when they subscribed; "" for the night's.
	Language string
}

// SavePushSubscription keeps a guest's push subscription, already checked
// (push.ParseSubscription). An endpoint already kept, for this guest or any
// other, is moved to this one with its new keys, so a repeated subscribe
// leaves one row. It changes nothing a Night shows, so the session's
// version stays. Errors: ENOTFOUND, ECONFLICT when the night has ended or
// the host removed the guest; EINVALID for a language tag too long.
func (s *Store) SavePushSubscription(ctx context.Context, sessionID, guestID int64, endpoint, p256dh, auth, language string) error {
	if err := checkLanguage(language); err != nil {
		return err
	}
	// Marked before the write, so a change committed meanwhile is looked
	// at; a write that fails leaves a mark that costs only a look.
	s.pushed.mark(sessionID)
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := openGuest(ctx, tx, sessionID, guestID)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO push_subscriptions (session_id, guest_id, endpoint, p256dh, auth, created_at, language)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (endpoint) DO UPDATE SET session_id = excluded.session_id, guest_id = excluded.guest_id,
				p256dh = excluded.p256dh, auth = excluded.auth, created_at = excluded.created_at, language = excluded.language,
				told_next = CASE WHEN guest_id = excluded.guest_id THEN told_next END,
				told_turn = CASE WHEN guest_id = excluded.guest_id THEN told_turn END`,
			sessionID, guestID, endpoint, p256dh, auth, s.nowMillis(), language)
		if err != nil {
			return fmt.Errorf("save push subscription: %w", err)
		}
		return nil
	})
	return err
}

// PushSubscriptions returns a guest's push subscriptions, oldest first.
func (s *Store) PushSubscriptions(ctx context.Context, guestID int64) ([]PushSubscription, error) {
	return sqlitedb.Collect(ctx, s.read, func(row sqlitedb.Scanner) (PushSubscription, error) {
		var p PushSubscription
		var created int64
		var next, turn sql.NullInt64
		err := row.Scan(&p.ID, &p.SessionID, &p.GuestID, &p.Endpoint, &p.P256dh, &p.Auth, &created, &next, &turn, &p.Language)
		p.CreatedAt, p.ToldNext, p.ToldTurn = fromMillis(created), next.Int64, turn.Int64
		return p, err
	}, `SELECT id, session_id, guest_id, endpoint, p256dh, auth, created_at, told_next, told_turn, language
		FROM push_subscriptions WHERE guest_id = ? ORDER BY id`, guestID)
}

// DeletePushSubscription forgets an endpoint the push service said is gone
// (404 or 410). An endpoint not kept is no error.
func (s *Store) DeletePushSubscription(ctx context.Context, endpoint string) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE endpoint = ?`, endpoint); err != nil {
			return fmt.Errorf("delete push subscription: %w", err)
		}
		return nil
	})
}

// SetPushTold records that a subscription was told request next is up next
// and request turn has started (0 leaves that one as it was). It changes
// nothing a Night shows, so the session's version stays.
func (s *Store) SetPushTold(ctx context.Context, subscriptionID, next, turn int64) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE push_subscriptions SET
			told_next = CASE WHEN ? = 0 THEN told_next ELSE ? END,
			told_turn = CASE WHEN ? = 0 THEN told_turn ELSE ? END WHERE id = ?`, next, next, turn, turn, subscriptionID)
		if err != nil {
			return fmt.Errorf("push told: %w", err)
		}
		return nil
	})
}

// ForgetPushSubscription forgets a guest's own subscription to endpoint,
// when they turn notifications off; another guest's is left alone, and an
// endpoint not kept is no error, so a second tap changes nothing.
func (s *Store) ForgetPushSubscription(ctx context.Context, guestID int64, endpoint string) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM push_subscriptions WHERE guest_id = ? AND endpoint = ?`, guestID, endpoint)
		if err != nil {
			return fmt.Errorf("forget push subscription: %w", err)
		}
		return nil
	})
}
