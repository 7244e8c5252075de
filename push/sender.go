package push

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"

	webpush "github.com/SherClockHolmes/webpush-go"
)

// Defaults of a Sender's queue and tries.
const (
	DefaultQueue   = 256
	DefaultWorkers = 2
	DefaultTries   = 3
	DefaultTimeout = 10 * time.Second
	// DefaultTTL is how long a push service keeps a message for a phone
	// that is off: "you're up next" is worthless after a few minutes.
	DefaultTTL = 5 * 60
)

// ErrQueueFull is Send's answer when the queue has no room: the message is
// dropped, never waited for.
var ErrQueueFull = errors.New("push queue full")

// errNotAllowed is an endpoint the allow-list no longer permits (the
// server restarted with a narrower PUSH_ENDPOINTS_ALLOW): never tried.
var errNotAllowed = errors.New("push endpoint not allowed")

// Config is what a Sender needs, parsed already.
type Config struct {
	Keys  Keys
	Allow Allow
	// Subscriber is the app's https:// URL, the VAPID JWT's "sub" (a
	// mailto: is mangled by webpush-go v1.4.0 and refused by Apple).
	Subscriber string
	// Gone is told of an endpoint the push service answered 404 or 410 for:
	// the subscription has expired or was withdrawn, and is to be deleted.
	Gone func(ctx context.Context, endpoint string) error
	Log  *slog.Logger
	// Client sends the requests; nil means one with Timeout that follows
	// no redirect (a redirect could lead anywhere).
	Client *http.Client
	// Queue, Workers, Tries and Timeout default to the constants above;
	// Backoff (the wait before the second try, doubled after) to 1 s.
	Queue, Workers, Tries int
	Timeout, Backoff      time.Duration
}

// Sender sends messages from a bounded queue, on goroutines of its own.
type Sender struct {
	cfg    Config
	jobs   chan job
	stop   chan struct{}
	closed sync.Once
	wg     sync.WaitGroup
}

type job struct {
	sub     Subscription
	message []byte
	topic   string
}

// NewSender starts the workers; Close stops them.
func NewSender(cfg Config) *Sender {
	if cfg.Queue <= 0 {
		cfg.Queue = DefaultQueue
	}
	if cfg.Workers <= 0 {
		cfg.Workers = DefaultWorkers
	}
	if cfg.Tries <= 0 {
		cfg.Tries = DefaultTries
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = time.Second
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: cfg.Timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	s := &Sender{cfg: cfg, jobs: make(chan job, cfg.Queue), stop: make(chan struct{})}
	for range cfg.Workers {
		s.wg.Go(s.work)
	}
	return s
}

// PublicKey is the VAPID public key a browser subscribes with.
func (s *Sender) PublicKey() string { return s.cfg.Keys.Public }

// Allow is the list of push services the server sends to.
func (s *Sender) Allow() Allow { return s.cfg.Allow }

// Send queues message for sub and returns at once: ErrQueueFull when the
// queue is full, and nothing is sent. topic, when not empty, lets the push
// service replace an undelivered message of the same topic.
func (s *Sender) Send(sub Subscription, message []byte, topic string) error {
	select {
	case <-s.stop:
		return ErrQueueFull
	default:
	}
	select {
	case s.jobs <- job{sub: sub, message: message, topic: topic}:
		return nil
	default:
		s.cfg.Log.Warn("push queue full: message dropped")
		return ErrQueueFull
	}
}

// Close stops the workers; queued messages not yet sent are dropped.
func (s *Sender) Close() error {
	s.closed.Do(func() { close(s.stop) })
	s.wg.Wait()
	return nil
}

func (s *Sender) work() {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-s.stop
		cancel()
	}()
	for {
		select {
		case <-s.stop:
			return
		case j := <-s.jobs:
			s.deliver(ctx, j)
		}
	}
}

// deliver tries a message a few times, waiting longer after each failure
// the push service may recover from (no answer, 429, 5xx).
func (s *Sender) deliver(ctx context.Context, j job) {
	wait := s.cfg.Backoff
	for try := 1; ; try++ {
		status, err := s.post(ctx, j)
		switch {
		case err == nil && status/100 == 2:
			return
		case errors.Is(err, errNotAllowed):
			s.cfg.Log.Warn("push: endpoint not allowed, not sent")
			return
		case status == http.StatusNotFound || status == http.StatusGone:
			if s.cfg.Gone != nil {
				if err := s.cfg.Gone(ctx, j.sub.Endpoint); err != nil {
					s.cfg.Log.Error("push: forget a gone subscription", "err", err)
				}
			}
			return
		case err == nil && status != http.StatusTooManyRequests && status < 500:
			s.cfg.Log.Warn("push refused", "status", status)
			return
		case try >= s.cfg.Tries:
			s.cfg.Log.Warn("push not delivered", "tries", try, "status", status, "err", err)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait *= 2
	}
}

func (s *Sender) post(ctx context.Context, j job) (int, error) {
	if !s.cfg.Allow.Permits(j.sub.Endpoint) {
		return 0, errNotAllowed
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.Timeout)
	defer cancel()
	sub := &webpush.Subscription{Endpoint: j.sub.Endpoint,
		Keys: webpush.Keys{P256dh: j.sub.Keys.P256dh, Auth: j.sub.Keys.Auth}}
	res, err := webpush.SendNotificationWithContext(ctx, j.message, sub, &webpush.Options{
		HTTPClient:      s.cfg.Client,
		Subscriber:      s.cfg.Subscriber,
		Topic:           j.topic,
		TTL:             DefaultTTL,
		Urgency:         webpush.UrgencyHigh,
		VAPIDPublicKey:  s.cfg.Keys.Public,
		VAPIDPrivateKey: s.cfg.Keys.Private,
	})
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 4096))
	return res.StatusCode, nil
}
