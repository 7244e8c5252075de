package app

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// backupEvery is how old the newest backup may get before the server takes
// another; backupCheckEvery is how often it looks.
const (
	backupEvery      = 24 * time.Hour
	backupCheckEvery = time.Hour
)

// backupDaily takes a backup whenever the newest one is a day old, until
// ctx ends. With no backup yet, the first is due a day after the start.
func (s *Server) backupDaily(ctx context.Context) {
	dir := filepath.Join(s.cfg.DataDir, BackupDir)
	started := time.Now()
	for {
		latest, err := db.LatestBackupTime(dir)
		if latest.IsZero() {
			latest = started
		}
		if err == nil && time.Since(latest) >= backupEvery {
			if path, err := s.store.Backup(ctx, dir, s.cfg.BackupsKept); err != nil {
				s.log.Error("daily backup failed", "err", err)
			} else {
				s.log.Info("daily backup taken", "path", path)
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backupCheckEvery):
		}
	}
}

// Backup takes a backup of the configured database into DATA_DIR/backups
// now, beside a running server or not, and returns its path.
func Backup(ctx context.Context, cfg Config) (string, error) {
	if err := prepareDataDir(cfg.DataDir); err != nil {
		return "", err
	}
	store, err := openStore(ctx, cfg)
	if err != nil {
		return "", err
	}
	defer store.Close()
	return store.Backup(ctx, filepath.Join(cfg.DataDir, BackupDir), cfg.BackupsKept)
}

// Restore puts a backup file in place of the configured database. It
// refuses while a server runs on DATA_DIR, and first backs up the database
// it replaces, whose path it returns ("" when there was none).
func Restore(ctx context.Context, cfg Config, file string) (string, error) {
	if err := prepareDataDir(cfg.DataDir); err != nil {
		return "", err
	}
	unlock, err := lockDataDir(cfg.DataDir, true)
	if err != nil {
		return "", err
	}
	defer unlock()
	if err := db.CheckFile(ctx, file); err != nil {
		return "", fmt.Errorf("%s is not a sound backup: %w", file, err)
	}
	// Keep a copy of the file to restore: the backup of the current
	// database below may prune it if it is the oldest in backups/.
	staged := filepath.Join(cfg.DataDir, ".restore-staged.db")
	data, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(staged, data, 0o640); err != nil {
		return "", err
	}
	defer os.Remove(staged)

	target := databaseFile(cfg.DatabaseURL)
	var saved string
	if _, err := os.Stat(target); err == nil {
		saved, err = Backup(ctx, cfg)
		if err != nil {
			return "", fmt.Errorf("back up the current database before restoring: %w", err)
		}
	}
	return saved, db.Restore(ctx, staged, target)
}

// pendingRestoreFile, in DATA_DIR, names a backup to restore at the next
// start: the way to restore on a host such as Fly.io, where the server is
// always running and the operator can only restart it.
const pendingRestoreFile = "restore-on-start"

// RestoreOnStart checks a backup file and arranges for the server to restore
// it when it next starts (before it opens the database).
func RestoreOnStart(ctx context.Context, cfg Config, file string) error {
	if err := prepareDataDir(cfg.DataDir); err != nil {
		return err
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return err
	}
	if err := db.CheckFile(ctx, abs); err != nil {
		return fmt.Errorf("%s is not a sound backup: %w", file, err)
	}
	return os.WriteFile(filepath.Join(cfg.DataDir, pendingRestoreFile), []byte(abs), 0o640)
}

// restorePending carries out a restore arranged by RestoreOnStart, if any.
func restorePending(ctx context.Context, cfg Config) (from, saved string, err error) {
	marker := filepath.Join(cfg.DataDir, pendingRestoreFile)
	b, err := os.ReadFile(marker)
	if os.IsNotExist(err) {
		return "", "", nil
	}
	if err != nil {
		return "", "", err
	}
	from = string(b)
	saved, err = Restore(ctx, cfg, from)
	if err != nil {
		return from, "", fmt.Errorf("restore of %s asked for at start-up failed (remove %s to start without it): %w", from, marker, err)
	}
	return from, saved, os.Remove(marker)
}
