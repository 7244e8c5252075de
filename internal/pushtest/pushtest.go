// Package pushtest is a push service for tests: an HTTP server on
// 127.0.0.1 that takes Web Push messages as FCM or Mozilla would, checks
// each one's VAPID JWT (RFC 8292) and decrypts its aes128gcm payload
// (RFC 8291) with the private key of a subscriber the test made, so a test
// reads what a phone would show.
package pushtest

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/golang-jwt/jwt/v5"
	"github.com/karaoke-night/karaoke/push"
)

// Message is one push the service took: which subscriber, and the text.
type Message struct {
	Subscriber string // the name given to Subscribe
	Body       string
	Topic      string
}

// Service is the push service. Its zero value is not usable: call Start.
type Service struct {
	URL string // the base of every endpoint, ending in "/"

	t      testing.TB
	vapid  *ecdsa.PublicKey
	server *httptest.Server

	mu       sync.Mutex
	subs     map[string]*subscriber
	messages []Message
	refused  []string // why each refused request was refused
}

type subscriber struct {
	key    *ecdh.PrivateKey
	auth   []byte
	status int // what the service answers a push to it
}

// Start starts a service that takes messages signed with the VAPID key
// pair whose public half is vapidPublic (base64url); the test's Cleanup
// stops it.
func Start(t testing.TB, vapidPublic string) *Service {
	t.Helper()
	raw, err := base64.RawURLEncoding.DecodeString(vapidPublic)
	if err != nil {
		t.Fatalf("VAPID public key: %v", err)
	}
	pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw)
	if err != nil {
		t.Fatalf("VAPID public key: %v", err)
	}
	s := &Service{t: t, vapid: pub, subs: map[string]*subscriber{}}
	s.server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.server.Close)
	s.URL = s.server.URL + "/"
	return s
}

// Subscribe makes a subscriber (a P-256 key pair and an auth secret, as a
// browser makes) and returns its subscription, whose endpoint is on s.
func (s *Service) Subscribe(name string) push.Subscription {
	key, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		s.t.Fatal(err)
	}
	auth := make([]byte, 16)
	rand.Read(auth)
	s.mu.Lock()
	s.subs[name] = &subscriber{key: key, auth: auth, status: http.StatusCreated}
	s.mu.Unlock()
	var sub push.Subscription
	sub.Endpoint = s.URL + "push/" + name
	sub.Keys.P256dh = base64.RawURLEncoding.EncodeToString(key.PublicKey().Bytes())
	sub.Keys.Auth = base64.RawURLEncoding.EncodeToString(auth)
	return sub
}

// Answer sets the status the service answers pushes to name with, such as
// 410 Gone for a subscription the browser dropped.
func (s *Service) Answer(name string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subs[name].status = status
}

// Messages returns the messages taken so far, in order.
func (s *Service) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Refused returns why each request the service refused was refused.
func (s *Service) Refused() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.refused...)
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, "/push/")
	s.mu.Lock()
	sub := s.subs[name]
	s.mu.Unlock()
	if !ok || sub == nil || r.Method != http.MethodPost {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 8192))
	if err == nil {
		err = s.checkVAPID(r)
	}
	if err == nil && r.Header.Get("Content-Encoding") != "aes128gcm" {
		err = fmt.Errorf("Content-Encoding %q", r.Header.Get("Content-Encoding"))
	}
	if err == nil && r.Header.Get("TTL") == "" {
		err = errors.New("no TTL")
	}
	var text []byte
	if err == nil {
		text, err = decrypt(sub, body)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil {
		s.refused = append(s.refused, err.Error())
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if sub.status/100 == 2 {
		s.messages = append(s.messages, Message{Subscriber: name, Body: string(text), Topic: r.Header.Get("Topic")})
	}
	w.WriteHeader(sub.status)
}

// checkVAPID checks the Authorization header: "vapid t=<JWT>, k=<key>",
// the key the server's, the JWT signed by it with ES256 for this origin,
// not expired, and its subscriber an https:// URL.
func (s *Service) checkVAPID(r *http.Request) error {
	params, ok := strings.CutPrefix(r.Header.Get("Authorization"), "vapid ")
	if !ok {
		return errors.New("no vapid Authorization")
	}
	var token, key string
	for p := range strings.SplitSeq(params, ",") {
		p = strings.TrimSpace(p)
		if v, ok := strings.CutPrefix(p, "t="); ok {
			token = v
		} else if v, ok := strings.CutPrefix(p, "k="); ok {
			key = v
		}
	}
	raw, err := base64.RawURLEncoding.DecodeString(key)
	if err != nil {
		return fmt.Errorf("vapid k: %w", err)
	}
	if pub, err := ecdsa.ParseUncompressedPublicKey(elliptic.P256(), raw); err != nil || !pub.Equal(s.vapid) {
		return errors.New("vapid k is not the server's key")
	}
	claims := jwt.MapClaims{}
	_, err = jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return s.vapid, nil },
		jwt.WithValidMethods([]string{"ES256"}), jwt.WithAudience("http://"+r.Host), jwt.WithExpirationRequired())
	if err != nil {
		return fmt.Errorf("vapid JWT: %w", err)
	}
	if sub, _ := claims["sub"].(string); !strings.HasPrefix(sub, "https://") {
		return fmt.Errorf("vapid sub %q is not an https:// URL", sub)
	}
	return nil
}

// decrypt undoes RFC 8291's aes128gcm: a header (salt, record size, the
// sender's public key), then one record sealed with a key and nonce
// derived from the ECDH secret and the subscriber's auth secret.
func decrypt(sub *subscriber, body []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("body too short for an aes128gcm header")
	}
	salt, idLen := body[:16], int(body[20])
	rs := binary.BigEndian.Uint32(body[16:20])
	if len(body) < 21+idLen || idLen != 65 {
		return nil, fmt.Errorf("key id of %d bytes", idLen)
	}
	asPublic, record := body[21:21+idLen], body[21+idLen:]
	if uint32(len(record)) > rs {
		return nil, fmt.Errorf("a record of %d bytes, more than the record size %d", len(record), rs)
	}
	peer, err := ecdh.P256().NewPublicKey(asPublic)
	if err != nil {
		return nil, fmt.Errorf("sender's key: %w", err)
	}
	secret, err := sub.key.ECDH(peer)
	if err != nil {
		return nil, err
	}
	info := "WebPush: info\x00" + string(sub.key.PublicKey().Bytes()) + string(asPublic)
	ikm, err := hkdf.Key(sha256.New, secret, sub.auth, info, 32)
	if err != nil {
		return nil, err
	}
	prk, err := hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		return nil, err
	}
	cek, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16)
	if err != nil {
		return nil, err
	}
	nonce, err := hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12)
	if err != nil {
		return nil, err
	}
	block, err := aes.NewCipher(cek)
	if err != nil {
		return nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	plain, err := gcm.Open(nil, nonce, record, nil)
	if err != nil {
		return nil, fmt.Errorf("decrypt: %w", err)
	}
	// The last record ends with the delimiter 2, then zero or more 0s.
	end := len(plain) - 1
	for end >= 0 && plain[end] == 0 {
		end--
	}
	if end < 0 || plain[end] != 2 {
		return nil, errors.New("no last-record delimiter")
	}
	return plain[:end], nil
}
