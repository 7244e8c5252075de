package db

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"
)

func TestBackupBeforeANewMigration(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	backups := filepath.Join(dir, "backups")
	s, err := Open(ctx, "file:"+filepath.Join(dir, "k.db"), BackupBeforeMigrating(backups, 3))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
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
	s, err := Open(ctx, "file:"+filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
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
	if _, err := s.write.ExecContext(ctx, `INSERT INTO late (x) VALUES (1)`); err != nil {
		t.Errorf("the late migration did not run: %v", err)
	}
}

// TestWriteGroupKeepsEachWriteAllOrNothing commits three writes together,
// the middle one failing: the other two are kept, nothing of the middle one.
func TestWriteGroupKeepsEachWriteAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, "file:"+filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	insert := func(name string, fail bool) *writeJob {
		return &writeJob{ctx: ctx, done: make(chan error, 1), fn: func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (name, code, host_secret_hash, created_at) VALUES (?, ?, x'00', 0)`, name, name[:4]); err != nil {
				return err
			}
			if fail {
				return Errorf(ECONFLICT, "no")
			}
			return nil
		}}
	}
	group := []*writeJob{insert("AAAA first", false), insert("BBBB fails", true), insert("CCCC third", false)}
	s.commitGroup(group)
	for i, want := range []bool{true, false, true} {
		if err := <-group[i].done; (err == nil) != want {
			t.Errorf("write %d: err = %v", i, err)
		}
	}
	var names []string
	rows, _ := s.write.QueryContext(ctx, `SELECT name FROM sessions ORDER BY id`)
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	if got := strings.Join(names, ","); got != "AAAA first,CCCC third" {
		t.Errorf("sessions = %q, want the first and third only", got)
	}
}
