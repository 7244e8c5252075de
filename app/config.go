// Package app puts the karaoke server together: configuration, the data
// directory, the store, the handlers and the HTTP server, started and
// stopped by one Run. cmd/karaoke and the tests both start it this way.
package app

import (
	"cmp"
	"fmt"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/live"
	"github.com/karaoke-night/karaoke/push"
)

// Config is the server's configuration. FromEnv reads it from the
// environment; the README lists every variable.
type Config struct {
	// Addr is the address to listen on, such as ":8080" or "127.0.0.1:0".
	Addr string
	// DataDir holds everything the app keeps: the database and the QR images.
	DataDir string
	// DatabaseURL is the database's file: URL; empty in remote mode.
	DatabaseURL string
	// RemoteURL is, in remote mode, the libSQL database every machine
	// shares (DATABASE_URL=libsql://… or http(s)://…; see remote.go), and
	// RemoteToken its auth token (TURSO_AUTH_TOKEN).
	RemoteURL, RemoteToken string
	// PublicURL is the base of join links and QR codes, scheme and host
	// only: PUBLIC_URL, or on Fly.io https://FLY_APP_NAME.fly.dev. Nil means
	// the scheme and host of the first request that needs a join link,
	// pinned for the life of the process (see handlers.Config).
	PublicURL *url.URL
	// MinFreeDisk is the free space on DataDir's file system, in bytes,
	// below which /healthz answers 503 (MIN_FREE_DISK_MB).
	MinFreeDisk uint64
	// BackupsKept is how many backups DATA_DIR/backups keeps.
	BackupsKept int
	// RequireVolume refuses to start unless DataDir is a mounted volume
	// (on Fly.io, where FLY_APP_NAME is set).
	RequireVolume bool
	// AllowEphemeral starts anyway, with a loud warning, when RequireVolume
	// finds no volume (ALLOW_EPHEMERAL_DATA=1).
	AllowEphemeral bool
	// TrustProxy is the proxy whose X-Forwarded-Proto and client address
	// headers are believed (TRUST_PROXY, read by handlers.ParseTrustProxy);
	// the zero value believes none.
	TrustProxy handlers.TrustProxy
	// Limits are the abuse limits; a zero Rate is no limit.
	Limits handlers.Limits
	// Retention is how long an ended session, with its guests' names, is
	// kept before it is purged; zero keeps them for good.
	Retention time.Duration
	// MaxStreams caps the live pages open at once; 0 means the default.
	MaxStreams int
	// MaxConnections caps the connections served at once
	// (MAX_CONNECTIONS); past it a new connection waits in the kernel's
	// queue until another closes. 0 means room for MaxStreams streams and
	// DefaultPageConnections more: each stream holds a connection.
	MaxConnections int
	// TursoURL turns on replication to the Turso database at that address
	// (TURSO_DATABASE_URL); empty means none.
	TursoURL string
	// TursoToken is the Turso database's auth token (TURSO_AUTH_TOKEN);
	// a local server may need none.
	TursoToken string
	// VAPID is the Web Push key pair given by VAPID_PUBLIC_KEY and
	// VAPID_PRIVATE_KEY; nil means the pair made once and kept in DataDir.
	VAPID *push.Keys
	// PushAllow is where the server may send Web Push messages:
	// PUSH_ENDPOINTS_ALLOW, or push.DefaultAllow.
	PushAllow push.Allow
}

