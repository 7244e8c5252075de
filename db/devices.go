package db

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// A device token is what the karaoke_device cookie holds: a random part, a
// dot and the random part's HMAC-SHA256 under the server's device key, both
// URL-safe base64. The server checks the signature without a look-up, so a
// string a client made up ("attacker-chosen-1") is no device: it cannot
// make a guest nor stand for one in a rate limit. Tokens issued before
// signing (a bare random part) still find the guest they joined as, by the
// hash the store keeps, but can make nothing new.

// devicePurpose names the device key's row in server_keys.
const devicePurpose = "device"

// ErrUnsignedDevice is JoinSession's answer to a token the server did not
// sign, for a device that is not yet a guest of the session: the handler
// issues a signed token before joining, so this is a bug, not a user error.
var ErrUnsignedDevice = errors.New("a new guest needs a device token the server signed")

// errNoDeviceKey: the database has issued no device token yet.
var errNoDeviceKey = errors.New("no device key yet")

// NewDeviceToken issues a signed device token. The first one ever issued on
// a database creates its device key, which every process then shares.
// Errors: ECONFLICT on a store that cannot write and has no key yet.
func (s *Store) NewDeviceToken(ctx context.Context) (string, error) {
	key, err := s.deviceKeyFor(ctx, true)
	if err != nil {
		return "", err
	}
	random := base64.RawURLEncoding.EncodeToString(randomBytes(32))
	return random + "." + deviceMAC(key, random), nil
}

// DeviceTokenSigned reports whether the server signed token. A database
// with no key yet has signed nothing. A failure to read the key counts as
// unsigned: the token is then only looked up, never trusted.
func (s *Store) DeviceTokenSigned(ctx context.Context, token string) bool {
	random, mac, ok := strings.Cut(token, ".")
	if !ok || random == "" {
		return false
	}
	key, err := s.deviceKeyFor(ctx, false)
	if err != nil { // errNoDeviceKey among them
		return false
	}
	return hmac.Equal([]byte(mac), []byte(deviceMAC(key, random)))
}

func deviceMAC(key []byte, random string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(random))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// deviceKeyFor returns the device key, read once and then kept: it never
// changes. With create, a database without one gets one (the first process
// to write it wins; the others read it back); without, it returns
// errNoDeviceKey.
func (s *Store) deviceKeyFor(ctx context.Context, create bool) ([]byte, error) {
	if key := s.deviceKey.Load(); key != nil {
		return *key, nil
	}
	var key []byte
	err := s.read.QueryRowContext(ctx, `SELECT secret FROM server_keys WHERE purpose = ?`, devicePurpose).Scan(&key)
	switch {
	case errors.Is(err, sql.ErrNoRows) && create:
		err = s.inWrite(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO server_keys (purpose, secret, created_at) VALUES (?, ?, ?)
				ON CONFLICT (purpose) DO NOTHING`, devicePurpose, randomBytes(32), s.nowMillis()); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, `SELECT secret FROM server_keys WHERE purpose = ?`, devicePurpose).Scan(&key)
		})
	case errors.Is(err, sql.ErrNoRows):
		return nil, errNoDeviceKey
	}
	if err != nil {
		return nil, fmt.Errorf("device key: %w", err)
	}
	s.deviceKey.Store(&key)
	return key, nil
}
