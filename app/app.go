package app

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"golang.org/x/net/netutil"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/live"
	"github.com/karaoke-night/karaoke/qr"
	"github.com/karaoke-night/karaoke/replica"
	"github.com/karaoke-night/karaoke/sqlitedb"
)

// shutdownTimeout bounds how long a stop waits for requests in flight. It
// stays well inside fly.toml's kill_timeout, so the database is always
// closed cleanly before Fly would kill the process.
const shutdownTimeout = 10 * time.Second

// Server is a karaoke server: listening, with its store open. Open makes
// one, Run serves until its context ends and then closes it.
type Server struct {
	cfg      Config
	log      *slog.Logger
	store    *db.Store
	remote   *replica.Remote // nil without TURSO_DATABASE_URL
	shipper  *replica.Shipper
	qr       *qr.Cache
	listener net.Listener
	http     *http.Server

	// closers release what Open opened, in the order it was opened; Close
	// runs them backwards.
	closers   []closer
	closeOnce sync.Once
	closeErr  error
}

type closer struct {
	what  string
	close func() error
}

// opened records something Open opened, for Close to release.
func (s *Server) opened(what string, close func() error) {
	s.closers = append(s.closers, closer{what, close})
}

// Open prepares the data directory, opens the store and starts listening.
// Serving starts with Run. When Open fails part-way, what it had opened is
// closed again.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (_ *Server, err error) {
	s := &Server{cfg: cfg, log: cmp.Or(log, slog.Default())}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if err := prepareDataDir(cfg.DataDir); err != nil {
		if !diskFull(cfg.DataDir) {
			return nil, err
		}
		// A full disk still lets the app start and serve what it has: the
		// store then opens read-only (see openStoreOrReadOnly).
		s.log.Error("DATA_DIR's disk is full", "err", err)
	}
	if err := checkStorage(cfg, s.log); err != nil {
		return nil, err
	}
	if from, saved, err := restorePending(ctx, cfg, s.log); err != nil {
		return nil, err
	} else if from != "" {
		s.log.Warn("restored a backup at start-up, as asked", "from", from, "replaced_database_saved_in", saved)
	}
	unlock, err := lockDataDir(cfg.DataDir, false)
	if err != nil {
		return nil, err
	}
	s.opened("data directory's lock", func() error { unlock(); return nil })
	if err := removeStaleCopies(cfg); err != nil {
		s.log.Warn("could not remove what a killed backup or restore left", "err", err)
	}
	// A cache folder that cannot be made (a full disk) costs only the
	// cache: QR images are then made on each request.
	if s.qr, err = qr.NewCache(filepath.Join(cfg.DataDir, QRDir)); err != nil {
		s.log.Warn("starting without a QR cache on disk", "err", err)
	}
	if cfg.TursoURL != "" {
		if s.remote, err = replica.Open(cfg.TursoURL, cfg.TursoToken); err != nil {
			return nil, err
		}
		s.opened("Turso database", s.remote.Close)
		if err := restoreIfNew(ctx, cfg, s.remote, s.log); err != nil {
			return nil, err
		}
	}
	if s.store, err = openStoreOrReadOnly(ctx, cfg, s.remote != nil, s.log); err != nil {
		return nil, err
	}
	s.opened("database", s.store.Close)
	if s.remote != nil && !s.store.ReadOnly() {
		if s.shipper, err = replica.NewShipper(ctx, s.store, s.remote, s.log); err != nil {
			return nil, err
		}
	}
	streams := live.New(handlers.LiveSource(s.store), live.Config{MaxStreams: cfg.MaxStreams, Log: s.log, PollInterval: cfg.pollInterval()})
	// Shutdown closes the broker too, in a goroutine of its own: whichever
	// call comes second waits until the broker's workers have stopped, so
	// the store never closes under them.
	closeStreams := sync.OnceFunc(streams.Close)
	s.opened("live streams", func() error { closeStreams(); return nil })
	sender := s.openPush(cfg)
	s.store.OnChange(s.changeListeners(streams.Notify, sender))
	h := handlers.New(s.store, streams, handlers.Config{PublicURL: cfg.PublicURL, QR: s.qr, Log: s.log,
		TrustProxy: cfg.TrustProxy, Limits: cfg.Limits, MinFreeDisk: cfg.MinFreeDisk, Push: sender,
		DiskFree: func() (uint64, error) { return diskFree(cfg.DataDir) }})
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	// Every connection costs memory (a stream about 26 KiB of heap and
	// stacks, BenchmarkStreamMemory; a slow request body 27 KiB): past the
	// cap a new one waits in the kernel's queue, so a flood of connections
	// slows the server down instead of running the 256 MB machine out of
	// memory.
	s.listener = netutil.LimitListener(ln, cfg.connections())
	s.opened("listener", func() error {
		if err := s.listener.Close(); !errors.Is(err, net.ErrClosed) {
			return err
		}
		return nil // Serve closed it already
	})
	s.http = &http.Server{
		// A stream waits for its changes above the router (see Unwind).
		Handler:           streams.Unwind(h.Routes()),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	// Live streams never go idle by themselves: end them when a shutdown
	// starts, or Shutdown would wait for them until its timeout.
	s.http.RegisterOnShutdown(closeStreams)
	// After a graceful Shutdown this finds nothing left; after one that ran
	// out of time, it cuts the connections still open before the store
	// behind them closes.
	s.opened("HTTP server", s.http.Close)
	return s, nil
}

