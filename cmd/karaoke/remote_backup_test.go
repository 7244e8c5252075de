package main

import (
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/internal/sqldtest"
)

// TestBackupOfTheRemote is how an operator of several machines takes the
// nights home: `karaoke backup` in remote mode, beside a machine serving
// the night from a real libSQL server, writes a local file into
// DATA_DIR/backups; `karaoke restore` there refuses (the remote restores
// with Turso's own), but on one machine with a local file it takes it, and
// that machine serves the night as it was at the backup.
func TestBackupOfTheRemote(t *testing.T) {
	sqld := sqldtest.Start(t)
	remote := []string{"DATABASE_URL=" + sqld.URL}
	machineDir := t.TempDir()
	machine := startServer(t, machineDir, remote...)
	host, dash, code, phones := night(t, machine.base, "Ann", "Bob")
	phones[0].post(machine.base, "/j/"+code+"/requests", url.Values{"title": {"Africa"}})
	phones[1].post(machine.base, "/j/"+code+"/requests", url.Values{"title": {"Toxic"}})

	out, err := commandEnv(machineDir, remote, "backup")
	if err != nil {
		t.Fatalf("karaoke backup in remote mode beside a running machine: %v\n%s", err, out)
	}
	path := strings.TrimSpace(strings.TrimPrefix(out, "backup written:"))
	if filepath.Dir(path) != filepath.Join(machineDir, "backups") {
		t.Fatalf("backup written to %q, want DATA_DIR/backups:\n%s", path, out)
	}
	phones[0].post(machine.base, "/j/"+code+"/requests", url.Values{"title": {"After the backup"}})
	if out, err := commandEnv(machineDir, remote, "restore", path); err == nil || !strings.Contains(out, "point-in-time restore") {
		t.Errorf("restore in remote mode: %v, want it refused, saying how the remote restores:\n%s", err, out)
	}

	home := t.TempDir() // one machine with a local file
	if out, err := command(home, "restore", path); err != nil {
		t.Fatalf("restore of the remote's backup on a local DATA_DIR: %v\n%s", err, out)
	}
	local := startServer(t, home)
	titles := host.doc(local.base, dash).Find(`[data-testid="queue-item"] .title`).Text()
	if titles != "AfricaToxic" {
		t.Errorf("the restored night's queue = %q, want Africa and Toxic, as at the backup", titles)
	}
}
