package push_test

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/pushtest"
	"github.com/karaoke-night/karaoke/internal/wait"
	"github.com/karaoke-night/karaoke/push"
)

func TestKeysAreMadeOnceAndKeptPrivate(t *testing.T) {
	dir := t.TempDir()
	k, err := push.LoadOrCreateKeys(dir)
	if err != nil {
		t.Fatal(err)
	}
	again, err := push.LoadOrCreateKeys(dir)
	if err != nil || again != k {
		t.Fatalf("second load = %v, %v; want the same keys", again, err)
	}
	fi, err := os.Stat(filepath.Join(dir, push.KeysFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("keys file mode %v, %v; want 0600", fi.Mode(), err)
	}
	if _, err := push.ParseKeys(k.Public, k.Private); err != nil {
		t.Fatalf("ParseKeys(made keys): %v", err)
	}
	other, _ := push.LoadOrCreateKeys(t.TempDir())
	for _, c := range [][2]string{{other.Public, k.Private}, {k.Public, ""}, {"", k.Private}, {k.Public, "not base64!"}, {k.Public, "AAAA"}} {
		if _, err := push.ParseKeys(c[0], c[1]); err == nil {
			t.Errorf("ParseKeys(%q, %q) took a bad pair", c[0], c[1])
		}
	}
}

func TestAllowListRefusesOtherAddresses(t *testing.T) {
	allow, err := push.ParseAllow(push.DefaultAllow)
	if err != nil {
		t.Fatal(err)
	}
	for _, ok := range []string{
		"https://fcm.googleapis.com/fcm/send/abc:def",
		"https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
		"https://web.push.apple.com/QGl0Z",
		"https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
	} {
		if !allow.Permits(ok) {
			t.Errorf("refused %s", ok)
		}
	}
	for _, bad := range []string{
		"http://fcm.googleapis.com/fcm/send/x",
		"https://fcm.googleapis.com.evil.example/x",
		"https://fcm.googleapis.com:8443/x",
		"https://user@fcm.googleapis.com/x",
		"https://notify.windows.com.evil.example/w",
		"https://evilnotify.windows.com/w",
		"https://127.0.0.1/push",
		"http://169.254.169.254/latest/meta-data",
		"file:///etc/passwd",
		"not a url",
		"",
	} {
		if allow.Permits(bad) {
			t.Errorf("permitted %s", bad)
		}
	}
	if _, err := push.ParseAllow("ftp://x/, "); err == nil {
		t.Error("ParseAllow took ftp://")
	}
	if _, err := push.ParseAllow(" , "); err == nil {
		t.Error("ParseAllow took an empty list")
	}
}

type gone struct {
	mu        sync.Mutex
	endpoints []string
}

func (g *gone) forget(_ context.Context, endpoint string) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.endpoints = append(g.endpoints, endpoint)
	return nil
}

func (g *gone) list() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]string(nil), g.endpoints...)
}

func newSender(t *testing.T, cfg push.Config) (*push.Sender, *pushtest.Service) {
	keys, err := push.LoadOrCreateKeys(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	svc := pushtest.Start(t, keys.Public)
	cfg.Keys = keys
	if cfg.Allow == nil {
		cfg.Allow, err = push.ParseAllow(svc.URL)
		if err != nil {
			t.Fatal(err)
		}
	}
	cfg.Subscriber = "https://karaoke.example"
	cfg.Backoff = 10 * time.Millisecond
	s := push.NewSender(cfg)
	t.Cleanup(func() { s.Close() })
	return s, svc
}

func TestSentMessageArrivesReadable(t *testing.T) {
	g := &gone{}
	s, svc := newSender(t, push.Config{Gone: g.forget})
	ana, ben := svc.Subscribe("ana"), svc.Subscribe("ben")
	svc.Answer("ben", http.StatusGone)
	if err := s.Send(ana, []byte(`{"title":"You're up next at Friday Night Mics"}`), "turn"); err != nil {
		t.Fatal(err)
	}
	if err := s.Send(ben, []byte("hello"), ""); err != nil {
		t.Fatal(err)
	}
	wait.Eventually(t, 5*time.Second, func() bool { return len(svc.Messages()) == 1 && len(g.list()) == 1 }, "ana's message and ben's 410")
	m := svc.Messages()[0]
	if m.Subscriber != "ana" || m.Body != `{"title":"You're up next at Friday Night Mics"}` || m.Topic != "turn" {
		t.Errorf("message = %+v", m)
	}
	if got := g.list(); got[0] != ben.Endpoint {
		t.Errorf("gone = %v, want ben's endpoint", got)
	}
	if r := svc.Refused(); len(r) != 0 {
		t.Errorf("the push service refused: %v", r)
	}
}

func TestSenderRetriesAServiceThatFails(t *testing.T) {
	s, svc := newSender(t, push.Config{Tries: 3})
	ana := svc.Subscribe("ana")
	svc.Answer("ana", http.StatusServiceUnavailable)
	if err := s.Send(ana, []byte("one"), ""); err != nil {
		t.Fatal(err)
	}
	// Let the first try fail, then let the service recover.
	time.Sleep(5 * time.Millisecond)
	svc.Answer("ana", http.StatusCreated)
	wait.Eventually(t, 5*time.Second, func() bool { return len(svc.Messages()) == 1 }, "the retried message")
}

func TestSendNeverWaitsForAFullQueue(t *testing.T) {
	// One worker and a queue of one; the push service is an address that
	// takes the connection and never answers, so the worker is stuck.
	keys, _ := push.LoadOrCreateKeys(t.TempDir())
	allow, _ := push.ParseAllow("https://fcm.googleapis.com/")
	block := make(chan struct{})
	client := &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
		return nil, r.Context().Err()
	})}
	s := push.NewSender(push.Config{Keys: keys, Allow: allow, Subscriber: "https://k.example", Client: client, Queue: 1, Workers: 1, Tries: 1})
	defer func() { close(block); s.Close() }()
	var sub push.Subscription
	sub.Endpoint = "https://fcm.googleapis.com/fcm/send/x"
	sub.Keys.P256dh, sub.Keys.Auth = keys.Public, "AAAAAAAAAAAAAAAAAAAAAA"
	start := time.Now()
	full := 0
	for range 10 {
		if s.Send(sub, []byte("x"), "") == push.ErrQueueFull {
			full++
		}
	}
	if took := time.Since(start); took > 100*time.Millisecond || full < 8 {
		t.Errorf("10 sends took %v with %d refused as full; want at once, 8 or 9 refused", took, full)
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