// restoreIfNew fills the local database from the copy in Turso when it is
// new (a fresh volume) and Turso holds a copy, before anything else opens
// the database.
func restoreIfNew(ctx context.Context, cfg Config, remote *replica.Remote, log *slog.Logger) error {
	if _, err := os.Stat(databaseFile(cfg.DatabaseURL)); !os.IsNotExist(err) {
		return nil
	}
	restored, err := restoreFromTurso(ctx, cfg, remote, freshStartWait)
	switch {
	case errors.Is(err, replica.ErrNoCopy):
		log.Info("new database, and Turso holds no copy: starting empty", "turso", remote.String())
		return nil
	case err != nil:
		return err
	}
	log.Warn("new database: restored the copy from Turso", "turso", remote.String(), "rows", restored.Rows,
		"migrations", restored.Migrations, "up_to_change", restored.Position.Seq)
	return nil
}

// Close releases what Open opened, the last opened first: the connections
// still open, the listener, the live streams, the store (checkpointed), the
// Turso connection and the data directory's lock. Run ends with it; call it
// yourself only for a Server that is not given to Run. It is safe to call
// more than once, and returns the first call's error.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		for _, c := range slices.Backward(s.closers) {
			if err := c.close(); err != nil {
				errs = append(errs, fmt.Errorf("close the %s: %w", c.what, err))
			}
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// openStore opens the configured database. The server says whether it
// replicates (db.Replication); an operator's command beside it says nothing,
// which keeps the database as the server set it up.
func openStore(ctx context.Context, cfg Config, opts ...db.Option) (*db.Store, error) {
	if cfg.RemoteURL != "" {
		return db.OpenRemote(ctx, cfg.RemoteURL, cfg.RemoteToken)
	}
	return db.Open(ctx, cfg.DatabaseURL, append([]db.Option{db.BackupBeforeMigrating(filepath.Join(cfg.DataDir, BackupDir), cfg.BackupsKept)}, opts...)...)
}

// openStoreOrReadOnly opens the store, or, when SQLite cannot write its
// files (a full disk, where even reading a WAL database needs its
// shared-memory file to grow), opens it read-only: the app then starts and
// serves every page, and each write is refused with a message that says the
// disk is full, instead of the server refusing to start.
func openStoreOrReadOnly(ctx context.Context, cfg Config, replicate bool, log *slog.Logger) (*db.Store, error) {
	store, err := openStore(ctx, cfg, db.Replication(replicate))
	if err == nil || !sqlitedb.StorageFailed(err) {
		return store, err
	}
	ro, roErr := db.OpenReadOnly(ctx, cfg.DatabaseURL)
	if roErr != nil {
		return nil, errors.Join(err, roErr)
	}
	log.Error("!!! the database cannot be written (is DATA_DIR's disk full?): serving READ-ONLY, every change is refused "+
		"until space is freed and the server restarted !!!", "err", err, "data_dir", cfg.DataDir)
	return ro, nil
}

// fullBelow is the free space under which DATA_DIR's disk counts as full:
// less than SQLite needs to open a database in WAL mode and write a page.
const fullBelow = 1 << 20

// diskFull reports whether DATA_DIR's file system has (almost) no byte left
// for this process; false when that cannot be told.
func diskFull(dir string) bool {
	free, err := diskFree(dir)
	return err == nil && free < fullBelow
}

// checkStorage refuses, where a volume is required (on Fly.io), a DATA_DIR
// or database file that is not on one: the bug that once lost every session
// on every deploy. ALLOW_EPHEMERAL_DATA=1 turns the refusal into a warning.
func checkStorage(cfg Config, log *slog.Logger) error {
	if !cfg.RequireVolume {
		return nil
	}
	err := checkVolume(cfg.DataDir, "/")
	if err == nil && !insideDir(databaseFile(cfg.DatabaseURL), cfg.DataDir) {
		err = fmt.Errorf("DATABASE_URL %s is outside DATA_DIR %s, so it is not on the volume; every session would be lost "+
			"on the next deploy (set ALLOW_EPHEMERAL_DATA=1 to run anyway)", cfg.DatabaseURL, cfg.DataDir)
	}
	if err != nil && cfg.AllowEphemeral {
		log.Warn("!!! ALLOW_EPHEMERAL_DATA=1: running with data that the next restart or deploy will DELETE !!!", "problem", err)
		return nil
	}
	return err
}

// Addr is the address the server listens on, with the real port when the
// configuration asked for port 0.
func (s *Server) Addr() string { return s.listener.Addr().String() }

// Run serves until ctx ends, then stops: no new connections, requests in
// flight finish (within shutdownTimeout), the live streams end, the
// background work stops, and Close releases the rest, the store
// checkpointed and closed.
func (s *Server) Run(ctx context.Context) error {
	// The proxy trusted decides whose address the limits count and whether
	// cookies are Secure: an operator checks it here first.
	s.log.Info("karaoke is listening", "addr", s.Addr(), "data_dir", s.cfg.DataDir, "trust_proxy", s.cfg.TrustProxy.String())

	bgCtx, stopBackground := context.WithCancel(ctx)
	var background sync.WaitGroup
	background.Go(func() { s.backupDaily(bgCtx) })
	background.Go(func() { s.purgeLoop(bgCtx) })
	if s.shipper != nil {
		s.log.Info("replicating to Turso", "turso", s.remote.String())
		background.Go(func() { s.shipper.Run(bgCtx) })
	}

	served := make(chan error, 1)
	go func() { served <- s.http.Serve(s.listener) }()

	var err error
	select {
	case err = <-served:
	case <-ctx.Done():
		s.log.Info("stopping: finishing requests in flight")
		stopCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		err = s.http.Shutdown(stopCtx)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	stopBackground()
	background.Wait()
	if cerr := s.Close(); err == nil {
		err = cerr
	}
	s.log.Info("stopped", "err", err)
	return err
}
