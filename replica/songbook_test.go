package replica_test

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/tursotest"
	"github.com/karaoke-night/karaoke/replica"
)

// TestSongbookReplicatesWithoutItsIndex: songbooks and their songs reach
// Turso like every table, their search index (local_*) does not, and a
// database restored from Turso builds the index again and finds songs.
func TestSongbookReplicatesWithoutItsIndex(t *testing.T) {
	ctx := context.Background()
	s := newSetup(t)
	sess := night(t, s.store)
	book, _, err := s.store.ImportSongbook(ctx, db.SongbookImport{Name: "KJ", OwnerKey: "k"},
		strings.NewReader("Title;Artist\nBohemian Rhapsody;Queen\nHalo;Beyoncé\n"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.store.UseSongbook(ctx, sess.ID, book.ID, "k"); err != nil {
		t.Fatal(err)
	}
	s.ship()
	tables := []string{"songbooks", "songs", "sessions"}
	local := tursotest.Dump(t, tursotest.Open(t, s.dbURL), tables...)
	if remote := tursotest.Dump(t, tursotest.Open(t, s.server.URL), tables...); !reflect.DeepEqual(local, remote) || len(remote["songs"]) != 2 {
		t.Fatalf("remote songbook differs:\nlocal:  %v\nremote: %v", local, remote)
	}
	if n := remoteInt(t, s.server.URL, `SELECT COUNT(*) FROM sqlite_schema WHERE name LIKE 'local%'`); n != 0 {
		t.Errorf("the remote has %d local_* tables", n)
	}

	newURL := "file:" + filepath.Join(t.TempDir(), "karaoke.db")
	if _, err := replica.Restore(ctx, s.remote, newURL); err != nil {
		t.Fatal(err)
	}
	restored, err := db.Open(ctx, newURL)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	page, err := restored.SearchSongs(ctx, sess.ID, "beyonce", 0)
	if err != nil || len(page.Songs) != 1 || page.Songs[0].Title != "Halo" {
		t.Errorf("search after a restore from Turso: %+v, %v", page, err)
	}
}
