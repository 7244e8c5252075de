package db

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestBackupRemovesWhatKilledBackupsLeft plants the temporary files and
// journals of five backups killed part-way (one file 200 MB) beside the file of a backup
// still running in another process; the next backup removes the five and
// leaves the running one's alone. Before, they stayed forever: five kills
// once left 867 MB, every guest's name in each.
func TestBackupRemovesWhatKilledBackupsLeft(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	backups := filepath.Join(dir, "backups")
	s := OpenForTest(t, "file:"+filepath.Join(dir, "k.db"))
	if err := os.MkdirAll(backups, 0o750); err != nil {
		t.Fatal(err)
	}
	// Each leaves its file and the -journal of VACUUM INTO; one's file is
	// gone already.
	for i := range 5 {
		for _, name := range []string{fmt.Sprintf(".tmp-backup-%d.db", i), fmt.Sprintf(".tmp-backup-%d.db-journal", i)} {
			if i == 4 && filepath.Ext(name) == ".db" {
				continue
			}
			f, err := os.Create(filepath.Join(backups, name))
			if err != nil {
				t.Fatal(err)
			}
			if i == 0 && filepath.Ext(name) == ".db" {
				f.Truncate(200 << 20)
			}
			f.Close()
		}
	}
	// A backup in another process holds its file locked as long as it runs;
	// flock locks of two opens conflict even within one process.
	running, err := createTemp(backups)
	if err != nil {
		t.Fatal(err)
	}
	defer running.release()
	if info, err := os.Stat(running.path); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("a backup's temporary file: %v, %v; want mode 0600", info.Mode(), err)
	}

	made, err := s.Backup(ctx, backups, 3)
	if err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(backups, ".tmp-*"))
	if want := []string{running.path}; !slices.Equal(left, want) {
		t.Errorf("temporary files after a backup = %v, want only the running backup's %v", left, want)
	}
	if info, err := os.Stat(made); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("backup %s: %v, %v; want mode 0600", made, info.Mode(), err)
	}
}
