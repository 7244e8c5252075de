package db

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
)

// NewToken returns a random URL-safe token of 256 bits, used for host keys
// and device tokens. Only its hash is ever stored.
func NewToken() string {
	return base64.RawURLEncoding.EncodeToString(randomBytes(32))
}

func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails: crypto/rand panics rather than return short
	return b
}

func hashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

func tokenMatches(token string, hash []byte) bool {
	return token != "" && subtle.ConstantTimeCompare(hashToken(token), hash) == 1
}
