package db

import (
	"context"
	"fmt"
	"maps"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/karaoke-night/karaoke/internal/sqldtest"
	"github.com/karaoke-night/karaoke/sqlitedb"
)

// OpenForTest opens the store at url with opts, failing tb if it cannot,
// and closes it when the test or benchmark ends. The package's own tests
// and those of db_test share it, so it lives here.
//
// With KARAOKE_TEST_REMOTE=1 (go test ./db), a store opened with no
// options is opened in remote mode on a sqld of its own instead: the
// store's tests then run on a real libSQL server.
func OpenForTest(tb testing.TB, url string, opts ...Option) *Store {
	tb.Helper()
	open := Open
	if os.Getenv("KARAOKE_TEST_REMOTE") == "1" && len(opts) == 0 {
		srv := remoteFor(tb, url)
		open = func(ctx context.Context, _ string, _ ...Option) (*Store, error) { return OpenRemote(ctx, srv.URL, "") }
	}
	s, err := open(context.Background(), url, opts...)
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// LocalOnly skips a test that is about the local file itself (its
// pragmas, a backup of it, an old file migrated) when KARAOKE_TEST_REMOTE=1
// runs the store's tests on a libSQL server, where it means nothing. The
// test still runs in every other run, CI's among them.
func LocalOnly(tb testing.TB, what string) {
	tb.Helper()
	if os.Getenv("KARAOKE_TEST_REMOTE") == "1" {
		tb.Skip("about the local file (" + what + "): not run on a libSQL server")
	}
}

// remotes are the sqld servers KARAOKE_TEST_REMOTE=1 started, by the file:
// URL they stand for, so a test that opens its file again gets the same
// database.
var remotes sync.Map

func remoteFor(tb testing.TB, url string) *sqldtest.Server {
	if srv, ok := remotes.Load(url); ok {
		return srv.(*sqldtest.Server)
	}
	srv := sqldtest.Start(tb)
	remotes.Store(url, srv)
	return srv
}

// Pragmas returns the connection settings in force on the write connection,
// by name, as SQLite reports them.
func (s *Store) Pragmas(ctx context.Context) (map[string]string, error) {
	got := map[string]string{}
	for _, name := range []string{"journal_mode", "synchronous", "foreign_keys", "busy_timeout", "temp_store", "cache_size"} {
		var v string
		if err := s.writer.DB().QueryRowContext(ctx, "PRAGMA "+name).Scan(&v); err != nil {
			return nil, fmt.Errorf("read pragma %s: %w", name, err)
		}
		got[name] = v
	}
	return got, nil
}

// SchemaVersion returns the newest migration applied to the database.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	return schemaVersion(ctx, s.writer.DB())
}

// SignedDevice issues a device token from s, as the join handler does: the
// only kind of token that makes a new guest. db_test shares it.
func SignedDevice(tb testing.TB, s *Store) string {
	tb.Helper()
	token, err := s.NewDeviceToken(context.Background())
	if err != nil {
		tb.Fatalf("device token: %v", err)
	}
	return token
}

// DropSongIndex drops the local search index, as a database restored or
// copied from Turso lacks it.
func (s *Store) DropSongIndex(ctx context.Context) error {
	_, err := s.writer.DB().ExecContext(ctx, dropSongIndex)
	return err
}

// OldSongIndex makes the search index the layout before its words table:
// a trigram index of every song, and no words.
func (s *Store) OldSongIndex(ctx context.Context) error {
	_, err := s.writer.DB().ExecContext(ctx, `DROP TABLE local_song_vocab; DROP TABLE local_vocab_trigrams;
		CREATE VIRTUAL TABLE local_song_trigrams USING fts5 (text, content = '', contentless_delete = 1, detail = none, tokenize = 'trigram')`)
	return err
}

// AbandonedAfter is how long an unfinished import may stay untouched.
const AbandonedAfter = abandonedAfter

// ImportChunk is how many songs one write of an import holds.
const ImportChunk = importChunk

