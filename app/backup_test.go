package app_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/karaoke-night/karaoke/app"
)

// TestStartRemovesWhatKilledBackupsLeft plants what five backups and a
// restore killed part-way leave (one file 200 MB), starts the server, and
// finds them gone. Before, they stayed forever: five killed backups once
// left 867 MB, every guest's name in each.
func TestStartRemovesWhatKilledBackupsLeft(t *testing.T) {
	cfg := testConfig(t)
	backups := filepath.Join(cfg.DataDir, app.BackupDir)
	os.MkdirAll(backups, 0o750)
	planted := []string{filepath.Join(cfg.DataDir, ".restore-staged.db")}
	for i := range 5 {
		planted = append(planted, filepath.Join(backups, fmt.Sprintf(".tmp-backup-%d.db", i)),
			filepath.Join(backups, fmt.Sprintf(".tmp-backup-%d.db-journal", i)))
	}
	for i, p := range planted {
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if i == 1 {
			f.Truncate(200 << 20)
		}
		f.Close()
	}
	startServer(t, cfg)
	for _, p := range planted {
		if _, err := os.Stat(p); !os.IsNotExist(err) {
			t.Errorf("%s is still there after the start (%v)", p, err)
		}
	}
}

// TestDataFilesAreNotWorldReadable runs a night and a backup, then checks
// the mode of every file in DATA_DIR while the server still runs (so the
// -wal and -shm are there). Before, the database, its -wal and -shm and
// every backup were 0644: any local user could read every guest's name.
func TestDataFilesAreNotWorldReadable(t *testing.T) {
	cfg := testConfig(t)
	base, _ := startServer(t, cfg)
	n := newNight(t, base, 3)
	n.request(n.guests[0], "Dancing Queen")
	dash, _ := n.host.open("GET", n.dash, nil)
	src, _ := dash.Find(`[data-testid="join-qr"]`).Attr("src")
	n.host.bytes(src) // makes the QR image in DATA_DIR
	if _, err := app.Backup(context.Background(), cfg); err != nil {
		t.Fatal(err)
	}
	seen := map[string]fs.FileMode{}
	filepath.WalkDir(cfg.DataDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(cfg.DataDir, path)
		seen[rel] = info.Mode().Perm()
		if info.Mode().Perm()&^0o640 != 0 {
			t.Errorf("%s is %v, want 0600 (0640 at most)", rel, info.Mode().Perm())
		}
		return nil
	})
	for _, want := range []string{"karaoke.db", "karaoke.db-wal", "karaoke.db-shm"} {
		if _, ok := seen[want]; !ok {
			t.Errorf("no %s in DATA_DIR: %v", want, seen)
		}
	}
	t.Logf("modes in DATA_DIR: %v", seen)
}
