package replica

import (
	"context"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/sqlitedb"
)

// TestParseLiteralRoundTrips: every type of value SQLite's quote() writes
// comes back as it went in.
func TestParseLiteralRoundTrips(t *testing.T) {
	ctx := context.Background()
	conn, err := sqlitedb.Open("file:"+filepath.Join(t.TempDir(), "q.db"), "")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, v := range []any{nil, int64(-7), int64(math.MaxInt64), 1.5, 3.0, 0.1, 1e-300, math.Pi, "it's", "", []byte{0, 1, 0xff}} {
		var lit string
		if err := conn.QueryRowContext(ctx, `SELECT quote(?)`, v).Scan(&lit); err != nil {
			t.Fatal(err)
		}
		got, err := parseLiteral(lit)
		if err != nil {
			t.Fatalf("%v: %v", v, err)
		}
		if b, ok := v.([]byte); ok {
			if string(got.([]byte)) != string(b) {
				t.Errorf("blob %x came back as %v", b, got)
			}
		} else if got != v {
			t.Errorf("%#v quoted as %s came back as %#v", v, lit, got)
		}
	}
}

// TestEntryValues reads back an entry the local triggers wrote: each
// column's value, with its type, columns by name.
func TestEntryValues(t *testing.T) {
	ctx := context.Background()
	store, err := db.Open(ctx, "file:"+filepath.Join(t.TempDir(), "k.db"), db.Replication(true))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	sess, _, err := store.CreateSession(ctx, "Quiz 'n' song")
	if err != nil {
		t.Fatal(err)
	}
	b, err := store.Outbox().NextBatch(ctx, 10)
	if err != nil || len(b.Entries) < 2 {
		t.Fatalf("outbox = %+v, %v", b, err)
	}
	tables, err := resetTables(b.Entries[0])
	// server_keys (the device key) is replicated too, so a restore brings
	// it back and phones' signed cookies still verify. Songbooks are, their
	// search index (local_*) is not; the host's action log is; children
	// come before their parents (held_requests names a request, and
	// standby_songs a request and a held one; push_subscriptions a guest;
	// tv_screens, the TVs that pair by code, a session).
	if want := []string{"tv_screens", "standby_songs", "server_keys", "push_subscriptions", "host_actions", "held_requests", "requests", "songs", "guests", "sessions", "songbooks"}; err != nil || !reflect.DeepEqual(tables, want) {
		t.Errorf("reset tables = %v, %v; want %v", tables, err, want)
	}
	cols, vals, err := entryValues(b.Entries[1])
	if err != nil {
		t.Fatal(err)
	}
	row := map[string]any{}
	for i, c := range cols {
		row[c] = vals[i]
	}
	if row["name"] != "Quiz 'n' song" || row["id"] != sess.ID || row["ended_at"] != nil {
		t.Errorf("captured session row = %v", row)
	}
	if h, ok := row["host_secret_hash"].([]byte); !ok || len(h) != 32 {
		t.Errorf("host_secret_hash captured as %T %v, want 32 bytes", row["host_secret_hash"], row["host_secret_hash"])
	}
	if !slices.IsSorted(cols) {
		t.Errorf("columns %v are not sorted by name", cols)
	}
}
