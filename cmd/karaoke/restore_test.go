package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/karaoke-night/karaoke/internal/backuptest"
)

// TestRestoreRefusesAForeignSchema gives `karaoke restore`, `karaoke restore
// --on-restart` and a pending restore found at start-up two files that pass
// SQLite's integrity check but that the server cannot run on: one holding
// only the migrations table, and a real backup with a migration from the
// future. Before, both were restored: the first made the server answer 500
// to everything; the second stopped it starting, and a later good restore
// failed too, until someone deleted files by hand.
func TestRestoreRefusesAForeignSchema(t *testing.T) {
	srv, dataDir, good, host, dash := backupMidNight(t, "Kept", "Also kept")
	if exit, _ := srv.stop(syscall.SIGTERM); exit != 0 {
		t.Fatalf("stop: exit %d", exit)
	}
	dir := t.TempDir()
	onlyMigrations, future := backuptest.OnlyMigrations(t, dir), backuptest.FromTheFuture(t, dir, good)

	database := filepath.Join(dataDir, "karaoke.db")
	before, _ := os.ReadFile(database)
	backupsBefore, _ := filepath.Glob(filepath.Join(dataDir, "backups", "*"))
	for _, tt := range []struct{ file, says string }{
		{onlyMigrations, "not a karaoke database"},
		{future, "newer release"},
	} {
		for _, args := range [][]string{{"restore", tt.file}, {"restore", "--on-restart", tt.file}} {
			out, err := command(dataDir, args...)
			if err == nil || !strings.Contains(out, tt.says) {
				t.Errorf("karaoke %s: %v, want a refusal saying %q:\n%s", strings.Join(args, " "), err, tt.says, out)
			}
		}
	}
	if after, _ := os.ReadFile(database); !bytes.Equal(before, after) {
		t.Error("a refused restore changed the database")
	}
	if backupsAfter, _ := filepath.Glob(filepath.Join(dataDir, "backups", "*")); len(backupsAfter) != len(backupsBefore) {
		t.Errorf("backups after refused restores = %v, want as before %v", backupsAfter, backupsBefore)
	}
	if _, err := os.Stat(filepath.Join(dataDir, "restore-on-start")); !os.IsNotExist(err) {
		t.Errorf("a refused restore --on-restart left a request: %v", err)
	}

	// A request that no longer passes (asked for by an older release, or
	// the file changed since) is set aside, and the server starts on the
	// database it has.
	marker := filepath.Join(dataDir, "restore-on-start")
	os.WriteFile(marker, []byte(future), 0o600)
	srv = startServer(t, dataDir)
	if !strings.Contains(srv.log(), "the restore asked for at start-up failed") {
		t.Errorf("no log line for the refused restore:\n%s", srv.log())
	}
	if titles := host.doc(srv.base, dash).Find(`[data-testid="queue-item"] .title`).Text(); titles != "KeptAlso kept" {
		t.Errorf("queue after a refused restore at start-up = %q, want both requests", titles)
	}
	if _, err := os.Stat(marker); !os.IsNotExist(err) {
		t.Errorf("the refused request is still there: %v", err)
	}
	if _, err := os.Stat(marker + ".failed"); err != nil {
		t.Errorf("the refused request was not set aside: %v", err)
	}
	if exit, _ := srv.stop(syscall.SIGTERM); exit != 0 {
		t.Fatalf("stop: exit %d", exit)
	}
	if out, err := command(dataDir, "restore", good); err != nil {
		t.Errorf("a good restore after the refused ones: %v\n%s", err, out)
	}
}

// TestRestoreOverAnUnusableDatabase: a database the server cannot start on
// (a newer release's, here) must not block the restore that gets out of it.
// Before, the restore first tried to back it up through the store, which
// refused it, so every restore failed until the file was deleted by hand.
func TestRestoreOverAnUnusableDatabase(t *testing.T) {
	srv, dataDir, good, host, dash := backupMidNight(t, "Kept", "Undone")
	if exit, _ := srv.stop(syscall.SIGTERM); exit != 0 {
		t.Fatalf("stop: exit %d", exit)
	}
	database := filepath.Join(dataDir, "karaoke.db")
	backuptest.Exec(t, database, `INSERT INTO schema_migrations VALUES (9999, '9999_from_the_future.sql', 0)`)
	out, err := command(dataDir, "restore", good)
	if err != nil {
		t.Fatalf("restore over a newer release's database: %v\n%s", err, out)
	}
	if !strings.Contains(out, "unusable-") {
		t.Errorf("restore does not say where the unusable database went:\n%s", out)
	}
	srv = startServer(t, dataDir)
	if titles := host.doc(srv.base, dash).Find(`[data-testid="queue-item"] .title`).Text(); titles != "Kept" {
		t.Errorf("queue after the restore = %q, want only Kept", titles)
	}
}
