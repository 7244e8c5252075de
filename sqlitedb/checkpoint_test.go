package sqlitedb

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/wait"
)

// TestCheckpointsBesideTheWriter: the writer's commits never checkpoint
// (its connection's automatic checkpoint is off), yet what they wrote
// reaches the database file soon after, copied by the checkpointer.
func TestCheckpointsBesideTheWriter(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	w, err := OpenWriter("file:" + path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	var auto int
	if err := w.DB().QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&auto); err != nil || auto != 0 {
		t.Fatalf("the writer's wal_autocheckpoint is %d (%v), want 0", auto, err)
	}
	if _, err := w.DB().Exec(`CREATE TABLE blobs (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	const size = 1 << 20
	if err := w.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO blobs (b) VALUES (zeroblob(?))`, size)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	wait.Eventually(t, 10*time.Second, func() bool {
		info, err := os.Stat(path)
		return err == nil && info.Size() > size
	}, "the database file never took the committed megabyte")
}