// Defaults when the environment says nothing.
const (
	DefaultPort    = "8080"
	DefaultDataDir = "./data"
	FlyDataDir     = "/data" // where fly.toml mounts the volume
	DatabaseFile   = "karaoke.db"
	QRDir          = "qr-codes"

	DefaultRetentionDays = 30
	// DefaultPageConnections is how many connections the default
	// MAX_CONNECTIONS leaves for pages and forms beside MAX_STREAMS
	// streams. With the default 2,000 streams that is 3,000 connections:
	// all open at their costliest (2,000 streams, 1,000 slow request
	// bodies) the server measured 147 MiB at most (BENCHMARKS.md), within
	// the GOMEMLIMIT fly.toml sets for the 256 MB machine.
	DefaultPageConnections = 1000
	// DefaultMinFreeDiskMB is MIN_FREE_DISK_MB's default: room for a few
	// backups of a busy night's database, and warning enough to act on.
	DefaultMinFreeDiskMB = 64
	// The abuse limits' defaults, as the README documents them.
	DefaultLimitDeviceWrites    = "10/1m"
	DefaultLimitAddressWrites   = "300/1m"
	DefaultLimitAddressSessions = "10/1h"
	// DefaultLimitCodeFailures: 40 wrong join codes free per address (a
	// bar's typos), one forgiven every 90 s; past that, a wait that doubles.
	DefaultLimitCodeFailures = "40/1h"
	// DefaultLimitAddressJoins lets 40 phones behind one address join one
	// night in any 5 minutes (a bar's opening rush; 480 an hour at most),
	// and stops a script making up singers at the 41st.
	DefaultLimitAddressJoins = "40/5m"
)

// FromEnv reads the configuration from environment variables through
// getenv (os.Getenv, or a map in tests).
func FromEnv(getenv func(string) string) (Config, error) {
	port := cmp.Or(getenv("PORT"), DefaultPort)
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return Config{}, fmt.Errorf("PORT must be a port number, not %q", port)
	}
	onFly := getenv("FLY_APP_NAME") != ""
	dataDir := DefaultDataDir
	if onFly {
		dataDir = FlyDataDir
	}
	cfg := Config{
		Addr:           ":" + port,
		DataDir:        cmp.Or(getenv("DATA_DIR"), dataDir),
		DatabaseURL:    getenv("DATABASE_URL"),
		BackupsKept:    db.DefaultBackupsKept,
		RequireVolume:  onFly,
		AllowEphemeral: getenv("ALLOW_EPHEMERAL_DATA") == "1",
		TursoURL:       getenv("TURSO_DATABASE_URL"),
		TursoToken:     getenv("TURSO_AUTH_TOKEN"),
	}
	publicURL := getenv("PUBLIC_URL")
	if publicURL == "" && onFly {
		// Fly serves every app at its own name: the join link need not,
		// and must not, come from a Host header a stranger can choose.
		publicURL = "https://" + getenv("FLY_APP_NAME") + ".fly.dev"
	}
	if publicURL != "" {
		u, err := parsePublicURL(publicURL)
		if err != nil {
			return Config{}, err
		}
		cfg.PublicURL = u
	}
	minFree := cmp.Or(getenv("MIN_FREE_DISK_MB"), strconv.Itoa(DefaultMinFreeDiskMB))
	mb, err := strconv.ParseUint(minFree, 10, 32)
	if err != nil {
		return Config{}, fmt.Errorf("MIN_FREE_DISK_MB must be a whole number of megabytes, not %q", minFree)
	}
	cfg.MinFreeDisk = mb << 20
	if isRemoteURL(cfg.DatabaseURL) {
		if err := remoteFromEnv(&cfg); err != nil {
			return Config{}, err
		}
	}
	if cfg.TursoURL == "" && cfg.TursoToken != "" {
		return Config{}, fmt.Errorf("TURSO_AUTH_TOKEN is set but TURSO_DATABASE_URL is not: set both to replicate to Turso")
	}
	if v := getenv("BACKUPS_KEPT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return Config{}, fmt.Errorf("BACKUPS_KEPT must be a whole number of at least 1, not %q", v)
		}
		cfg.BackupsKept = n
	}
	if err := connectionsFromEnv(getenv, &cfg); err != nil {
		return Config{}, err
	}
	if cfg.DatabaseURL == "" && cfg.RemoteURL == "" {
		cfg.DatabaseURL = "file:" + filepath.Join(cfg.DataDir, DatabaseFile)
	}
	if err := securityFromEnv(getenv, &cfg); err != nil {
		return Config{}, err
	}
	if err := pushFromEnv(getenv, &cfg); err != nil {
		return Config{}, err
	}
	// TZ is the time zone of the nights that choose none. Go's time.Local
	// reads it by itself, from the system's zone files, and silently takes
	// UTC for a name it cannot find there: refuse that instead.
	if tz := strings.TrimPrefix(getenv("TZ"), ":"); tz != "" && !filepath.IsAbs(tz) {
		if _, err := time.LoadLocation(tz); err != nil {
			return Config{}, fmt.Errorf("TZ must be a time zone name such as Europe/London, not %q (%v)", tz, err)
		}
	}
	return cfg, nil
}

