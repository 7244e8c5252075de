package app

import (
	"context"
	"errors"
	"fmt"
	"github.com/karaoke-night/karaoke/replica"
	"io"
	"os"
	"time"
)

// freshStartWait is how long a server whose database is new keeps trying to
// reach Turso before it gives up starting. It does not start empty instead:
// Turso may hold the nights this volume lost, and a new night written over
// them would leave two histories.
const freshStartWait = 30 * time.Second

// restoreFromTurso fills the new database from Turso, trying for up to wait.
// It returns replica.ErrNoCopy, at once, when Turso holds no copy. On
// failure the half-made database is removed, so the data directory is new
// again for the next try.
func restoreFromTurso(ctx context.Context, cfg Config, remote *replica.Remote, wait time.Duration) (*replica.Restored, error) {
	deadline := time.Now().Add(wait)
	pause := 500 * time.Millisecond
	for {
		restored, err := replica.Restore(ctx, remote, cfg.DatabaseURL)
		if err == nil || errors.Is(err, replica.ErrNoCopy) {
			return restored, err // with no copy, Restore made nothing
		}
		removeDatabase(cfg.DatabaseURL)
		if errors.Is(err, replica.ErrNewerRemote) || time.Now().Add(pause).After(deadline) || ctx.Err() != nil {
			return nil, fmt.Errorf("the database %s is new and could not be restored from Turso at %s: %w. "+
				"Not starting empty, since Turso may hold the nights to restore: fix TURSO_DATABASE_URL, TURSO_AUTH_TOKEN or the network, "+
				"or unset TURSO_DATABASE_URL to start without Turso", databaseFile(cfg.DatabaseURL), remote, err)
		}
		select {
		case <-ctx.Done():
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
}

func removeDatabase(databaseURL string) {
	path := databaseFile(databaseURL)
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

// RestoreFromTurso fills an empty data directory from the copy in Turso:
// `karaoke restore --from-turso`. It refuses while a server runs on
// DATA_DIR and when a database is already there.
func RestoreFromTurso(ctx context.Context, cfg Config) (*replica.Restored, error) {
	if err := cfg.localFileOnly(); err != nil {
		return nil, err
	}
	if cfg.TursoURL == "" {
		return nil, fmt.Errorf("set TURSO_DATABASE_URL (and TURSO_AUTH_TOKEN) to restore from Turso")
	}
	if err := prepareDataDir(cfg.DataDir); err != nil {
		return nil, err
	}
	unlock, err := lockDataDir(cfg.DataDir, true)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if _, err := os.Stat(databaseFile(cfg.DatabaseURL)); !os.IsNotExist(err) {
		return nil, fmt.Errorf("%s already exists: restore --from-turso fills an empty DATA_DIR only; move the database away first",
			databaseFile(cfg.DatabaseURL))
	}
	remote, err := replica.Open(cfg.TursoURL, cfg.TursoToken)
	if err != nil {
		return nil, err
	}
	defer remote.Close()
	return restoreFromTurso(ctx, cfg, remote, 0)
}

// Status writes how replication is doing: `karaoke status`. It reads the
// database beside a running server, and asks Turso where its copy is.
func Status(ctx context.Context, cfg Config, w io.Writer) error {
	if cfg.RemoteURL != "" {
		return remoteStatus(ctx, cfg, w)
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer store.Close()
	st, err := store.Outbox().Status(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	if !st.Enabled {
		fmt.Fprintln(w, "replication:  off (set TURSO_DATABASE_URL to replicate to Turso)")
		return nil
	}
	fmt.Fprintln(w, "replication:  on")
	if st.Waiting == 0 {
		fmt.Fprintln(w, "waiting:      nothing")
	} else {
		fmt.Fprintf(w, "waiting:      %d changes, the oldest %s old\n", st.Waiting, now.Sub(st.Oldest).Round(time.Second))
	}
	fmt.Fprintln(w, "last success:", stamp(st.LastSuccess, now))
	if st.LastError != "" {
		fmt.Fprintf(w, "last error:   %s: %s\n", stamp(st.LastErrorAt, now), st.LastError)
	} else {
		fmt.Fprintln(w, "last error:   none")
	}
	fmt.Fprintln(w, "shipped:      up to change", st.ShippedSeq)
	if cfg.TursoURL == "" {
		fmt.Fprintln(w, "turso:        TURSO_DATABASE_URL is not set here, so Turso was not asked")
		return nil
	}
	remote, err := replica.Open(cfg.TursoURL, cfg.TursoToken)
	if err != nil {
		return err
	}
	defer remote.Close()
	askCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if pos, err := remote.Position(askCtx); err != nil {
		fmt.Fprintf(w, "turso:        %s does not answer: %v\n", remote, err)
	} else {
		fmt.Fprintf(w, "turso:        %s has up to change %d\n", remote, pos.Seq)
	}
	return nil
}

func stamp(t, now time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return fmt.Sprintf("%s (%s ago)", t.UTC().Format(time.RFC3339), now.Sub(t).Round(time.Second))
}