// CountRows returns how many rows a table holds.
func (s *Store) CountRows(tb testing.TB, table string) int {
	tb.Helper()
	var n int
	if err := s.read.QueryRow(`SELECT COUNT(*) FROM ` + sqlitedb.QuoteIdent(table)).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// NightRows returns every row of a session that a host action may change,
// one line each with every column an undo must put back, for tests that
// compare the night before an action with the night after its undo.
func (s *Store) NightRows(tb testing.TB, sessionID int64) string {
	tb.Helper()
	lines, err := sqlitedb.Column[string](context.Background(), s.read, `
		SELECT 'session ' || singer_cap || ' ' || requests_paused || ' ' || show_notes || ' ' || joining_locked || ' ' || IFNULL(ended_at, '-')
			FROM sessions WHERE id = ?1
		UNION ALL SELECT * FROM (SELECT 'guest ' || id || ' ' || IFNULL(removed_at, '-') FROM guests WHERE session_id = ?1 ORDER BY id)
		UNION ALL SELECT * FROM (SELECT 'request ' || id || ' ' || status || ' ' || position || ' ' || round || ' ' ||
			IFNULL(started_at, '-') || ' ' || IFNULL(ended_at, '-') FROM requests WHERE session_id = ?1 ORDER BY id)`, sessionID)
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// QueuePositions returns the positions of a session's waiting requests, by id.
func (s *Store) QueuePositions(tb testing.TB, sessionID int64) map[int64]float64 {
	tb.Helper()
	rows, err := sqlitedb.Collect(context.Background(), s.read, func(row sqlitedb.Scanner) (r [2]float64, err error) {
		var id int64
		err = row.Scan(&id, &r[1])
		r[0] = float64(id)
		return r, err
	}, `SELECT id, position FROM requests WHERE session_id = ? AND status = 'waiting'`, sessionID)
	if err != nil {
		tb.Fatal(err)
	}
	out := make(map[int64]float64, len(rows))
	for _, r := range rows {
		out[int64(r[0])] = r[1]
	}
	return out
}

// ForgetSongPages empties the store's cache of search pages, so that a
// benchmark can time a search the store has not answered lately.
func (s *Store) ForgetSongPages() { s.songPages.cache().Purge() }

// HeldRows returns a session's held requests, one line each with the
// columns an undo of an answer to one must put back.
func (s *Store) HeldRows(tb testing.TB, sessionID int64) string {
	tb.Helper()
	lines, err := sqlitedb.Column[string](context.Background(), s.read, `SELECT 'held ' || id || ' ' || status || ' ' ||
		IFNULL(decided_at, '-') || ' ' || IFNULL(request_id, '-') FROM held_requests WHERE session_id = ? ORDER BY id`, sessionID)
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

// CachedNight returns the Night the store keeps for the session, as it is,
// without reading the session's version (see Night).
func (s *Store) CachedNight(sessionID int64) (Night, bool) { return s.nights.get(sessionID) }

// ReadNight reads the session's Night afresh, as Night does when its
// version has moved, without keeping it.
func (s *Store) ReadNight(ctx context.Context, sessionID int64) (Night, error) {
	return s.loadNight(ctx, sessionID)
}

// NightDiff names the parts in which two Nights differ, the rotation's
// among them ("" when they are the same).
func NightDiff(a, b Night) string {
	var diff []string
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		if name := va.Type().Field(i).Name; name != "rot" && !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			diff = append(diff, fmt.Sprintf("%s: %+v\n  read: %+v", name, va.Field(i).Interface(), vb.Field(i).Interface()))
		}
	}
	if ea, eb := lineShown(a.rot.queue), lineShown(b.rot.queue); !reflect.DeepEqual(ea, eb) {
		diff = append(diff, fmt.Sprintf("queue: %+v\n  read: %+v", ea, eb))
	}
	ra, rb := a.rot, b.rot
	ra.queue, rb.queue = nil, nil
	if !reflect.DeepEqual(ra, rb) {
		diff = append(diff, fmt.Sprintf("rot: %+v\n  read: %+v", ra, rb))
	}
	return strings.Join(diff, "\n")
}

// shownLine is what a line holds whatever its chunks: its songs in order,
// its index by guest, and whether its starts agree with its chunks.
type shownLine struct {
	entries []entry
	guests  map[int64][]lineKey
	starts  bool
}

func lineShown(l *line) shownLine {
	out := shownLine{guests: map[int64][]lineKey{}, starts: true}
	if l == nil {
		return out
	}
	for i, e := range l.all() {
		out.entries = append(out.entries, *e)
		out.starts = out.starts && l.at(i).id == e.id && l.search(e.key()) == i
	}
	for _, m := range l.guests {
		maps.Copy(out.guests, m)
	}
	return out
}

// IsRemote reports whether the store runs in remote mode, where a host
// action does not patch the Night (inHostAction).
func (s *Store) IsRemote() bool { return s.remote }

// ForgetNight drops the Night the store keeps for the session, so the next
// read goes to the database.
func (s *Store) ForgetNight(sessionID int64) { s.nights.forget(sessionID) }

// ForceJoinCodes makes every new night's join code come from next until
// the test ends, so that a test can give two nights the same one.
func ForceJoinCodes(tb testing.TB, next func() string) {
	old := joinCodes
	joinCodes = next
	tb.Cleanup(func() { joinCodes = old })
}

// NewJoinCode is a fresh random join code, as the store makes one.
func NewJoinCode() string { return newJoinCode() }

// KeepPlainRetap stores an answer's body as a release before compressed
// bodies did.
func (s *Store) KeepPlainRetap(tb testing.TB, id string, answer Retap) {
	tb.Helper()
	if _, err := s.writer.DB().Exec(`INSERT INTO local_retaps (id, created_at, status, headers, body) VALUES (?, ?, ?, ?, ?)`,
		id, s.nowMillis(), answer.Status, answer.Headers, answer.Body); err != nil {
		tb.Fatal(err)
	}
}

// RetapOverflowPages is how many overflow pages the kept answers use.
func (s *Store) RetapOverflowPages(tb testing.TB) int {
	tb.Helper()
	var n int
	if err := s.read.QueryRow(`SELECT COUNT(*) FROM dbstat WHERE name = 'local_retaps' AND pagetype = 'overflow'`).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}
