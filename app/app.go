package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/live"
	"github.com/karaoke-night/karaoke/qr"
	"github.com/karaoke-night/karaoke/replica"
)

// shutdownTimeout bounds how long a stop waits for requests in flight. It
// stays well inside fly.toml's kill_timeout, so the database is always
// closed cleanly before Fly would kill the process.
const shutdownTimeout = 10 * time.Second

// Server is a running karaoke server: listening, with its store open.
type Server struct {
	cfg      Config
	log      *slog.Logger
	store    *db.Store
	remote   *replica.Remote // nil without TURSO_DATABASE_URL
	shipper  *replica.Shipper
	unlock   func()
	qr       *qr.Cache
	handlers *handlers.Handler
	listener net.Listener
	http     *http.Server
}

// Open prepares the data directory, opens the store and starts listening.
// Serving starts with Run.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.Default()
	}
	if err := prepareDataDir(cfg.DataDir); err != nil {
		return nil, err
	}
	if err := checkStorage(cfg, log); err != nil {
		return nil, err
	}
	if from, saved, err := restorePending(ctx, cfg); err != nil {
		return nil, err
	} else if from != "" {
		log.Warn("restored a backup at start-up, as asked", "from", from, "replaced_database_saved_in", saved)
	}
	unlock, err := lockDataDir(cfg.DataDir, false)
	if err != nil {
		return nil, err
	}
	srv, err := open(ctx, cfg, log)
	if err != nil {
		unlock()
		return nil, err
	}
	srv.unlock = unlock
	return srv, nil
}

// openRemote opens the Turso database replication goes to and, when the
// local database is new (a fresh volume) and Turso holds a copy, restores
// the copy before anything else opens the database.
func openRemote(ctx context.Context, cfg Config, log *slog.Logger) (*replica.Remote, error) {
	if cfg.TursoURL == "" {
		return nil, nil
	}
	remote, err := replica.Open(cfg.TursoURL, cfg.TursoToken)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(databaseFile(cfg.DatabaseURL)); !os.IsNotExist(err) {
		return remote, nil
	}
	restored, err := restoreFromTurso(ctx, cfg, remote, freshStartWait)
	if errors.Is(err, replica.ErrNoCopy) {
		log.Info("new database, and Turso holds no copy: starting empty", "turso", remote.String())
	} else if err != nil {
		remote.Close()
		return nil, err
	} else {
		log.Warn("new database: restored the copy from Turso", "turso", remote.String(), "rows", restored.Rows,
			"migrations", restored.Migrations, "up_to_change", restored.Position.Seq)
	}
	return remote, nil
}

func open(ctx context.Context, cfg Config, log *slog.Logger) (*Server, error) {
	qrCache, err := qr.NewCache(filepath.Join(cfg.DataDir, QRDir))
	if err != nil {
		return nil, err
	}
	remote, err := openRemote(ctx, cfg, log)
	if err != nil {
		return nil, err
	}
	store, err := openStore(ctx, cfg, db.Replication(remote != nil))
	if err != nil {
		closeRemote(remote)
		return nil, err
	}
	var shipper *replica.Shipper
	if remote != nil {
		if shipper, err = replica.NewShipper(ctx, store, remote, log); err != nil {
			store.Close()
			remote.Close()
			return nil, err
		}
	}
	h, err := handlers.New(store, handlers.Config{PublicURL: cfg.PublicURL, QR: qrCache, Log: log,
		TrustProxy: cfg.TrustProxy, Limits: cfg.Limits,
		Live: live.Config{MaxStreams: cfg.MaxStreams}})
	if err != nil {
		store.Close()
		closeRemote(remote)
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		h.Close()
		store.Close()
		closeRemote(remote)
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	srv := &Server{
		cfg:      cfg,
		log:      log,
		store:    store,
		qr:       qrCache,
		handlers: h,
		remote:   remote,
		shipper:  shipper,
		listener: ln,
		http: &http.Server{
			Handler:           h.Routes(),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			IdleTimeout:       120 * time.Second,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
	}
	// Live streams never go idle by themselves: end them when a shutdown
	// starts, or Shutdown would wait for them until its timeout.
	srv.http.RegisterOnShutdown(h.Close)
	return srv, nil
}

// openStore opens the configured database. The server says whether it
// replicates (db.Replication); an operator's command beside it says nothing,
// which keeps the database as the server set it up.
func openStore(ctx context.Context, cfg Config, opts ...db.Option) (*db.Store, error) {
	return db.Open(ctx, cfg.DatabaseURL, append([]db.Option{db.BackupBeforeMigrating(filepath.Join(cfg.DataDir, BackupDir), cfg.BackupsKept)}, opts...)...)
}

func closeRemote(r *replica.Remote) {
	if r != nil {
		r.Close()
	}
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
// flight finish (within shutdownTimeout), the background work stops, and the
// store is checkpointed and closed.
func (s *Server) Run(ctx context.Context) error {
	defer s.unlock()
	s.log.Info("karaoke is listening", "addr", s.Addr(), "data_dir", s.cfg.DataDir)

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
		s.handlers.Close() // end the live streams first, so Shutdown finds their connections idle
		stopCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		err = s.http.Shutdown(stopCtx)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	stopBackground()
	background.Wait()
	s.handlers.Close()
	if cerr := s.store.Close(); cerr != nil && err == nil {
		err = cerr
	}
	closeRemote(s.remote)
	s.log.Info("stopped", "err", err)
	return err
}
