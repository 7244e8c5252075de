package replica_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/tursotest"
	"github.com/karaoke-night/karaoke/replica"
)

// What the replication tests share: a local store replicating to a real
// Turso server, a night of writes, and comparisons of the two copies.

var appTables = []string{"sessions", "guests", "requests", "host_actions"}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

type setup struct {
	t       *testing.T
	server  *tursotest.Server
	remote  *replica.Remote
	store   *db.Store
	dbURL   string
	shipper *replica.Shipper
}

func newSetup(t *testing.T) *setup {
	t.Helper()
	s := &setup{t: t, server: tursotest.Start(t)}
	s.remote = openRemote(t, s.server.URL)
	s.dbURL = "file:" + filepath.Join(t.TempDir(), "karaoke.db")
	s.store, s.shipper = openStore(t, s.dbURL, s.remote)
	return s
}

func openRemote(t *testing.T, url string) *replica.Remote {
	t.Helper()
	r, err := replica.Open(url, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func openStore(t *testing.T, dbURL string, remote *replica.Remote) (*db.Store, *replica.Shipper) {
	t.Helper()
	ctx := context.Background()
	store, err := db.Open(ctx, dbURL, db.Replication(true))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	sh, err := replica.NewShipper(ctx, store, remote, quiet)
	if err != nil {
		t.Fatal(err)
	}
	return store, sh
}

func (s *setup) ship() {
	s.t.Helper()
	if err := s.shipper.ShipAll(context.Background()); err != nil {
		s.t.Fatal(err)
	}
}

// same fails the test unless the remote holds exactly the local rows.
func same(t *testing.T, dbURL, remoteURL string) {
	t.Helper()
	local := tursotest.Dump(t, tursotest.Open(t, dbURL), appTables...)
	remote := tursotest.Dump(t, tursotest.Open(t, remoteURL), appTables...)
	if !reflect.DeepEqual(local, remote) {
		t.Fatalf("the remote differs from the local database:\nlocal:  %v\nremote: %v", local, remote)
	}
	if len(local["sessions"]) == 0 {
		t.Fatal("nothing to compare: the test proved nothing")
	}
}

func remoteInt(t *testing.T, url, query string) int64 {
	t.Helper()
	var n int64
	if err := tursotest.Open(t, url).QueryRow(query).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// night writes a little of everything: a session, guests (one renamed into
// a name another just left, which only works in order), requests, turns,
// host actions and an undo.
func night(t *testing.T, store *db.Store) db.Session {
	t.Helper()
	ctx := context.Background()
	sess, _, err := store.CreateSession(ctx, "Friday at The Crown")
	if err != nil {
		t.Fatal(err)
	}
	store.SetSingerCap(ctx, sess.ID, db.MaxSingerCap)
	john, bob := signedDevice(t, store), signedDevice(t, store)
	a, _ := store.JoinSession(ctx, sess.ID, john, "John")
	b, _ := store.JoinSession(ctx, sess.ID, bob, "Bob")
	store.JoinSession(ctx, sess.ID, john, "Jim")
	store.JoinSession(ctx, sess.ID, bob, "John") // takes John #1, which Jim just freed
	for i, g := range []db.Guest{a, b, a, b, a} {
		if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: g.ID, Title: fmt.Sprintf("Song %d", i), Note: "it's ok"}); err != nil {
			t.Fatal(err)
		}
	}
	first, _, _ := store.StartNext(ctx, sess.ID, db.NoTurn)
	store.StartNext(ctx, sess.ID, first.ID)
	// The host's log: a move, and its undo.
	n, _ := store.Night(ctx, sess.ID)
	store.MoveRequest(ctx, sess.ID, n.Queue()[len(n.Queue())-1].ID, db.MoveTop)
	if n, _ = store.Night(ctx, sess.ID); n.Undo.Action.Kind != db.ActionMove {
		t.Fatalf("the move is not in the log: %+v", n.Undo)
	}
	store.Undo(ctx, sess.ID, n.Undo.Action.ID)
	return sess
}

// signedDevice issues a device token from store, as the join handler does:
// the only kind of token that can make a new guest.
func signedDevice(tb testing.TB, store *db.Store) string {
	tb.Helper()
	token, err := store.NewDeviceToken(context.Background())
	if err != nil {
		tb.Fatalf("device token: %v", err)
	}
	return token
}
