package db

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
)

// A browser that hosts a session keeps its host key in a cookie sent only to
// that session's /host/ pages. So that the home page can list the nights a
// browser hosts without receiving any key, the browser also keeps, for each
// one, a host mark: a one-way function of the key's stored hash. A mark
// proves to the home page that the browser held the session's current key
// (a rotated key or a purged session no longer matches), and opens nothing:
// no route takes a mark in place of a key.

// HostedNight is a session a browser says it hosts, with its host mark.
type HostedNight struct {
	SessionID int64
	Mark      string
}

// hostMarkLabel keeps marks apart from any other use of the key's hash.
const hostMarkLabel = "karaoke host mark\x00"

// HostMark returns the host mark of a host key.
func HostMark(hostKey string) string { return markOf(hashToken(hostKey)) }

func markOf(keyHash []byte) string {
	sum := sha256.Sum256(append([]byte(hostMarkLabel), keyHash...))
	return hex.EncodeToString(sum[:8])
}

// HostedSessions returns, in the order given, the sessions whose host key
// still has the given mark; the others (a key made new since, a session
// purged, a mark made up) are left out.
func (s *Store) HostedSessions(ctx context.Context, nights []HostedNight) ([]Session, error) {
	var out []Session
	for _, n := range nights {
		var hash []byte
		err := s.read.QueryRowContext(ctx, `SELECT host_secret_hash FROM sessions WHERE id = ?`, n.SessionID).Scan(&hash)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("hosted session %d: %w", n.SessionID, err)
		}
		if subtle.ConstantTimeCompare([]byte(markOf(hash)), []byte(n.Mark)) != 1 {
			continue
		}
		sess, err := getSession(ctx, s.read, n.SessionID)
		if ErrorCode(err) == ENOTFOUND {
			continue // purged between the two reads
		}
		if err != nil {
			return nil, err
		}
		out = append(out, sess)
	}
	return out, nil
}

// RotateHostKey gives the session a new host key and returns it: the old
// key, and so every host link and host cookie made from it, stops working.
// Errors: ENOTFOUND.
func (s *Store) RotateHostKey(ctx context.Context, sessionID int64) (string, error) {
	hostKey := NewToken()
	err := s.inSessionWrite(ctx, sessionID, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE sessions SET host_secret_hash = ? WHERE id = ?`, hashToken(hostKey), sessionID)
		if err != nil {
			return fmt.Errorf("rotate host key: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ENOTFOUND, "There is no such session.")
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return hostKey, nil
}
