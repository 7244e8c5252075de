package db_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// bigList is a song list of n songs, "Artist i - Song i".
func bigList(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "Artist %d - Song %d\n", i, i)
	}
	return b.String()
}

// checkSongbook fails unless the session's songbook is want, whole.
func checkSongbook(t *testing.T, store *db.Store, sessionID int64, want db.Songbook) {
	t.Helper()
	ctx := context.Background()
	got, err := store.SessionSongbook(ctx, sessionID)
	if err != nil || got.ID != want.ID || got.Songs != want.Songs {
		t.Fatalf("session's songbook = %+v, %v; want %+v", got, err, want)
	}
	all, err := store.AllSongbooks(ctx)
	if err != nil || len(all) != 1 {
		t.Errorf("songbooks = %+v, %v; want only the first", all, err)
	}
	page, err := store.SearchSongs(ctx, sessionID, "song 1", 0)
	if err != nil || len(page.Songs) == 0 {
		t.Errorf("search of the old songbook: %v, %v", titles(page), err)
	}
	if count := store.CountRows(t, "songs"); count != want.Songs {
		t.Errorf("%d songs in the database, want %d", count, want.Songs)
	}
	// bigList(30)'s words: artist, song, and 0 to 29.
	if count := store.CountRows(t, "local_song_vocab"); count != 32 {
		t.Errorf("%d words in the search index, want the first songbook's 32", count)
	}
}

// TestFailedImportLeavesTheSongbook: an import that fails anywhere, after
// any number of chunks written, leaves the session's songbook as it was and
// no trace of itself.
func TestFailedImportLeavesTheSongbook(t *testing.T) {
	n := newNight(t)
	ctx := context.Background()
	first, _, err := n.store.ImportSongbook(ctx, db.SongbookImport{Name: "first", OwnerKey: "k"}, strings.NewReader(bigList(30)))
	if err != nil {
		t.Fatal(err)
	}
	if err := n.store.UseSongbook(ctx, n.session.ID, first.ID, "k"); err != nil {
		t.Fatal(err)
	}
	list := bigList(3*db.ImportChunk + 10)
	for _, failAt := range []int{1, 100, len(list) / 3, len(list) / 2, len(list) - 5} {
		t.Run(fmt.Sprint(failAt), func(t *testing.T) {
			r := &failingReader{r: strings.NewReader(list), n: failAt}
			if _, _, err := n.store.ImportSongbook(ctx, db.SongbookImport{Name: "second", OwnerKey: "k"}, r); err == nil {
				t.Fatal("an import that broke off succeeded")
			}
			checkSongbook(t, n.store, n.session.ID, first)
		})
	}
}

// killed is what a process killed mid-import leaves: its progress callback
// panics, so nothing after it runs, as if the process had died there.
type killed struct{}

// TestKilledImportIsRemoved: an import whose process dies after some
// chunks leaves a songbook nothing names, which the next Open removes once
// it has been untouched for a while; the old songbook stays linked.
func TestKilledImportIsRemoved(t *testing.T) {
	path := "file:" + filepath.Join(t.TempDir(), "karaoke.db")
	clock := newClock()
	store := db.OpenForTest(t, path)
	store.Now = clock.Now
	ctx := context.Background()
	sess, _, err := store.CreateSession(ctx, "night")
	if err != nil {
		t.Fatal(err)
	}
	first, _, err := store.ImportSongbook(ctx, db.SongbookImport{Name: "first", OwnerKey: "k"}, strings.NewReader(bigList(30)))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.UseSongbook(ctx, sess.ID, first.ID, "k"); err != nil {
		t.Fatal(err)
	}
	for _, chunks := range []int{1, 2} {
		func() {
			defer func() {
				if r := recover(); r != (killed{}) {
					t.Fatalf("recovered %v", r)
				}
			}()
			in := db.SongbookImport{Name: "second", OwnerKey: "k", Progress: func(p db.ImportProgress) {
				if p.Songs >= chunks*db.ImportChunk {
					panic(killed{})
				}
			}}
			store.ImportSongbook(ctx, in, strings.NewReader(bigList(3*db.ImportChunk)))
		}()
	}
	if got := store.CountRows(t, "songs"); got != 30+3*db.ImportChunk {
		t.Fatalf("%d songs after two killed imports, want their chunks left behind", got)
	}
	store.Close()

	clock.Advance(db.AbandonedAfter + 1)
	store = db.OpenForTest(t, path)
	store.Now = clock.Now
	checkSongbook(t, store, sess.ID, first)
}

// TestSongIndexIsRebuilt: a database without its local search index (a
// restore, a copy from Turso) has it again after Open.
func TestSongIndexIsRebuilt(t *testing.T) {
	path := "file:" + filepath.Join(t.TempDir(), "karaoke.db")
	store := db.OpenForTest(t, path)
	ctx := context.Background()
	sess, _, _ := store.CreateSession(ctx, "night")
	book, _, err := store.ImportSongbook(ctx, db.SongbookImport{Name: "house"}, strings.NewReader(bigList(db.ImportChunk+5)))
	if err != nil {
		t.Fatal(err)
	}
	store.UseSongbook(ctx, sess.ID, book.ID, "")
	for _, lose := range []func(*db.Store, context.Context) error{(*db.Store).DropSongIndex, (*db.Store).OldSongIndex} {
		if err := lose(store, ctx); err != nil {
			t.Fatal(err)
		}
		store.Close()
		store = db.OpenForTest(t, path)
		page, err := store.SearchSongs(ctx, sess.ID, "artist 2004 song", 0)
		if err != nil || len(page.Songs) != 1 || page.Songs[0].Title != "Song 2004" {
			t.Errorf("search after a rebuild: %q, %v", titles(page), err)
		}
		page, err = store.SearchSongs(ctx, sess.ID, "atrist 2004 snog", 0)
		if err != nil || len(page.Songs) == 0 || page.Songs[0].Title != "Song 2004" || !page.Fuzzy {
			t.Errorf("typo search after a rebuild: %q, %v", titles(page), err)
		}
	}
}
