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
	if c.MaxStreams <= 0 {
		c.MaxStreams = DefaultMaxStreams
	}
	if c.Heartbeat <= 0 {
		c.Heartbeat = DefaultHeartbeat
	}
	if c.PollInterval <= 0 {
		c.PollInterval = DefaultPollInterval
	}
	if c.WriteTimeout <= 0 {
		c.WriteTimeout = DefaultWriteTimeout
	}
	if c.Buffer <= 0 {
		c.Buffer = DefaultBuffer
	}
	if c.Retry <= 0 {
		c.Retry = DefaultRetry
	}
	c.Log = cmp.Or(c.Log, slog.Default())
	return c
}
