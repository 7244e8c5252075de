package db

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// DefaultBackupsKept is how many backups a backup folder keeps.
const DefaultBackupsKept = 7

// Backup names look like karaoke-000042-20261126T203000.000Z.db: a
// sequence number, one more than the highest in the folder, then the time.
// Backups are ordered and kept by the number, never by the time, so a clock
// that was ahead once (a backup stamped next year) cannot make pruning
// delete the backup just written. Names from before the number
// (karaoke-20261126T203000.000Z.db) count as number 0, by time among
// themselves.
const (
	backupPrefix     = "karaoke-"
	backupSuffix     = ".db"
	backupTimeLayout = "20060102T150405.000Z"
)

// Backup writes a consistent snapshot of the live database into dir: VACUUM
// INTO a temporary file, PRAGMA integrity_check on it, fsync, and a rename
// to a numbered name. It then deletes all but the newest keep backups.
// It returns the backup's path. It reads through a connection of its own
// (the read pool is query-only, which VACUUM INTO refuses), so writers carry
// on while it runs. In remote mode the snapshot is a local SQLite copy of
// the remote database (backup_remote.go), numbered and pruned the same way.
func (s *Store) Backup(ctx context.Context, dir string, keep int) (string, error) {
	if s.remote {
		return s.backupInto(ctx, dir, keep, s.copyRemoteInto)
	}
	conn, err := sqlitedb.Open(s.url, "_query_only=0")
	if err != nil {
		return "", err
	}
	defer conn.Close()
	conn.SetMaxOpenConns(1)
	return s.backupWith(ctx, conn, dir, keep)
}

func (s *Store) backupWith(ctx context.Context, conn *sql.DB, dir string, keep int) (string, error) {
	return s.backupInto(ctx, dir, keep, func(ctx context.Context, path string) error {
		_, err := conn.ExecContext(ctx, `VACUUM INTO ?`, path)
		return err
	})
}

// backupInto takes a backup into dir whose snapshot fill writes into the
// empty temporary file at path.
func (s *Store) backupInto(ctx context.Context, dir string, keep int, fill func(ctx context.Context, path string) error) (string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", fmt.Errorf("backup folder: %w", err)
	}
	// A backup killed part-way left its temporary file; each is a copy of
	// every guest's name, and five of them once filled 867 MB.
	if err := RemoveStaleTemps(dir); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	tmp, err := createTemp(dir)
	if err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	defer tmp.release() // removes the file too, gone by then when all went well
	if err := fill(ctx, tmp.path); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	if err := CheckFile(ctx, tmp.path); err != nil {
		return "", fmt.Errorf("backup: the snapshot failed its check: %w", err)
	}
	if err := syncFile(tmp.path); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	seq, err := nextBackupSeq(dir)
	if err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	final := filepath.Join(dir, fmt.Sprintf("%s%06d-%s%s", backupPrefix, seq, s.Now().UTC().Format(backupTimeLayout), backupSuffix))
	if err := os.Rename(tmp.path, final); err != nil {
		return "", fmt.Errorf("backup: %w", err)
	}
	syncDir(dir)
	if err := pruneBackups(dir, keep); err != nil {
		return final, fmt.Errorf("backup written, but old ones not pruned: %w", err)
	}
	return final, nil
}

// backupName is a backup's file name taken apart.
type backupName struct {
	path  string
	seq   int
	stamp string
}

// parseBackupName takes a backup's file name apart; ok is false for a file
// that is not a backup.
func parseBackupName(name string) (b backupName, ok bool) {
	if !strings.HasPrefix(name, backupPrefix) || !strings.HasSuffix(name, backupSuffix) {
		return b, false
	}
	b.stamp = strings.TrimSuffix(strings.TrimPrefix(name, backupPrefix), backupSuffix)
	if num, stamp, found := strings.Cut(b.stamp, "-"); found {
		seq, err := strconv.Atoi(num)
		if err != nil || seq < 1 {
			return b, false
		}
		b.seq, b.stamp = seq, stamp
	}
	return b, true
}

// listBackups returns the backups in dir, newest (highest number) first.
func listBackups(dir string) ([]backupName, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []backupName
	for _, e := range entries {
		if b, ok := parseBackupName(e.Name()); ok && e.Type().IsRegular() {
			b.path = filepath.Join(dir, e.Name())
			out = append(out, b)
		}
	}
	slices.SortFunc(out, func(a, b backupName) int {
		return cmp.Or(cmp.Compare(b.seq, a.seq), cmp.Compare(b.stamp, a.stamp))
	})
	return out, nil
}

// nextBackupSeq returns one more than the highest backup number in dir.
func nextBackupSeq(dir string) (int, error) {
	backups, err := listBackups(dir)
	if err != nil || len(backups) == 0 {
		return 1, err
	}
	return backups[0].seq + 1, nil
}

// Backups returns the backups in dir, newest first.
func Backups(dir string) ([]string, error) {
	backups, err := listBackups(dir)
	paths := make([]string, len(backups))
	for i, b := range backups {
		paths[i] = b.path
	}
	return paths, err
}

// LatestBackupTime returns the time in the name of the newest backup in dir
// (the one with the highest number), or the zero time when there is none.
// A clock that was ahead can have put that time in the future.
func LatestBackupTime(dir string) (time.Time, error) {
	backups, err := listBackups(dir)
	if err != nil || len(backups) == 0 {
		return time.Time{}, err
	}
	return time.Parse(backupTimeLayout, backups[0].stamp)
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

// CheckFile opens a database file read-only, runs PRAGMA integrity_check on
// it and checks its schema. It returns nil only when SQLite answers "ok" and
// the schema is one this program can serve: ErrNotKaraoke when tables are
// missing, ErrSchemaTooNew when a newer release wrote it.
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
	return checkSchema(ctx, conn)
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
	// 0600: the copy holds every guest's name.
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
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
