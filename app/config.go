// Package app puts the karaoke server together: configuration, the data
// directory, the store, the handlers and the HTTP server, started and
// stopped by one Run. cmd/karaoke and the tests both start it this way.
package app

import (
	"fmt"

	"github.com/karaoke-night/karaoke/db"
	"path/filepath"
	"strconv"
)

// Config is the server's configuration. FromEnv reads it from the
// environment; the README lists every variable.
type Config struct {
	// Addr is the address to listen on, such as ":8080" or "127.0.0.1:0".
	Addr string
	// DataDir holds everything the app keeps: the database and the QR images.
	DataDir string
	// DatabaseURL is the database's file: URL.
	DatabaseURL string
	// PublicURL is the base of join links and QR codes; empty means each
	// request's own scheme and host.
	PublicURL string
	// BackupsKept is how many backups DATA_DIR/backups keeps.
	BackupsKept int
	// RequireVolume refuses to start unless DataDir is a mounted volume
	// (on Fly.io, where FLY_APP_NAME is set).
	RequireVolume bool
	// AllowEphemeral starts anyway, with a loud warning, when RequireVolume
	// finds no volume (ALLOW_EPHEMERAL_DATA=1).
	AllowEphemeral bool
}

// Defaults when the environment says nothing.
const (
	DefaultPort    = "8080"
	DefaultDataDir = "./data"
	FlyDataDir     = "/data" // where fly.toml mounts the volume
	DatabaseFile   = "karaoke.db"
	QRDir          = "qr-codes"
)

// FromEnv reads the configuration from environment variables through
// getenv (os.Getenv, or a map in tests).
func FromEnv(getenv func(string) string) (Config, error) {
	port := or(getenv("PORT"), DefaultPort)
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
		DataDir:        or(getenv("DATA_DIR"), dataDir),
		DatabaseURL:    getenv("DATABASE_URL"),
		PublicURL:      getenv("PUBLIC_URL"),
		BackupsKept:    db.DefaultBackupsKept,
		RequireVolume:  onFly,
		AllowEphemeral: getenv("ALLOW_EPHEMERAL_DATA") == "1",
	}
	if v := getenv("BACKUPS_KEPT"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return Config{}, fmt.Errorf("BACKUPS_KEPT must be a whole number of at least 1, not %q", v)
		}
		cfg.BackupsKept = n
	}
	if cfg.DatabaseURL == "" {
		cfg.DatabaseURL = "file:" + filepath.Join(cfg.DataDir, DatabaseFile)
	}
	return cfg, nil
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
