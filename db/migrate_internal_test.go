package db

import (
	"context"
	"path/filepath"
	"testing"
)

func TestBackupBeforeANewMigration(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	backups := filepath.Join(dir, "backups")
	s := OpenForTest(t, "file:"+filepath.Join(dir, "k.db"), BackupBeforeMigrating(backups, 3))
	if got, _ := Backups(backups); len(got) != 0 {
		t.Fatalf("a new database was backed up: %v", got)
	}
	migrations, _ := Migrations()
	next := Migration{Version: migrations[len(migrations)-1].Version + 1, Name: "9999_extra.sql", SQL: "CREATE TABLE extra (x INTEGER)"}
	if err := s.migrate(ctx, options{backupDir: backups, backupsKept: 3}, append(migrations, next)); err != nil {
		t.Fatal(err)
	}
	got, _ := Backups(backups)
	if len(got) != 1 {
		t.Fatalf("backups after a new migration = %v, want one", got)
	}
	// The backup has the schema from before the migration.
	if err := CheckFile(ctx, got[0]); err != nil {
		t.Fatal(err)
	}
	if v, _ := s.SchemaVersion(ctx); v != next.Version {
		t.Errorf("schema version = %d, want %d", v, next.Version)
	}
	// Applied already: no second backup.
	if err := s.migrate(ctx, options{backupDir: backups, backupsKept: 3}, append(migrations, next)); err != nil {
		t.Fatal(err)
	}
	if got, _ := Backups(backups); len(got) != 1 {
		t.Errorf("backups = %v, want still one", got)
	}
}

func TestMigrationMergedLateStillRuns(t *testing.T) {
	ctx := context.Background()
	s := OpenForTest(t, "file:"+filepath.Join(t.TempDir(), "k.db"))
	migrations, _ := Migrations()
	top := migrations[len(migrations)-1].Version
	later := Migration{Version: top + 2, Name: "later.sql", SQL: "CREATE TABLE later (x INTEGER)"}
	if err := s.migrate(ctx, options{}, append(migrations, later)); err != nil {
		t.Fatal(err)
	}
	// A branch merged afterwards brings a lower number that never ran.
	late := Migration{Version: top + 1, Name: "late.sql", SQL: "CREATE TABLE late (x INTEGER)"}
	if err := s.migrate(ctx, options{}, append(migrations, late, later)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.writer.DB().ExecContext(ctx, `INSERT INTO late (x) VALUES (1)`); err != nil {
		t.Errorf("the late migration did not run: %v", err)
	}
}
