package db_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

func TestBackupRestoreRoundTrip(t *testing.T) {
	db.LocalOnly(t, "a backup of it")
	ctx := context.Background()
	dir := t.TempDir()
	dbPath := filepath.Join(dir, "karaoke.db")
	backups := filepath.Join(dir, "backups")
	store, err := db.Open(ctx, "file:"+dbPath)
	if err != nil {
		t.Fatal(err)
	}
	sess, _, err := store.CreateSession(ctx, "Before the backup")
	if err != nil {
		t.Fatal(err)
	}
	path, err := store.Backup(ctx, backups, db.DefaultBackupsKept)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filepath.Base(path), "karaoke-") {
		t.Errorf("backup named %s", path)
	}
	if err := db.CheckFile(ctx, path); err != nil {
		t.Errorf("backup does not pass its own check: %v", err)
	}
	// A change after the backup is undone by restoring it.
	later, _, _ := store.CreateSession(ctx, "After the backup")
	store.Close()
	if err := db.Restore(ctx, path, dbPath); err != nil {
		t.Fatal(err)
	}
	store = db.OpenForTest(t, "file:"+dbPath)
	if got, err := store.Session(ctx, sess.ID); err != nil || got.Name != "Before the backup" {
		t.Errorf("restored session = %+v, %v", got, err)
	}
	if _, err := store.Session(ctx, later.ID); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("session made after the backup is still there: %v", err)
	}
}

func TestRestoreRefusesABadFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.db")
	os.WriteFile(bad, []byte("this is not SQLite"), 0o640)
	target := filepath.Join(dir, "karaoke.db")
	os.WriteFile(target, []byte("keep me"), 0o640)
	if err := db.Restore(context.Background(), bad, target); err == nil {
		t.Fatal("restored a file that is not a database")
	}
	if got, _ := os.ReadFile(target); string(got) != "keep me" {
		t.Error("a refused restore touched the database")
	}
}

func TestBackupsKeepTheNewest(t *testing.T) {
	ctx := context.Background()
	store := openTestStore(t)
	c := newClock()
	store.Now = c.Now
	dir := filepath.Join(t.TempDir(), "backups")
	var made []string
	for range 5 {
		c.Advance(time.Hour)
		p, err := store.Backup(ctx, dir, 3)
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, p)
	}
	got, err := db.Backups(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{made[4], made[3], made[2]}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("backups kept = %v, want the newest three %v", got, want)
	}
	latest, err := db.LatestBackupTime(dir)
	if err != nil || !latest.Equal(c.Now()) {
		t.Errorf("latest backup time = %v, %v; want %v", latest, err, c.Now())
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

func TestCloseLeavesNoWAL(t *testing.T) {
	dir := t.TempDir()
	store, err := db.Open(context.Background(), "file:"+filepath.Join(dir, "karaoke.db"))
	if err != nil {
		t.Fatal(err)
	}
	for range 20 {
		store.CreateSession(context.Background(), "night")
	}
	if err := store.Close(); err != nil {
		t.Fatal(err)
	}
	if info, err := os.Stat(filepath.Join(dir, "karaoke.db-wal")); err == nil && info.Size() > 0 {
		t.Errorf("-wal holds %d bytes after Close", info.Size())
	}
}

func TestDatabaseURLOverridesDefaults(t *testing.T) {
	store := db.OpenForTest(t, "file:"+filepath.Join(t.TempDir(), "k.db")+"?_synchronous=NORMAL")
	got, _ := store.Pragmas(context.Background())
	if got["synchronous"] != "1" || got["journal_mode"] != "wal" {
		t.Errorf("pragmas = %v, want synchronous NORMAL (1) and the other defaults", got)
	}
}
