package app

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestPrepareDataDirMakesFolders(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := prepareDataDir(dir); err != nil {
		t.Fatal(err)
	}
	for _, sub := range []string{QRDir, BackupDir} {
		info, err := os.Stat(filepath.Join(dir, sub))
		if err != nil || !info.IsDir() {
			t.Errorf("%s not created: %v", sub, err)
		}
		if info != nil && info.Mode().Perm()&0o007 != 0 {
			t.Errorf("%s is open to everyone: %v", sub, info.Mode())
		}
	}
}

func TestPrepareDataDirRefusesReadOnly(t *testing.T) {
	if os.Geteuid() == 0 {
		// root writes through permission bits; a file in the way still blocks.
		dir := filepath.Join(t.TempDir(), "data")
		os.WriteFile(dir, []byte("a file, not a folder"), 0o640)
		err := prepareDataDir(dir)
		if err == nil || !strings.Contains(err.Error(), "DATA_DIR") {
			t.Fatalf("err = %v, want a clear DATA_DIR error", err)
		}
		return
	}
	dir := t.TempDir()
	os.Chmod(dir, 0o500)
	defer os.Chmod(dir, 0o700)
	if err := prepareDataDir(dir); err == nil || !strings.Contains(err.Error(), "not writable") {
		t.Fatalf("err = %v, want not writable", err)
	}
}

func TestVolumeGuard(t *testing.T) {
	dir := t.TempDir()
	// A folder on the same device as the "root" is what Fly gives without a volume.
	var eph *ErrEphemeral
	if err := checkVolume(dir, filepath.Dir(dir)); !errors.As(err, &eph) {
		t.Errorf("same device: err = %v, want ErrEphemeral", err)
	}
	// /proc is a device of its own, as a mounted volume is.
	if err := checkVolume(dir, "/proc"); err != nil {
		t.Errorf("different device: err = %v", err)
	}

	cfg := Config{Addr: "127.0.0.1:0", DataDir: dir, DatabaseURL: "file:" + filepath.Join(dir, DatabaseFile), RequireVolume: true}
	if sameDev, _ := sameDevice(dir, "/"); sameDev {
		if _, err := Open(context.Background(), cfg, quietLog()); !errors.As(err, &eph) {
			t.Errorf("Open on Fly without a volume: err = %v, want refusal", err)
		}
		cfg.AllowEphemeral = true
		srv, err := Open(context.Background(), cfg, quietLog())
		if err != nil {
			t.Fatalf("Open with ALLOW_EPHEMERAL_DATA=1: %v", err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		srv.Run(ctx)
	}
}

func TestDatabaseOutsideDataDirIsRefusedOnFly(t *testing.T) {
	cfg := Config{DataDir: "/data", DatabaseURL: "file:/tmp/elsewhere.db?_synchronous=FULL", RequireVolume: true}
	if insideDir(databaseFile(cfg.DatabaseURL), cfg.DataDir) {
		t.Fatal("/tmp/elsewhere.db counted as inside /data")
	}
	if !insideDir(databaseFile("file:/data/karaoke.db"), "/data") {
		t.Error("/data/karaoke.db not counted as inside /data")
	}
	if insideDir("/data-other/k.db", "/data") {
		t.Error("/data-other counted as inside /data")
	}
}

func TestRestoreRefusesWhileAServerRuns(t *testing.T) {
	dir := t.TempDir()
	cfg := Config{Addr: "127.0.0.1:0", DataDir: dir, DatabaseURL: "file:" + filepath.Join(dir, DatabaseFile), BackupsKept: 7}
	backup, err := Backup(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := Open(context.Background(), cfg, quietLog())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(context.Background(), cfg, backup); !errors.Is(err, ErrDataDirInUse) {
		t.Errorf("restore beside a server: err = %v, want ErrDataDirInUse", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := srv.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := Restore(context.Background(), cfg, backup); err != nil {
		t.Errorf("restore after the server stopped: %v", err)
	}
}
