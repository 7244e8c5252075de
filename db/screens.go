package db

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// A TV pairs with a night by a code it shows (/tv): a TV is the random
// token of its cookie, of which the store keeps only the hash, and its
// code is kept only as a keyed hash, so neither can be read back from the
// database; the TV's browser keeps the code it shows (see ScreenByToken).

// PairCodeLife is how long a pairing code pairs its TV.
const PairCodeLife = 10 * time.Minute

// PairCodeDigits is how many digits a pairing code has.
const PairCodeDigits = 6

// Screen is a TV, waiting with a code or showing a night.
type Screen struct {
	ID int64
	// SessionID is the night the TV shows; 0 while it waits.
	SessionID int64
	PairedAt  time.Time
	// Code is the code the TV shows, only when the TV itself said it and
	// it still pairs (see ScreenByToken and NewPairCode); CodeExpires is
	// when the code waiting, if any, stops pairing.
	Code        string
	CodeExpires time.Time
}

// Waiting reports whether the screen shows a code that still pairs at now.
func (s Screen) Waiting(now time.Time) bool { return s.Code != "" && now.Before(s.CodeExpires) }

// ParsePairCode returns a typed pairing code in its one form (six digits,
// spaces and dashes dropped), or false for text that is no possible code.
func ParsePairCode(typed string) (string, bool) {
	code := make([]byte, 0, PairCodeDigits)
	for _, c := range []byte(typed) {
		switch {
		case c >= '0' && c <= '9':
			code = append(code, c)
		case c == ' ' || c == '-':
		default:
			return "", false
		}
	}
	return string(code), len(code) == PairCodeDigits
}

// pairMAC is the keyed hash a code is kept and looked up by.
func pairMAC(key []byte, code string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("tv pairing code\x00"))
	m.Write([]byte(code))
	return m.Sum(nil)
}

// newPairCode is six random digits from crypto/rand.
func newPairCode() string {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		panic(err) // crypto/rand does not fail
	}
	return fmt.Sprintf("%06d", n.Int64())
}

// ScreenByToken returns the TV whose cookie holds token. shown is the code
// the TV's browser says it shows: the screen's Code is set to it only if
// it is the TV's code and still pairs (compared by keyed hash, in constant
// time). Errors: ENOTFOUND for a token no TV has.
func (s *Store) ScreenByToken(ctx context.Context, token, shown string) (Screen, error) {
	var sc Screen
	var session, paired, expires sql.NullInt64
	var codeHash []byte
	err := s.read.QueryRowContext(ctx, `SELECT id, session_id, paired_at, code_hash, code_expires_at
		FROM tv_screens WHERE token_hash = ?`, hashToken(token)).Scan(&sc.ID, &session, &paired, &codeHash, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return Screen{}, Errorf(ENOTFOUND, "This TV is not known.")
	}
	if err != nil {
		return Screen{}, fmt.Errorf("screen: %w", err)
	}
	sc.SessionID = session.Int64
	if paired.Valid {
		sc.PairedAt = fromMillis(paired.Int64)
	}
	if expires.Valid {
		sc.CodeExpires = fromMillis(expires.Int64)
	}
	if codeHash == nil || shown == "" || !sc.CodeExpires.After(s.Now()) {
		return sc, nil
	}
	key, err := s.deviceKeyFor(ctx, false)
	if err != nil {
		return sc, nil // no key: no code was ever made
	}
	if hmac.Equal(pairMAC(key, shown), codeHash) {
		sc.Code = shown
	}
	return sc, nil
}

