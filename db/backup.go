package db

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// DefaultBackupsKept is how many backups a backup folder keeps.
const DefaultBackupsKept = 7

// Backup names look like karaoke-20261126T203000Z.db, so they sort by time.
const (
	backupPrefix     = "karaoke-"
	backupSuffix     = ".db"
	backupTimeLayout = "20060102T150405.000Z"
)

// Backup writes a consistent snapshot of the live database into dir: VACUUM
// INTO a temporary file, PRAGMA integrity_check on it, fsync, and a rename
// to a timestamped name. It then deletes all but the newest keep backups.
// It returns the backup's path. It reads through a connection of its own
// (the read pool is query-only, which VACUUM INTO refuses), so writers carry
// on while it runs.
func (s *Store) Backup(ctx context.Context, dir string, keep int) (string, error) {
	conn, err := sqlitedb.Open(s.url, "_query_only=0")
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	return s.backupWith(ctx, conn, dir, keep)
}

func (s *Store) backupWith(ctx context.Context, conn *sql.DB, dir string, keep int) (string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("backup folder: %w", err)
	}
	tmp := filepath.Join(dir, fmt.Sprintf(".tmp-backup-%d.db", time.Now().UnixNano()))
	defer os.Remove(tmp) // gone by then when all went well
	if _, err := conn.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	if err := CheckFile(ctx, tmp); err != nil {
		return "", fmt.Errorf("backup: the snapshot failed its check: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	final := filepath.Join(dir, backupPrefix+s.Now().UTC().Format(backupTimeLayout)+backupSuffix)
	if err := os.Rename(tmp, final); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	syncDir(dir)
	if err := pruneBackups(dir, keep); err != nil {
		return final, fmt.Errorf("backup written, but old ones not pruned: %w", err)
	}
	return final, nil
}

// Backups returns the backups in dir, newest first.
func Backups(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && strings.HasPrefix(n, backupPrefix) && strings.HasSuffix(n, backupSuffix) {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	slices.Reverse(names)
	paths := make([]string, len(names))
	for i, n := range names {
		paths[i] = filepath.Join(dir, n)
	}
	return paths, nil
}

// LatestBackupTime returns when the newest backup in dir was taken, or the
// zero time when there is none.
func LatestBackupTime(dir string) (time.Time, error) {
	paths, err := Backups(dir)
	if err != nil || len(paths) == 0 {
		return time.Time{}, err
	}
	stamp := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(paths[0]), backupPrefix), backupSuffix)
	return time.Parse(backupTimeLayout, stamp)
}

func pruneBackups(dir string, keep int) error {
	if keep < 1 {
		keep = 1
	}
	paths, err := Backups(dir)
	if err != nil {
		return err
	}
	for _, p := range paths[min(keep, len(paths)):] {
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	return nil
}

// CheckFile opens a database file read-only and runs PRAGMA integrity_check
// on it. It returns nil only when SQLite answers "ok".
func CheckFile(ctx context.Context, path string) error {
	if _, err := os.Stat(path); err != nil {
		return err
	}
	conn, err := sqlitedb.OpenFileReadOnly(path)
	if err != nil {
		return err
	}
	defer conn.Close()
	lines, err := sqlitedb.Column[string](ctx, conn, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if problems := slices.DeleteFunc(lines, func(line string) bool { return line == "ok" }); len(problems) > 0 {
		return fmt.Errorf("integrity check: %s", strings.Join(problems, "; "))
	}
	ours, err := sqlitedb.TableExists(ctx, conn, "schema_migrations")
	if err != nil {
		return fmt.Errorf("not a karaoke database: %w", err)
	}
	if !ours {
		return fmt.Errorf("not a karaoke database: it has no schema_migrations table")
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir makes a rename in dir durable. Some filesystems cannot sync a
// folder; the rename has still happened, so that is not an error.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// Restore puts the backup at from in place of the database file at to: it
// checks the backup, copies it beside the database, fsyncs it, removes the
// old database's -wal and -shm files and renames the copy over the database.
// The caller makes sure no server has the database open.
func Restore(ctx context.Context, from, to string) error {
	if err := CheckFile(ctx, from); err != nil {
		return fmt.Errorf("%s is not a sound backup: %w", from, err)
	}
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	tmp := to + ".restoring"
	if err := os.WriteFile(tmp, data, 0o640); err != nil {
		return err
	}
	defer os.Remove(tmp)
	if err := syncFile(tmp); err != nil {
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(to + suffix); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	if err := os.Rename(tmp, to); err != nil {
		return err
	}
	syncDir(filepath.Dir(to))
	return nil
}
