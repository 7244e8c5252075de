// Package app puts the karaoke server together: configuration, the data
// directory, the store, the handlers and the HTTP server, started and
// stopped by one Run. cmd/karaoke and the tests both start it this way.
package app

import (
	"fmt"
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
}

// Defaults when the environment says nothing.
const (
	DefaultPort    = "8080"
	DefaultDataDir = "./data"
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
	cfg := Config{
		Addr:        ":" + port,
		DataDir:     or(getenv("DATA_DIR"), DefaultDataDir),
		DatabaseURL: getenv("DATABASE_URL"),
		PublicURL:   getenv("PUBLIC_URL"),
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
