package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
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
	if s.store.Remote() {
		return // the remote database keeps its own (remote.go)
	}
	dir := filepath.Join(s.cfg.DataDir, BackupDir)
	started := time.Now()
	var made time.Time // this process's last backup, on the monotonic clock
	for {
		latest, err := db.LatestBackupTime(dir)
		if err == nil && backupDue(time.Now(), started, made, latest) {
			if path, err := s.store.Backup(ctx, dir, s.cfg.BackupsKept); err != nil {
				s.log.Error("daily backup failed", "err", err)
			} else {
				made = time.Now()
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

// backupDue says whether a daily backup is due now. It counts from the
// latest of: the start, this process's last backup, and the time in the
// newest backup's name — but only when that time is not in the future: a
// backup stamped while the clock was ahead once stopped the daily backup
// until the clock caught up.
func backupDue(now, started, made, latest time.Time) bool {
	from := started
	if made.After(from) {
		from = made
	}
	if !latest.IsZero() && !latest.After(now) && (made.IsZero() || latest.After(made)) {
		from = latest
	}
	return now.Sub(from) >= backupEvery
}

// Backup takes a backup of the configured database into DATA_DIR/backups
// now, beside a running server or not, and returns its path. In remote mode
// it is a local SQLite copy of the remote database, which restore takes.
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
	if err := cfg.localFileOnly(); err != nil {
		return "", err
	}
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
	staged := filepath.Join(cfg.DataDir, restoreStaged)
	data, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(staged, data, 0o600); err != nil {
		return "", err
	}
	defer os.Remove(staged)

	target := databaseFile(cfg.DatabaseURL)
	var saved string
	if _, err := os.Stat(target); err == nil {
		saved, err = saveCurrent(ctx, cfg, target)
		if err != nil {
			return "", fmt.Errorf("back up the current database before restoring: %w", err)
		}
	}
	return saved, db.Restore(ctx, staged, target)
}

// saveCurrent backs up the database a restore replaces. A database this
// program cannot open (a newer release's, or one an older release restored
// without checking it) cannot be backed up through a store: it is copied as
// it is, with its -wal, under a name pruning leaves alone. Before, such a
// database made every restore fail, and only deleting it by hand got out.
func saveCurrent(ctx context.Context, cfg Config, target string) (string, error) {
	saved, err := Backup(ctx, cfg)
	if err == nil {
		return saved, nil
	}
	if cerr := db.CheckFile(ctx, target); !errors.Is(cerr, db.ErrSchemaTooNew) && !errors.Is(cerr, db.ErrNotKaraoke) {
		return "", err
	}
	saved = filepath.Join(cfg.DataDir, BackupDir, "unusable-"+time.Now().UTC().Format("20060102T150405.000Z")+".db")
	for _, suffix := range []string{"", "-wal"} {
		data, err := os.ReadFile(target + suffix)
		if errors.Is(err, fs.ErrNotExist) && suffix != "" {
			continue
		}
		if err != nil {
			return "", err
		}
		if err := os.WriteFile(saved+suffix, data, 0o600); err != nil {
			return "", err
		}
	}
	return saved, nil
}

// restoreStaged, in DATA_DIR, is a restore's copy of the file it restores.
const restoreStaged = ".restore-staged.db"

// pendingRestoreFile, in DATA_DIR, names a backup to restore at the next
// start: the way to restore on a host such as Fly.io, where the server is
// always running and the operator can only restart it.
const pendingRestoreFile = "restore-on-start"

// RestoreOnStart checks a backup file and arranges for the server to restore
// it when it next starts (before it opens the database).
func RestoreOnStart(ctx context.Context, cfg Config, file string) error {
	if err := cfg.localFileOnly(); err != nil {
		return err
	}
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
	return os.WriteFile(filepath.Join(cfg.DataDir, pendingRestoreFile), []byte(abs), 0o600)
}

// restorePending carries out a restore arranged by RestoreOnStart, if any.
// A restore that fails (the file is gone, or no longer passes its check)
// has its request set aside as restore-on-start.failed, and the server
// starts on the database it has: once, a failed restore stopped every start
// until someone deleted the request by hand. Only a server still running on
// DATA_DIR keeps the request, for the next start.
func restorePending(ctx context.Context, cfg Config, log *slog.Logger) (from, saved string, err error) {
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
	if errors.Is(err, ErrDataDirInUse) {
		return from, "", fmt.Errorf("restore of %s asked for at start-up: %w", from, err)
	}
	if err != nil {
		log.Error("the restore asked for at start-up failed: starting on the current database, the request set aside",
			"from", from, "err", err, "set_aside_as", marker+".failed")
		return "", "", os.Rename(marker, marker+".failed")
	}
	return from, saved, os.Remove(marker)
}

// removeStaleCopies removes what a killed backup or restore left in
// DATA_DIR: temporary backup files no running backup holds, and a restore's
// staged copy. The caller holds the data directory's lock, so no restore is
// running.
func removeStaleCopies(cfg Config) error {
	for _, p := range []string{filepath.Join(cfg.DataDir, restoreStaged), databaseFile(cfg.DatabaseURL) + ".restoring"} {
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return db.RemoveStaleTemps(filepath.Join(cfg.DataDir, BackupDir))
}
