package sqlitedb

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
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

// TestLogStartsAgainUnderSteadyWrites: with writes always waiting and
// readers reading beside them, the write-ahead log is still copied whole
// now and then and written over from its beginning, rather than growing
// by every commit.
func TestLogStartsAgainUnderSteadyWrites(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "w.db")
	w, err := OpenWriter("file:" + path + "?_synchronous=NORMAL") // the log's length is the same, the test faster
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	read, err := OpenReader("file:" + path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { read.Close() })
	if _, err := w.DB().Exec(`CREATE TABLE pages (n INTEGER PRIMARY KEY, b BLOB)`); err != nil {
		t.Fatal(err)
	}
	const writes, page = 20000, 4096
	var done atomic.Bool
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for !done.Load() {
				// A short read, as the app's are, now and then.
				read.QueryRowContext(ctx, `SELECT length(b) FROM pages ORDER BY n DESC LIMIT 1`).Scan(new(int))
				time.Sleep(time.Millisecond)
			}
		})
	}
	var next atomic.Int64
	for range 10 {
		wg.Go(func() {
			for n := next.Add(1); n <= writes; n = next.Add(1) {
				if err := w.Write(ctx, func(tx *sql.Tx) error {
					_, err := tx.ExecContext(ctx, `INSERT INTO pages (n, b) VALUES (?, zeroblob(?))`, n, page)
					return err
				}); err != nil {
					t.Error(err)
				}
			}
			done.Store(true)
		})
	}
	wg.Wait()
	info, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	// Each write adds a page and its row's leaf: never started again, the
	// log held 46,000 frames (190 MB) in two runs; started again, 6,000-
	// 16,000 in five.
	frames := info.Size() / (page + 24)
	if frames > writes {
		t.Errorf("the log holds %d frames after %d writes: it was never started again", frames, writes)
	}
	t.Logf("the log's file holds %d frames after %d writes", frames, writes)
}
