package live

import (
	"cmp"
	"log/slog"
	"time"
)

// Defaults for a zero Config.
const (
	DefaultMaxStreams   = 2000
	DefaultHeartbeat    = 15 * time.Second
	DefaultPollInterval = time.Second
	DefaultWriteTimeout = 10 * time.Second
	DefaultBuffer       = 8
	// DefaultRetry is the reconnect delay a stream asks browsers to use.
	DefaultRetry = 2 * time.Second

	// DefaultScreenShare is how many streams one client address may hold
	// on one session's TV page, or on its host page: a bar's few TVs, the
	// host's phone and laptop, and a guest or two watching the TV page,
	// all behind one NAT address.
	DefaultScreenShare = 8
	// DefaultTabShare is how many streams one guest's device may hold (its
	// open tabs), from one address.
	DefaultTabShare = 4
)

// Config tunes a Broker. Zero fields take the defaults above.
type Config struct {
	// MaxStreams caps the streams open at once, over all sessions; past it a
	// new stream is answered 503 with Retry-After.
	MaxStreams int
	// Heartbeat is how often an idle stream sends a comment, so proxies do
	// not close it. At most 20 s in production.
	Heartbeat time.Duration
	// PollInterval is how often the versions of watched sessions are read
	// from the database, to catch writes by other processes.
	PollInterval time.Duration
	// WriteTimeout bounds one write to a client; a client that cannot take
	// it in that time is dropped.
	WriteTimeout time.Duration
	// Buffer is how many changes may wait for a client that is slow to read
	// before it is dropped (it reconnects and gets the current state).
	Buffer int
	// Retry is the reconnect delay sent to browsers.
	Retry time.Duration

	// The fair shares, checked before MaxStreams, so that one client
	// cannot take every stream: past one, a new stream is answered 429.
	// A Listener's Client says who holds a stream.
	//
	// ClientShare caps the streams of one client address, over all
	// sessions; 0 is MaxStreams/4 (500 of the default 2000: a bar's 300
	// phones behind one NAT address with tabs to spare).
	ClientShare int
	// SessionShare caps the streams of one session, from every address; 0
	// is MaxStreams/2, so two sessions under attack leave room for others.
	// The host's page, which only the host may open, is let past it.
	SessionShare int
	// ScreenShare caps the streams one client holds on one session's TV
	// page, and on its host page; 0 is DefaultScreenShare.
	ScreenShare int
	// TabShare caps the streams one client holds on one guest's page; 0
	// is DefaultTabShare.
	TabShare int

	Log *slog.Logger
}

func (c Config) withDefaults() Config {
	c.MaxStreams = positiveOr(c.MaxStreams, DefaultMaxStreams)
	c.Heartbeat = positiveOr(c.Heartbeat, DefaultHeartbeat)
	c.PollInterval = positiveOr(c.PollInterval, DefaultPollInterval)
	c.WriteTimeout = positiveOr(c.WriteTimeout, DefaultWriteTimeout)
	c.Buffer = positiveOr(c.Buffer, DefaultBuffer)
	c.Retry = positiveOr(c.Retry, DefaultRetry)
	c.ScreenShare = positiveOr(c.ScreenShare, DefaultScreenShare)
	c.TabShare = positiveOr(c.TabShare, DefaultTabShare)
	// A small MaxStreams (a test's, or a tiny machine's) still lets one
	// client open a whole page's share: the global cap then answers first.
	c.ClientShare = positiveOr(c.ClientShare, max(c.MaxStreams/4, c.ScreenShare))
	c.SessionShare = positiveOr(c.SessionShare, max(c.MaxStreams/2, c.ScreenShare))
	c.Log = cmp.Or(c.Log, slog.Default())
	return c
}

// positiveOr is v, or fallback when v is zero or negative: unlike cmp.Or, a
// negative setting takes the default too.
func positiveOr[T int | time.Duration](v, fallback T) T {
	if v <= 0 {
		return fallback
	}
	return v
}
