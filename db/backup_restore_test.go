package db_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/backuptest"
)

// TestRestoreRefusesAForeignSchema restores files that pass SQLite's
// integrity check but that the server cannot run on. Before, a file with
// only the migrations table was accepted (the server then answered 500 to
// everything), and so was a backup with a future migration (the server then
// refused to start, and a later good restore failed too).
func TestRestoreRefusesAForeignSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store := openTestStore(t)
	good, err := store.Backup(ctx, filepath.Join(dir, "backups"), 3)
	if err != nil {
		t.Fatal(err)
	}
	onlyMigrations, future := backuptest.OnlyMigrations(t, dir), backuptest.FromTheFuture(t, dir, good)
	noMigrations := filepath.Join(dir, "no-migrations.db")
	backuptest.Exec(t, noMigrations, `CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`)
	missingColumn := filepath.Join(t.TempDir(), "missing-column.db")
	data, _ := os.ReadFile(good)
	os.WriteFile(missingColumn, data, 0o600)
	backuptest.Exec(t, missingColumn, `ALTER TABLE sessions RENAME COLUMN name TO title`)

	for _, tt := range []struct {
		name string
		file string
		want error
	}{
		{"only the migrations table", onlyMigrations, db.ErrNotKaraoke},
		{"no migration recorded", noMigrations, db.ErrNotKaraoke},
		{"a column renamed", missingColumn, db.ErrNotKaraoke},
		{"a future migration", future, db.ErrSchemaTooNew},
	} {
		t.Run(tt.name, func(t *testing.T) {
			target := filepath.Join(t.TempDir(), "karaoke.db")
			os.WriteFile(target, []byte("keep me"), 0o600)
			err := db.Restore(ctx, tt.file, target)
			if !errors.Is(err, tt.want) {
				t.Errorf("restore = %v, want %v", err, tt.want)
			}
			if got, _ := os.ReadFile(target); !bytes.Equal(got, []byte("keep me")) {
				t.Error("a refused restore touched the database")
			}
		})
	}
	if err := db.CheckFile(ctx, good); err != nil {
		t.Errorf("a good backup fails its check: %v", err)
	}
}

// TestAFutureStampedBackupDoesNotPushOutTheNewest takes a backup while the
// clock is a year ahead, plants one named by the old rule for 2099, puts
// the clock right, and backs up with BACKUPS_KEPT=3. Before, both sorted as
// the newest, so each new backup was the one pruned.
func TestAFutureStampedBackupDoesNotPushOutTheNewest(t *testing.T) {
	ctx := context.Background()
	store := openTestStore(t)
	c := newClock()
	store.Now = c.Now
	dir := filepath.Join(t.TempDir(), "backups")
	os.MkdirAll(dir, 0o750)
	os.WriteFile(filepath.Join(dir, "karaoke-20991231T000000.000Z.db"), nil, 0o600)
	c.Advance(365 * 24 * time.Hour)
	if _, err := store.Backup(ctx, dir, 3); err != nil {
		t.Fatal(err)
	}
	c.Advance(-365 * 24 * time.Hour)
	var made []string
	for range 4 {
		c.Advance(time.Hour)
		p, err := store.Backup(ctx, dir, 3)
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, p)
		if got, _ := db.Backups(dir); len(got) == 0 || got[0] != p {
			t.Fatalf("after a backup, backups = %v; want %s first", got, p)
		}
	}
	got, _ := db.Backups(dir)
	if want := []string{made[3], made[2], made[1]}; len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		t.Errorf("backups kept = %v, want the three newest %v", got, want)
	}
	if latest, err := db.LatestBackupTime(dir); err != nil || !latest.Equal(c.Now()) {
		t.Errorf("latest backup time = %v, %v; want %v", latest, err, c.Now())
	}
}

// TestPurgedNamesLeaveNoTraceInTheFiles purges a session and looks for its
// guest's name in the bytes of the database and its WAL while the store is
// still open. Before, the WAL held it until a checkpoint: days on a quiet
// server.
func TestPurgedNamesLeaveNoTraceInTheFiles(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "karaoke.db")
	store := db.OpenForTest(t, "file:"+path)
	const name = "Qwxzyvj Purgeable"
	sess, _, err := store.CreateSession(ctx, "Night of "+name)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), name); err != nil {
		t.Fatal(err)
	}
	if err := store.EndSession(ctx, sess.ID); err != nil {
		t.Fatal(err)
	}
	if n, err := store.PurgeEnded(ctx, store.Now().Add(time.Hour)); err != nil || n != 1 {
		t.Fatalf("purged %d sessions, %v; want 1", n, err)
	}
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		if n := bytes.Count(b, []byte(name)); n > 0 {
			t.Errorf("%s still holds the purged name %d times (%d bytes)", filepath.Base(f), n, len(b))
		}
	}
}
