package push

import (
	"bytes"
	"crypto/ecdh"
	"encoding/json"
	"errors"
	"fmt"
)

// MaxEndpoint is the longest endpoint URL taken (FCM's are about 190
// characters, Apple's and Microsoft's under 500).
const MaxEndpoint = 1024

// Subscription is what a browser's PushSubscription.toJSON() gives:
// where to send, and the keys to encrypt for (base64url, as sent).
type Subscription struct {
	Endpoint string `json:"endpoint"`
	Keys     struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// ErrSubscription is a subscription the server will not keep; the error
// wrapping it says why, in words a guest may read.
var ErrSubscription = errors.New("push subscription refused")

// ParseSubscription reads a PushSubscription's JSON as the browser sent
// it and checks it: an endpoint allow permits, a P-256 public key and a
// 16-byte auth secret.
func ParseSubscription(body []byte, allow Allow) (Subscription, error) {
	var s Subscription
	d := json.NewDecoder(bytes.NewReader(body))
	if err := d.Decode(&s); err != nil || d.More() {
		return Subscription{}, fmt.Errorf("%w: this is not a push subscription", ErrSubscription)
	}
	if s.Endpoint == "" || len(s.Endpoint) > MaxEndpoint || !allow.Permits(s.Endpoint) {
		return Subscription{}, fmt.Errorf("%w: this browser's push service is not one the app sends to", ErrSubscription)
	}
	p, err := decodeKey(s.Keys.P256dh)
	if err == nil {
		_, err = ecdh.P256().NewPublicKey(p)
	}
	if err != nil {
		return Subscription{}, fmt.Errorf("%w: the subscription's p256dh key is not a P-256 public key", ErrSubscription)
	}
	if a, err := decodeKey(s.Keys.Auth); err != nil || len(a) != 16 {
		return Subscription{}, fmt.Errorf("%w: the subscription's auth secret is not 16 bytes", ErrSubscription)
	}
	return s, nil
}
