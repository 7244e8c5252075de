package sqlitedb

import "testing"

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
