package handlers

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/karaoke-night/karaoke/db"
)

// queueNight is the Night, read by a real store, of an open night whose
// queue holds a song by each guest in guests, in that order (guest 1 is
// the first to join, guest 2 the second, …), put straight into the file
// so that the order is the one given and not the rotation's.
func queueNight(t *testing.T, guests ...int64) db.Night {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "karaoke.db")
	store, err := db.Open(ctx, "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { store.Close() })
	sess, _, err := store.CreateSession(ctx, "Queue night")
	if err != nil {
		t.Fatal(err)
	}
	for i := range max(7, len(guests)) {
		token, err := store.NewDeviceToken(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if g, err := store.JoinSession(ctx, sess.ID, token, fmt.Sprint("Singer ", i+1)); err != nil || g.ID != int64(i+1) {
			t.Fatalf("guest %d joined as %d: %v", i+1, g.ID, err)
		}
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	for i, g := range guests {
		title := fmt.Sprint("Song ", i+1)
		if _, err := raw.ExecContext(ctx, `INSERT INTO requests (session_id, guest_id, title, song_key, round, position, created_at)
			VALUES (?, ?, ?, ?, 0, ?, 0)`, sess.ID, g, title, title, i+1); err != nil {
			t.Fatal(err)
		}
	}
	// A write from outside the store moves the version, as every write does.
	if _, err := raw.ExecContext(ctx, `UPDATE sessions SET version = version + 1 WHERE id = ?`, sess.ID); err != nil {
		t.Fatal(err)
	}
	n, err := store.Night(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if n.QueueLen() != len(guests) {
		t.Fatalf("%d songs waiting, want %d", n.QueueLen(), len(guests))
	}
	return n
}
