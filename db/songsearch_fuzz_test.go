package db_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/fold"
)

// FuzzSearchSongs checks that whatever a guest types, the search answers
// without an error (no FTS5 syntax gets through) with at most a page of
// songs, and that what has no letters or digits in it (quotes, stars,
// minus, parentheses, colons) changes nothing: "halo" and it still finds
// Halo.
func FuzzSearchSongs(f *testing.F) {
	for _, s := range []string{"", `"`, `*`, `halo*`, `NEAR(a b, 2)`, `-x`, `title:halo`, `a OR b`, `^`, `(`, `{a b}:c`,
		"\x00", "\xff", "ｈａｌｏ", "bohemain rapsody", `"""`, `AND AND`, "q\u0301", "🎤", "a b c d e f g h i j k", `" * - : ( ) ^ + {}`} {
		f.Add(s)
	}
	ctx := context.Background()
	store := db.OpenForTest(f, "file:"+filepath.Join(f.TempDir(), "karaoke.db"))
	sess, _, err := store.CreateSession(ctx, "fuzz")
	if err != nil {
		f.Fatal(err)
	}
	book, _, err := store.ImportSongbook(ctx, db.SongbookImport{Name: "book"}, strings.NewReader(songList))
	if err != nil {
		f.Fatal(err)
	}
	if err := store.UseSongbook(ctx, sess.ID, book.ID, ""); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		page, err := store.SearchSongs(ctx, sess.ID, typed, 0)
		if err != nil {
			t.Fatalf("SearchSongs(%q): %v", typed, err)
		}
		if len(page.Songs) > db.SongsPerPage {
			t.Errorf("SearchSongs(%q) gave %d songs", typed, len(page.Songs))
		}
		if fold.Loose(typed) != "" {
			return
		}
		page, err = store.SearchSongs(ctx, sess.ID, "halo"+typed, 0)
		if err != nil || len(page.Songs) != 1 || page.Songs[0].Title != "Halo" {
			t.Errorf("SearchSongs(halo%q) = %q, %v; want Halo", typed, titles(page), err)
		}
	})
}
