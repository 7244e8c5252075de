package views

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"strings"
)

// RetapField is the hidden field of a form's one-time key (see the retap
// middleware in handlers): the same key posted again gets the first post's
// answer and changes nothing.
const RetapField = "retap"

// MessageRetapPending is the answer to a repeated post whose first post
// has no answer yet after a long wait (or the server stopped before keeping it).
const MessageRetapPending = "That was already sent and its answer is not known yet. Reload the page to see whether it went through."

// newRetapKey makes a form's one-time key: 26 characters of base32, 130
// random bits. A render to be kept and served again (see Reusable) gets
// RetapSlot instead, which the handler replaces with a fresh key each
// time the bytes are sent (handlers/keptpage.go).
func newRetapKey(ctx context.Context) string {
	if ctx.Value(reusableKey{}) != nil {
		return RetapSlot
	}
	return rand.Text()
}

// RetapSlot stands in for a one-time key in a render that is kept: the
// shape of a key, and one rand.Text would give once in 2^130.
const RetapSlot = "RETAPSLQTFILLEDWHENSENT222"

type reusableKey struct{}

// Reusable marks a render whose bytes are kept and sent to more than one
// request (a page of a night's version): its one-time keys are left as
// RetapSlot, which the handler fills with a fresh key for each answer.
func Reusable(ctx context.Context) context.Context {
	return context.WithValue(ctx, reusableKey{}, true)
}

// IsRetapKey reports whether key has the shape newRetapKey gives.
func IsRetapKey(key string) bool {
	if len(key) != 26 {
		return false
	}
	for _, c := range key {
		if (c < 'A' || c > 'Z') && (c < '2' || c > '7') {
			return false
		}
	}
	return true
}

// StateKey is the one-time key of a form in a live region, made from the
// state the form acts on rather than at random: the region is rendered
// again at every change of the night and sent only when it differs, so a
// random key would send it every time. parts must name a state that never
// comes back (the host's newest action id among them, or the URL of a
// withdrawal, which happens once); the key has the shape newRetapKey gives.
func StateKey(parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:16])
}

// withRetapKey is a multipart form's URL with a new one-time key in its
// query: the server streams such a body to its handler, so the key cannot
// wait in it.
func withRetapKey(ctx context.Context, url string) string {
	return url + "?" + RetapField + "=" + newRetapKey(ctx)
}
