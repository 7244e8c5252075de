package sqlitedb

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpenRefusesWhatIsNotAFile: Open takes file: URLs that name a file,
// and nothing else (a remote database goes through package replica).
func TestOpenRefusesWhatIsNotAFile(t *testing.T) {
	for _, u := range []string{"libsql://k.turso.io", "k.db", "file:", "file://host/k.db", "file:?mode=ro"} {
		if db, err := Open(u, ""); err == nil {
			db.Close()
			t.Errorf("Open(%q) gave no error", u)
		}
	}
}

// TestOpenCreatesTheFile0600: the database holds every guest's name; SQLite
// alone made it 0644, readable by every local user.
func TestOpenCreatesTheFile0600(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir) // a relative file:name is parsed apart from an absolute one
	for _, u := range []string{"file:" + filepath.Join(dir, "k.db"), "file:with%20space.db"} {
		name, _ := strings.CutPrefix(strings.ReplaceAll(filepath.Base(u), "%20", " "), "file:")
		conn, err := Open(u, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(`CREATE TABLE t (x)`); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{name, name + "-wal", name + "-shm"} {
			if info, err := os.Stat(filepath.Join(dir, f)); err != nil || info.Mode().Perm() != 0o600 {
				t.Errorf("%s: %v, %v; want 0600", f, info.Mode(), err)
			}
		}
		conn.Close()
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("files made: %v, want the two databases only", entries)
	}
}
