package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/karaoke-night/karaoke/libsqldb"
)

// Remote mode: DATABASE_URL names a libSQL database (Turso, or a libSQL
// server) that every machine of the app reads and writes, in place of the
// local file. Nothing is kept in DATA_DIR but caches (the QR images) and
// this machine's lock.

// remotePollInterval is how often, in remote mode, a machine reads the
// versions of the sessions it streams, so that a change made on another
// machine reaches its pages within a second: half a second between polls,
// plus the read and the render.
const remotePollInterval = 500 * time.Millisecond

// isRemoteURL reports whether a DATABASE_URL names a remote database.
func isRemoteURL(databaseURL string) bool {
	for _, scheme := range []string{"libsql://", "https://", "http://"} {
		if strings.HasPrefix(databaseURL, scheme) {
			return true
		}
	}
	return false
}

// remoteFromEnv sets remote mode up from DATABASE_URL and TURSO_AUTH_TOKEN,
// refusing what does not go with it: replication (the remote is the
// primary, there is no local file to copy) and a Turso URL with no token.
func remoteFromEnv(cfg *Config) error {
	if cfg.TursoURL != "" {
		return fmt.Errorf("DATABASE_URL is the remote database %s, so there is no local file to replicate: "+
			"unset TURSO_DATABASE_URL (replication is for one machine with a volume; "+
			"several machines share DATABASE_URL and need none)", libsqldb.Redact(cfg.DatabaseURL))
	}
	if strings.HasPrefix(cfg.DatabaseURL, "libsql://") && cfg.TursoToken == "" {
		return fmt.Errorf("DATABASE_URL is the Turso database %s: set TURSO_AUTH_TOKEN to its token (turso db tokens create NAME)",
			libsqldb.Redact(cfg.DatabaseURL))
	}
	cfg.RemoteURL, cfg.RemoteToken = cfg.DatabaseURL, cfg.TursoToken
	cfg.DatabaseURL, cfg.TursoToken = "", ""
	// The database is not on this machine: no volume to require.
	cfg.RequireVolume = false
	return nil
}

// errRemoteLocalFile refuses, in remote mode, a command that works on the
// local database file.
var errRemoteLocalFile = errors.New("DATABASE_URL is a remote database, and this command works on a local database file: " +
	"in remote mode, restores are the remote's own (Turso's point-in-time restore); " +
	"a file karaoke backup wrote is restored on one machine with a volume, with DATABASE_URL a file")

// localFileOnly refuses a command on the local file in remote mode.
func (c Config) localFileOnly() error {
	if c.RemoteURL != "" {
		return errRemoteLocalFile
	}
	return nil
}

// pollInterval is the live streams' poll of the database for changes made
// by other processes: remotePollInterval in remote mode, else the default.
func (c Config) pollInterval() time.Duration {
	if c.RemoteURL != "" {
		return remotePollInterval
	}
	return 0
}

// remoteStatus is the status command in remote mode: whether the remote
// answers, and its schema.
func remoteStatus(ctx context.Context, cfg Config, w io.Writer) error {
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	fmt.Fprintf(w, "database: %s (remote mode: every machine reads and writes it; no local file, no replication)\n",
		libsqldb.Redact(cfg.RemoteURL))
	return nil
}
