package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/qr"
)

// purgeEvery is how often the server looks for ended sessions past their
// retention.
const purgeEvery = time.Hour

// Purge deletes what the retention setting no longer keeps: sessions that
// ended more than retention ago, with their guests and requests, and every
// QR image whose join code no open session has. A zero retention keeps the
// sessions, though still drops the images of ended ones.
func Purge(ctx context.Context, store *db.Store, images *qr.Cache, retention time.Duration, log *slog.Logger) error {
	if retention > 0 {
		n, err := store.PurgeEnded(ctx, store.Now().Add(-retention))
		if err != nil {
			return err
		}
		if n > 0 {
			log.Info("purged ended sessions", "sessions", n, "retention_days", int(retention/(24*time.Hour)))
		}
	}
	if err := store.PurgeRetaps(ctx, store.Now().Add(-db.RetapKeep)); err != nil {
		return err
	}
	codes, err := store.OpenCodes(ctx)
	if err != nil {
		return err
	}
	open := make(map[string]bool, len(codes))
	for _, c := range codes {
		open[c] = true
	}
	_, err = images.Prune(func(code string) bool { return open[code] })
	return err
}

// purgeLoop runs Purge now and every purgeEvery until ctx ends.
func (s *Server) purgeLoop(ctx context.Context) {
	tick := time.NewTicker(purgeEvery)
	defer tick.Stop()
	for {
		if err := Purge(ctx, s.store, s.qr, s.cfg.Retention, s.log); err != nil && ctx.Err() == nil {
			s.log.Error("purge", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
