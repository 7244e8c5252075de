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
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/qr"
)

// shutdownTimeout bounds how long a stop waits for requests in flight.
const shutdownTimeout = 10 * time.Second

// Server is a running karaoke server: listening, with its store open.
type Server struct {
	cfg      Config
	log      *slog.Logger
	store    *db.Store
	listener net.Listener
	http     *http.Server
}

// Open prepares the data directory, opens the store and starts listening.
// Serving starts with Run.
func Open(ctx context.Context, cfg Config, log *slog.Logger) (*Server, error) {
	if log == nil {
		log = slog.Default()
	}
	if err := os.MkdirAll(cfg.DataDir, 0o750); err != nil {
		return nil, fmt.Errorf("DATA_DIR %s cannot be created: %w", cfg.DataDir, err)
	}
	qrCache, err := qr.NewCache(filepath.Join(cfg.DataDir, QRDir))
	if err != nil {
		return nil, err
	}
	store, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	h, err := handlers.New(store, handlers.Config{PublicURL: cfg.PublicURL, QR: qrCache, Log: log})
	if err != nil {
		store.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		store.Close()
		return nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	return &Server{
		cfg:      cfg,
		log:      log,
		store:    store,
		listener: ln,
		http: &http.Server{
			Handler:           h.Routes(),
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       30 * time.Second,
			IdleTimeout:       120 * time.Second,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		},
	}, nil
}

// Addr is the address the server listens on, with the real port when the
// configuration asked for port 0.
func (s *Server) Addr() string { return s.listener.Addr().String() }

// Run serves until ctx ends, then stops: no new connections, requests in
// flight finish (within shutdownTimeout), and the store is closed.
func (s *Server) Run(ctx context.Context) error {
	s.log.Info("karaoke is listening", "addr", s.Addr(), "data_dir", s.cfg.DataDir)
	served := make(chan error, 1)
	go func() { served <- s.http.Serve(s.listener) }()

	var err error
	select {
	case err = <-served:
	case <-ctx.Done():
		s.log.Info("stopping")
		stopCtx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		defer cancel()
		err = s.http.Shutdown(stopCtx)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	if cerr := s.store.Close(); cerr != nil && err == nil {
		err = cerr
	}
	return err
}
