package push

import (
	"bytes"
	"crypto/ecdh"
	"encoding/json"
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

// SubscriptionError is a subscription the server will not keep; Reason
// says why, in words a guest may read.
type SubscriptionError struct{ Reason string }

func (e *SubscriptionError) Error() string { return "push subscription refused: " + e.Reason }

func refuse(reason string) error { return &SubscriptionError{Reason: reason} }

// ParseSubscription reads a PushSubscription's JSON as the browser sent
// it and checks it: an endpoint allow permits, a P-256 public key and a
// 16-byte auth secret.
func ParseSubscription(body []byte, allow Allow) (Subscription, error) {
	var s Subscription
	d := json.NewDecoder(bytes.NewReader(body))
	if err := d.Decode(&s); err != nil || d.More() {
		return Subscription{}, refuse("This is not a push subscription.")
	}
	if s.Endpoint == "" || len(s.Endpoint) > MaxEndpoint || !allow.Permits(s.Endpoint) {
		return Subscription{}, refuse("This browser's push service is not one the app sends notifications to.")
	}
	p, err := decodeKey(s.Keys.P256dh)
	if err == nil {
		_, err = ecdh.P256().NewPublicKey(p)
	}
	if err != nil {
		return Subscription{}, refuse("The subscription's p256dh key is not a P-256 public key.")
	}
	if a, err := decodeKey(s.Keys.Auth); err != nil || len(a) != 16 {
		return Subscription{}, refuse("The subscription's auth secret is not 16 bytes.")
	}
	return s, nil
}
