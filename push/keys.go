// Package push sends Web Push messages (RFC 8291 aes128gcm, with VAPID,
// RFC 8292) to the push services guests' browsers subscribed with, through
// github.com/SherClockHolmes/webpush-go. It owns the server's VAPID keys,
// the list of push services the server may send to, and a bounded send
// queue that never holds up the write that asked for a message.
package push

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// KeysFile is the VAPID key pair's file in the data directory.
const KeysFile = "vapid-keys.json"

// Keys is the server's VAPID key pair, each half in unpadded base64url as
// browsers and webpush-go take them: Public the uncompressed P-256 point
// (65 bytes), Private the scalar (32 bytes).
type Keys struct {
	Public  string `json:"public"`
	Private string `json:"private"`
}

// ParseKeys checks a key pair given in the environment (VAPID_PUBLIC_KEY,
// VAPID_PRIVATE_KEY): both halves present, well formed and of one pair.
func ParseKeys(public, private string) (Keys, error) {
	if public == "" || private == "" {
		return Keys{}, errors.New("VAPID_PUBLIC_KEY and VAPID_PRIVATE_KEY must be set together")
	}
	priv, err := decodeKey(private)
	if err != nil {
		return Keys{}, fmt.Errorf("VAPID_PRIVATE_KEY is not base64url: %w", err)
	}
	key, err := ecdh.P256().NewPrivateKey(priv)
	if err != nil {
		return Keys{}, fmt.Errorf("VAPID_PRIVATE_KEY is not a P-256 private key: %w", err)
	}
	pub, err := decodeKey(public)
	if err != nil {
		return Keys{}, fmt.Errorf("VAPID_PUBLIC_KEY is not base64url: %w", err)
	}
	if string(key.PublicKey().Bytes()) != string(pub) {
		return Keys{}, errors.New("VAPID_PUBLIC_KEY is not the public half of VAPID_PRIVATE_KEY")
	}
	return Keys{Public: encodeKey(pub), Private: encodeKey(priv)}, nil
}

// LoadOrCreateKeys reads the key pair kept in dir, or makes one and keeps
// it there (mode 0600) the first time. The file is in no backup and is
// replicated nowhere: a lost pair only means guests subscribe again.
func LoadOrCreateKeys(dir string) (Keys, error) {
	path := filepath.Join(dir, KeysFile)
	b, err := os.ReadFile(path)
	if err == nil {
		var k Keys
		if err := json.Unmarshal(b, &k); err != nil {
			return Keys{}, fmt.Errorf("%s: %w", path, err)
		}
		k, err = ParseKeys(k.Public, k.Private)
		if err != nil {
			return Keys{}, fmt.Errorf("%s: %w", path, err)
		}
		return k, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return Keys{}, fmt.Errorf("read VAPID keys: %w", err)
	}
	k, err := newKeys()
	if err != nil {
		return Keys{}, err
	}
	b, err = json.Marshal(k)
	if err != nil {
		return Keys{}, err
	}
	// O_EXCL: two servers starting on one directory never both write.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return Keys{}, fmt.Errorf("keep VAPID keys: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(path)
		return Keys{}, fmt.Errorf("keep VAPID keys: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return Keys{}, fmt.Errorf("keep VAPID keys: %w", err)
	}
	return k, f.Close()
}

func newKeys() (Keys, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return Keys{}, fmt.Errorf("make VAPID keys: %w", err)
	}
	e, err := key.ECDH()
	if err != nil {
		return Keys{}, fmt.Errorf("make VAPID keys: %w", err)
	}
	return Keys{Public: encodeKey(e.PublicKey().Bytes()), Private: encodeKey(e.Bytes())}, nil
}

func encodeKey(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// decodeKey reads base64url with or without padding, as browsers and
// key generators write it.
func decodeKey(s string) ([]byte, error) {
	if b, err := base64.RawURLEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.URLEncoding.DecodeString(s)
}
