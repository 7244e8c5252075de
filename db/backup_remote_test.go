package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tursodatabase/libsql-client-go/libsql"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/sqldtest"
	"github.com/karaoke-night/karaoke/sqlitedb"
)

// nightRows lists a database's sessions, guests and requests, one line a
// row, in key order.
func nightRows(t *testing.T, q sqlitedb.Querier) []string {
	t.Helper()
	var out []string
	for _, query := range []string{
		`SELECT 'session ' || id || ' ' || name || ' ' || code FROM sessions ORDER BY id`,
		`SELECT 'guest ' || id || ' ' || session_id || ' ' || name FROM guests ORDER BY id`,
		`SELECT 'request ' || id || ' ' || guest_id || ' ' || title || ' ' || status FROM requests ORDER BY id`,
	} {
		rows, err := sqlitedb.Column[string](context.Background(), q, query)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rows...)
	}
	return out
}

// remoteConn is a pool on the server itself, closed when the test ends.
func remoteConn(t *testing.T, url string) *sql.DB {
	t.Helper()
	c, err := libsql.NewConnector(url)
	if err != nil {
		t.Fatal(err)
	}
	q := sql.OpenDB(c)
	t.Cleanup(func() { q.Close() })
	return q
}

// versionsIn lists the migrations a database records.
func versionsIn(t *testing.T, q sqlitedb.Querier) []int {
	t.Helper()
	v, err := sqlitedb.Column[int](context.Background(), q, `SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// backupFile opens a backup read-only, closed when the test ends.
func backupFile(t *testing.T, path string) *sql.DB {
	t.Helper()
	conn, err := sqlitedb.OpenFileReadOnly(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// TestRemoteBackupIsALocalCopy: a night written through the store on a
// real libSQL server, backed up, gives a numbered local file that a restore
// takes (integrity and schema), holding the same sessions, guests and
// requests, and the remote's migrations; a store opened on it serves the
// night. The backup folder then holds the one file, nothing beside it.
func TestRemoteBackupIsALocalCopy(t *testing.T) {
	srv := sqldtest.Start(t)
	store := openRemote(t, srv.URL)
	ctx := context.Background()
	sess, _, err := store.CreateSession(ctx, "Remote night")
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"Ann", "Bob", "Carol"} {
		g, err := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), name)
		if err != nil {
			t.Fatal(err)
		}
		for j := range 2 {
			if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: g.ID, Title: fmt.Sprintf("Song %d-%d", i, j)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, _, err := store.StartNext(ctx, sess.ID, db.NoTurn); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "backups")
	path, err := store.Backup(ctx, dir, 3)
	if err != nil {
		t.Fatalf("backup of the remote: %v", err)
	}
	if got := filepath.Base(path); !strings.HasPrefix(got, "karaoke-000001-") || !strings.HasSuffix(got, ".db") {
		t.Errorf("backup named %s, want karaoke-000001-<time>.db", got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("backup folder holds %d entries, want the backup alone (no -journal, -wal or temporary)", len(entries))
	}
	if err := db.CheckFile(ctx, path); err != nil {
		t.Fatalf("a restore refuses the remote's backup: %v", err)
	}
	file := backupFile(t, path)
	var mode string
	if err := file.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "delete" {
		t.Errorf("the backup's journal mode = %q, %v; want delete: the backup is the one file", mode, err)
	}
	want, got := nightRows(t, remoteConn(t, srv.URL)), nightRows(t, file)
	if len(want) != 1+3+6 || !slices.Equal(got, want) {
		t.Errorf("the backup holds\n%s\nthe remote\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if got, want := len(versionsIn(t, file)), len(appliedOnServer(t, srv.URL)); got != want || want == 0 {
		t.Errorf("backup records %d migrations, the remote %d", got, want)
	}

	restored := db.OpenForTest(t, "file:"+path, db.Replication(false))
	night, err := restored.Night(ctx, sess.ID)
	if err != nil {
		t.Fatalf("the night in the restored copy: %v", err)
	}
	if night.NowSinging == nil || night.NowSinging.Title != "Song 0-0" || len(night.Queue()) != 5 {
		t.Errorf("restored night: singing %+v, %d waiting; want Song 0-0 and 5", night.NowSinging, len(night.Queue()))
	}
}

// TestRemoteBackupWhileWritesGoOn: backups taken while guests keep joining
// and asking for songs on the remote are each one moment of it: no request
// without its guest, no guest without its session, and every backup passes
// a restore's check; they are numbered on, and pruned to the number kept.
func TestRemoteBackupWhileWritesGoOn(t *testing.T) {
	srv := sqldtest.Start(t)
	store := openRemote(t, srv.URL)
	ctx := context.Background()
	sess, _, err := store.CreateSession(ctx, "Busy night")
	if err != nil {
		t.Fatal(err)
	}
	// A house songbook of some size, which the backup reads between the
	// guests and the requests, as it would on a real night.
	var book strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&book, "Artist %d - Title %d\n", i, i)
	}
	if _, _, err := store.ImportSongbook(ctx, db.SongbookImport{Name: "House"}, strings.NewReader(book.String())); err != nil {
		t.Fatal(err)
	}
	var stop atomic.Bool
	var written atomic.Int64
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				g, err := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), fmt.Sprintf("Guest %d-%d", w, i))
				if err != nil {
					t.Error(err)
					return
				}
				if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: g.ID, Title: fmt.Sprintf("Song %d-%d", w, i)}); err != nil {
					t.Error(err)
					return
				}
				written.Add(1)
			}
		})
	}
	dir := filepath.Join(t.TempDir(), "backups")
	var paths []string
	for range 3 {
		start := time.Now()
		path, err := store.Backup(ctx, dir, 2)
		t.Logf("backup of 3,000 songs and a night while writes go on: %v", time.Since(start).Round(time.Millisecond))
		if err != nil {
			stop.Store(true)
			wg.Wait()
			t.Fatalf("backup while writes go on: %v", err)
		}
		paths = append(paths, path)
	}
	stop.Store(true)
	wg.Wait()
	t.Logf("%d guests and requests written during 3 backups", written.Load())
	if written.Load() < 5 {
		t.Errorf("only %d writes went on during the backups: the test proves nothing", written.Load())
	}
	kept, err := db.Backups(dir)
	if err != nil || !slices.Equal(kept, []string{paths[2], paths[1]}) {
		t.Errorf("backups kept = %v, %v; want the newest two of %v", kept, err, paths)
	}
	for _, path := range kept {
		if err := db.CheckFile(ctx, path); err != nil {
			t.Errorf("%s: %v", filepath.Base(path), err)
		}
		var orphans int
		if err := backupFile(t, path).QueryRow(`SELECT
			(SELECT COUNT(*) FROM requests WHERE guest_id NOT IN (SELECT id FROM guests)) +
			(SELECT COUNT(*) FROM guests WHERE session_id NOT IN (SELECT id FROM sessions))`).Scan(&orphans); err != nil || orphans != 0 {
			t.Errorf("%s: %d rows without their parent (%v)", filepath.Base(path), orphans, err)
		}
	}
}

// TestRemoteBackupRefusesANewerSchema: a remote a newer release migrated
// is not copied into a file this program's restore would refuse, and no
// file is left behind.
func TestRemoteBackupRefusesANewerSchema(t *testing.T) {
	srv := sqldtest.Start(t)
	store := openRemote(t, srv.URL)
	if _, err := remoteConn(t, srv.URL).Exec(`INSERT INTO schema_migrations VALUES (9999, '9999_from_the_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "backups")
	if _, err := store.Backup(context.Background(), dir, 3); !errors.Is(err, db.ErrSchemaTooNew) {
		t.Errorf("backup of a remote with a migration from the future: %v, want ErrSchemaTooNew", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused backup left %d files behind", len(entries))
	}
}