// connectionsFromEnv reads the caps on live streams and on connections.
func connectionsFromEnv(getenv func(string) string, cfg *Config) error {
	for _, c := range []struct {
		name string
		n    *int
	}{{"MAX_STREAMS", &cfg.MaxStreams}, {"MAX_CONNECTIONS", &cfg.MaxConnections}} {
		if v := getenv(c.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return fmt.Errorf("%s must be a positive number, not %q", c.name, v)
			}
			*c.n = n
		}
	}
	if streams := cmp.Or(cfg.MaxStreams, live.DefaultMaxStreams); cfg.MaxConnections != 0 && cfg.MaxConnections <= streams {
		return fmt.Errorf("MAX_CONNECTIONS (%d) must be above MAX_STREAMS (%d): each live page holds a connection, and the other pages need some too",
			cfg.MaxConnections, streams)
	}
	return nil
}

// connections is MaxConnections, or its default.
func (c Config) connections() int {
	if c.MaxConnections > 0 {
		return c.MaxConnections
	}
	return cmp.Or(c.MaxStreams, live.DefaultMaxStreams) + DefaultPageConnections
}

// securityFromEnv reads the proxy, the abuse limits and the retention.
func securityFromEnv(getenv func(string) string, cfg *Config) error {
	proxy := getenv("TRUST_PROXY")
	if proxy == "" && getenv("FLY_APP_NAME") != "" {
		proxy = "fly" // Fly sets FLY_APP_NAME in every machine it runs
	}
	var err error
	if cfg.TrustProxy, err = handlers.ParseTrustProxy(proxy); err != nil {
		return err
	}
	for _, l := range []struct {
		name, fallback string
		rate           *handlers.Rate
	}{
		{"LIMIT_DEVICE_WRITES", DefaultLimitDeviceWrites, &cfg.Limits.DeviceWrites},
		{"LIMIT_ADDRESS_WRITES", DefaultLimitAddressWrites, &cfg.Limits.AddressWrites},
		{"LIMIT_ADDRESS_SESSIONS", DefaultLimitAddressSessions, &cfg.Limits.AddressSessions},
		{"LIMIT_CODE_FAILURES", DefaultLimitCodeFailures, &cfg.Limits.CodeFailures},
		{"LIMIT_ADDRESS_JOINS", DefaultLimitAddressJoins, &cfg.Limits.AddressJoins},
	} {
		if *l.rate, err = handlers.ParseRate(cmp.Or(getenv(l.name), l.fallback)); err != nil {
			return fmt.Errorf("%s: %w", l.name, err)
		}
	}
	days := cmp.Or(getenv("RETENTION_DAYS"), strconv.Itoa(DefaultRetentionDays))
	n, err := strconv.Atoi(days)
	if err != nil || n < 0 {
		return fmt.Errorf("RETENTION_DAYS must be a number of days (0 keeps ended sessions for good), not %q", days)
	}
	cfg.Retention = time.Duration(n) * 24 * time.Hour
	return nil
}

// pushFromEnv reads the VAPID key pair, when given, and the push services
// the server may send to.
func pushFromEnv(getenv func(string) string, cfg *Config) error {
	if pub, priv := getenv("VAPID_PUBLIC_KEY"), getenv("VAPID_PRIVATE_KEY"); pub != "" || priv != "" {
		k, err := push.ParseKeys(pub, priv)
		if err != nil {
			return err
		}
		cfg.VAPID = &k
	}
	var err error
	cfg.PushAllow, err = push.ParseAllow(cmp.Or(getenv("PUSH_ENDPOINTS_ALLOW"), push.DefaultAllow))
	return err
}

// parsePublicURL reads PUBLIC_URL: an http(s) URL, of which the path, query
// and fragment are dropped, since join links put their own.
func parsePublicURL(s string) (*url.URL, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("PUBLIC_URL must be an http(s) URL such as https://karaoke.example.com, not %s", s)
	}
	u.Path, u.RawPath, u.RawQuery, u.Fragment, u.RawFragment = "", "", "", "", ""
	return u, nil
}
