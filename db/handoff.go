package db

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"
)

// A handoff lets a second browser on the same phone become the guest the
// first one is: an iPhone keeps a Home Screen web app's cookies apart from
// Safari's, so the web app the guest adds (for its pushes) would otherwise
// start as a stranger. It is the device token sealed (AES-256-GCM) under a
// key derived from the device key, bound to one night and an expiry: the
// address that carries it can be seen (Safari's history, a shared link),
// so it holds no cookie anyone could copy out of it, and it is worth
// nothing after its night or its lifetime. Opening it reads, never writes.

// HandoffLifetime is how long a handoff can be used: a night's length and
// more, for a host who never ends the night; the night's end ends it sooner.
const HandoffLifetime = 12 * time.Hour

// ErrHandoffForged is OpenHandoff's answer to a handoff this server did not
// seal for this night (made up, changed, or another night's): a guess.
var ErrHandoffForged = errors.New("not a handoff of this night")

// ErrHandoffSpent is OpenHandoff's answer to a genuine handoff that opens
// nothing any more: past its lifetime, its night ended, or its guest
// removed or gone.
var ErrHandoffSpent = errors.New("handoff no longer valid")

// handoffInfo separates the handoff key from every other use of the device key.
const handoffInfo = "karaoke handoff v1"

// Handoff seals deviceToken, a guest's own signed token, for sessionID. The
// device must be a present guest of the open night.
// Errors: EFORBIDDEN when it is not (or the token is unsigned).
func (s *Store) Handoff(ctx context.Context, sessionID int64, deviceToken string) (string, error) {
	notGuest := Errorf(EFORBIDDEN, "Only a guest of this night, on their own phone, can take it to the Home Screen.")
	if !s.DeviceTokenSigned(ctx, deviceToken) {
		return "", notGuest
	}
	if err := s.handoffGuest(ctx, sessionID, deviceToken); err != nil {
		if errors.Is(err, ErrHandoffSpent) {
			return "", notGuest
		}
		return "", err
	}
	aead, err := s.handoffAEAD(ctx)
	if err != nil {
		return "", err
	}
	expires := strconv.FormatInt(s.Now().Add(HandoffLifetime).Unix(), 36)
	nonce := randomBytes(aead.NonceSize())
	sealed := aead.Seal(nonce, nonce, []byte(deviceToken), handoffData(sessionID, expires))
	return expires + "." + base64.RawURLEncoding.EncodeToString(sealed), nil
}

// OpenHandoff returns the device token a handoff sealed for sessionID, if
// it is still good: within its lifetime, the night open, its guest there.
// Errors: ErrHandoffForged, ErrHandoffSpent, or the database's.
func (s *Store) OpenHandoff(ctx context.Context, sessionID int64, handoff string) (string, error) {
	expires, b64, ok := strings.Cut(handoff, ".")
	sealed, err := base64.RawURLEncoding.DecodeString(b64)
	if !ok || err != nil {
		return "", ErrHandoffForged
	}
	aead, err := s.handoffAEAD(ctx)
	if errors.Is(err, errNoDeviceKey) {
		return "", ErrHandoffForged // nothing was ever sealed here
	}
	if err != nil {
		return "", err
	}
	n := aead.NonceSize()
	if len(sealed) < n {
		return "", ErrHandoffForged
	}
	token, err := aead.Open(nil, sealed[:n], sealed[n:], handoffData(sessionID, expires))
	if err != nil {
		return "", ErrHandoffForged
	}
	until, err := strconv.ParseInt(expires, 36, 64)
	if err != nil || !s.Now().Before(time.Unix(until, 0)) {
		return "", ErrHandoffSpent
	}
	if err := s.handoffGuest(ctx, sessionID, string(token)); err != nil {
		return "", err
	}
	return string(token), nil
}

// handoffGuest is nil when deviceToken is a present guest of the open
// night sessionID, else ErrHandoffSpent (or the database's error).
func (s *Store) handoffGuest(ctx context.Context, sessionID int64, deviceToken string) error {
	sess, err := s.Session(ctx, sessionID)
	if err == nil && sess.Open() {
		var g Guest
		g, err = s.GuestByDevice(ctx, sessionID, deviceToken)
		if err == nil && !g.Removed() {
			return nil
		}
	}
	if err == nil || ErrorCode(err) == ENOTFOUND {
		return ErrHandoffSpent
	}
	return err
}

// handoffAEAD is AES-256-GCM under HMAC-SHA256(device key, handoffInfo).
func (s *Store) handoffAEAD(ctx context.Context) (cipher.AEAD, error) {
	key, err := s.deviceKeyFor(ctx, false)
	if err != nil {
		return nil, err
	}
	m := hmac.New(sha256.New, key)
	m.Write([]byte(handoffInfo))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// handoffData is what a handoff is bound to besides its sealed token.
func handoffData(sessionID int64, expires string) []byte {
	return []byte(handoffInfo + "\x00" + strconv.FormatInt(sessionID, 10) + "\x00" + expires)
}
