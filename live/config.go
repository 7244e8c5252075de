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
	Log   *slog.Logger
}

func (c Config) withDefaults() Config {
	c.MaxStreams = positiveOr(c.MaxStreams, DefaultMaxStreams)
	c.Heartbeat = positiveOr(c.Heartbeat, DefaultHeartbeat)
	c.PollInterval = positiveOr(c.PollInterval, DefaultPollInterval)
	c.WriteTimeout = positiveOr(c.WriteTimeout, DefaultWriteTimeout)
	c.Buffer = positiveOr(c.Buffer, DefaultBuffer)
	c.Retry = positiveOr(c.Retry, DefaultRetry)
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