// NewPairCode gives the TV whose cookie holds token (a new one, or one
// unpaired or whose night ended) a new code that pairs it for
// PairCodeLife, and returns it with the code. The code is unlike every
// other code that still pairs.
func (s *Store) NewPairCode(ctx context.Context, token string) (Screen, error) {
	key, err := s.deviceKeyFor(ctx, true)
	if err != nil {
		return Screen{}, err
	}
	now := s.Now()
	sc := Screen{CodeExpires: now.Add(PairCodeLife)}
	err = s.inWrite(ctx, func(tx *sql.Tx) error {
		// Codes that no longer pair free their numbers.
		if _, err := tx.ExecContext(ctx, `UPDATE tv_screens SET code_hash = NULL, code_expires_at = NULL
			WHERE code_expires_at <= ?`, now.UnixMilli()); err != nil {
			return fmt.Errorf("expire pairing codes: %w", err)
		}
		for range 20 {
			sc.Code = newPairCode()
			err := tx.QueryRowContext(ctx, `INSERT INTO tv_screens (token_hash, code_hash, code_expires_at, created_at)
				VALUES (?, ?, ?, ?)
				ON CONFLICT (token_hash) DO UPDATE SET code_hash = excluded.code_hash,
					code_expires_at = excluded.code_expires_at, session_id = NULL, paired_at = NULL
				RETURNING id`,
				hashToken(token), pairMAC(key, sc.Code), sc.CodeExpires.UnixMilli(), now.UnixMilli()).Scan(&sc.ID)
			if sqlitedb.Violated(err) == sqlitedb.Unique {
				continue // another TV shows this code: draw again
			}
			if err != nil {
				return fmt.Errorf("new pairing code: %w", err)
			}
			return nil
		}
		return Errorf(ECONFLICT, "No pairing code is free right now. Wait a minute; this page will try again by itself.")
	})
	if err != nil {
		return Screen{}, err
	}
	return sc, nil
}

// The messages PairScreen gives about the code typed.
const (
	MessagePairCodeWrong = "No TV shows that code. Check the six digits on the TV and type them again; a code lasts 10 minutes."
	MessagePairNightOver = "This night has ended, so no TV can show it."
)

// PairScreen makes the TV that shows code (already parsed by
// ParsePairCode) show the night sessionID, and uses the code up. Errors:
// EINVALID on field "code" for a code no TV shows now (wrong, used or
// expired); ECONFLICT once the night has ended; ENOTFOUND.
func (s *Store) PairScreen(ctx context.Context, sessionID int64, code string) (Screen, error) {
	key, err := s.deviceKeyFor(ctx, false)
	if errors.Is(err, errNoDeviceKey) {
		return Screen{}, FieldErrorf(EINVALID, "code", MessagePairCodeWrong)
	}
	if err != nil {
		return Screen{}, err
	}
	now := s.nowMillis()
	sc := Screen{SessionID: sessionID, PairedAt: fromMillis(now)}
	err = s.inWrite(ctx, func(tx *sql.Tx) error {
		var ended sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT ended_at FROM sessions WHERE id = ?`, sessionID).Scan(&ended)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "There is no such session.")
		}
		if err != nil {
			return fmt.Errorf("pair: read session: %w", err)
		}
		if ended.Valid {
			return Errorf(ECONFLICT, MessagePairNightOver)
		}
		err = tx.QueryRowContext(ctx, `UPDATE tv_screens SET session_id = ?, paired_at = ?, code_hash = NULL, code_expires_at = NULL
			WHERE code_hash = ? AND code_expires_at > ? RETURNING id`, sessionID, now, pairMAC(key, code), now).Scan(&sc.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return FieldErrorf(EINVALID, "code", MessagePairCodeWrong)
		}
		if err != nil {
			return fmt.Errorf("pair: %w", err)
		}
		return nil
	})
	if err != nil {
		return Screen{}, err
	}
	return sc, nil
}

// UnpairScreen stops the TV screenID showing the night sessionID; it then
// shows a new code. A TV that no longer shows that night is no error: a
// second tap changes nothing.
func (s *Store) UnpairScreen(ctx context.Context, sessionID, screenID int64) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE tv_screens SET session_id = NULL, paired_at = NULL
			WHERE id = ? AND session_id = ?`, screenID, sessionID); err != nil {
			return fmt.Errorf("unpair: %w", err)
		}
		return nil
	})
}

// SessionScreens returns the TVs that show the night, first paired first.
func (s *Store) SessionScreens(ctx context.Context, sessionID int64) ([]Screen, error) {
	return sqlitedb.Collect(ctx, s.read, func(row sqlitedb.Scanner) (Screen, error) {
		sc := Screen{SessionID: sessionID}
		var paired int64
		err := row.Scan(&sc.ID, &paired)
		sc.PairedAt = fromMillis(paired)
		return sc, err
	}, `SELECT id, paired_at FROM tv_screens WHERE session_id = ? ORDER BY paired_at, id`, sessionID)
}
