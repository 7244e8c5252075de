package db_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/songbook"
)

const songList = `Title;Artist;Year
Bohemian Rhapsody;Queen;1975
Don't Stop Believin';Journey;1981
Halo;Beyoncé;2008
Crazy in Love;Beyoncé;2003
Killer Queen;Queen;1974
Queen of the Night;Whitney Houston;1992
Dancing Queen;ABBA;1976
Waterloo;ABBA;1974
Nothing Compares 2 U;Sinéad O'Connor;1990
Africa;Toto;1982
`

// songbookNight is a session with a songbook of songList.
func songbookNight(t *testing.T) (*night, db.Songbook) {
	t.Helper()
	n := newNight(t)
	book, rep, err := n.store.ImportSongbook(context.Background(), db.SongbookImport{Name: "KJ Ann", OwnerKey: "ann-key"}, strings.NewReader(songList))
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	if book.Songs != 10 || rep.Songs != 10 {
		t.Fatalf("imported %d songs (report %d), want 10", book.Songs, rep.Songs)
	}
	if err := n.store.UseSongbook(context.Background(), n.session.ID, book.ID, "ann-key"); err != nil {
		t.Fatal(err)
	}
	return n, book
}

func titles(p db.SongPage) []string {
	var out []string
	for _, s := range p.Songs {
		out = append(out, s.Title)
	}
	return out
}

func TestSearchSongsForgives(t *testing.T) {
	n, _ := songbookNight(t)
	for _, tc := range []struct {
		query, first string
		count        int
		fuzzy        bool
	}{
		{"bohem", "Bohemian Rhapsody", 1, false},
		{"queen bohem", "Bohemian Rhapsody", 1, false},
		{"BOHEMIAN rhapsody", "Bohemian Rhapsody", 1, false},
		{"dont stop", "Don't Stop Believin'", 1, false},
		{"don't stop believin", "Don't Stop Believin'", 1, false},
		{"beyonce", "Halo", 2, false}, // by the artist: the shorter title first
		{"beyonce halo", "Halo", 1, false},
		{"sinead oconnor", "Nothing Compares 2 U", 1, false},
		{"queen", "Queen of the Night", 4, false},  // a title that begins so, then the rest
		{"killer queen", "Killer Queen", 1, false}, // the exact title first
		{"bohemain rapsody", "Bohemian Rhapsody", 1, true},
		{"afrika", "Africa", 1, true},
		{"bhoemian rhapsody", "Bohemian Rhapsody", 1, true}, // a typo in the first letters
		{"ohbemian", "Bohemian Rhapsody", 1, true},          // in every word's first letters: close words
		{"ohbemian rhaps", "Bohemian Rhapsody", 1, true},    // the last word still being typed
		{"qeen ohbemian", "Bohemian Rhapsody", 1, true},
		{"ohbemian zzzz", "Bohemian Rhapsody", 1, true}, // a word close to none is left out
		{"wterloo", "Waterloo", 1, true},
		{"ohcnonor", "Nothing Compares 2 U", 1, true},
		{"zzzz", "", 0, true},
		{"", "", 0, false},
	} {
		t.Run(tc.query, func(t *testing.T) {
			page, err := n.store.SearchSongs(context.Background(), n.session.ID, tc.query, 0)
			if err != nil {
				t.Fatal(err)
			}
			got := titles(page)
			if len(got) < tc.count || (tc.count > 0 && got[0] != tc.first) || page.Fuzzy != tc.fuzzy {
				t.Errorf("got %q (fuzzy %v), want %d first %q (fuzzy %v)", got, page.Fuzzy, tc.count, tc.first, tc.fuzzy)
			}
		})
	}
}

func TestSearchExactTitleFirst(t *testing.T) {
	n, _ := songbookNight(t)
	page, err := n.store.SearchSongs(context.Background(), n.session.ID, "dancing queen", 0)
	if err != nil || len(page.Songs) == 0 || page.Songs[0].Title != "Dancing Queen" {
		t.Fatalf("got %q, %v", titles(page), err)
	}
	page, _ = n.store.SearchSongs(context.Background(), n.session.ID, "queen", 0)
	if got := titles(page); len(got) != 4 {
		t.Errorf("queen: %q, want 4 songs", got)
	}
}

// TestSearchQuerySyntaxIsInert: what a guest types is words, never FTS5
// operators: quotes, stars, NEAR, minus, column filters neither fail nor
// change what is found.
func TestSearchQuerySyntaxIsInert(t *testing.T) {
	n, _ := songbookNight(t)
	for _, q := range []string{`"`, `""halo`, `*`, `halo*`, `NEAR(halo beyonce)`, `-queen`, `queen -killer`, `title:halo`, `artist : queen`,
		`AND`, `OR queen`, `NOT`, `^halo`, `(halo`, `{title artist}: halo`, `+`, `halo"; DROP TABLE songs; --`, "\x00", `'`} {
		page, err := n.store.SearchSongs(context.Background(), n.session.ID, q, 0)
		if err != nil {
			t.Errorf("%q: %v", q, err)
		}
		if q == `queen -killer` && len(page.Songs) != 1 {
			t.Errorf("%q found %q: want only Killer Queen (minus is no operator)", q, titles(page))
		}
	}
}

func TestSearchFlagsTonightsRequests(t *testing.T) {
	n, _ := songbookNight(t)
	ctx := context.Background()
	ann := n.guest("Ann")
	for _, song := range [][2]string{{"HALO", "beyoncé"}, {"Waterloo", "ABBA"}} {
		if _, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: ann.ID, Title: song[0], Artist: song[1]}); err != nil {
			t.Fatal(err)
		}
	}
	first, _, err := n.store.StartNext(ctx, n.session.ID, db.NoTurn)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := n.store.StartNext(ctx, n.session.ID, first.ID); err != nil {
		t.Fatal(err)
	}
	page, err := n.store.SearchSongs(ctx, n.session.ID, "halo", 0)
	if err != nil || len(page.Songs) != 1 {
		t.Fatal(err)
	}
	if s := page.Songs[0]; s.Waiting || s.SungAt.IsZero() {
		t.Errorf("Halo: waiting %v, sung at %v; want sung", s.Waiting, s.SungAt)
	}
	page, _ = n.store.SearchSongs(ctx, n.session.ID, "waterloo", 0)
	if s := page.Songs[0]; !s.Waiting || !s.SungAt.IsZero() {
		t.Errorf("Waterloo: waiting %v, sung at %v; want waiting (singing now)", s.Waiting, s.SungAt)
	}
	popular, err := n.store.PopularTonight(ctx, n.session.ID)
	if err != nil || len(popular) != 2 || popular[0].Requests != 1 {
		t.Errorf("popular = %+v, %v", popular, err)
	}
}

func TestSearchPagesAndArtists(t *testing.T) {
	n := newNight(t)
	ctx := context.Background()
	var b strings.Builder
	b.WriteString("Artist\tTitle\n")
	for i := range 45 {
		fmt.Fprintf(&b, "Love Band %02d\tLove Song %02d\n", i%30, i)
	}
	book, _, err := n.store.ImportSongbook(ctx, db.SongbookImport{Name: "house"}, strings.NewReader(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	if err := n.store.UseSongbook(ctx, n.session.ID, book.ID, ""); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for offset, pages := 0, 0; ; pages++ {
		page, err := n.store.SearchSongs(ctx, n.session.ID, "love so", offset)
		if err != nil || pages > 3 {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, s := range page.Songs {
			seen[s.Title] = true
		}
		if page.Next == 0 {
			break
		}
		offset = page.Next
	}
	if len(seen) != 45 {
		t.Errorf("pages held %d distinct songs, want 45", len(seen))
	}
	artists, err := n.store.SongbookArtists(ctx, n.session.ID, "")
	if err != nil || len(artists.Artists) != 30 || artists.Next != "" || artists.Artists[0].Songs != 2 {
		t.Errorf("artists = %+v, %v", artists, err)
	}
	songs, err := n.store.SongsByArtist(ctx, n.session.ID, artists.Artists[0].Key, 0)
	if err != nil || len(songs.Songs) != 2 {
		t.Errorf("songs of %s = %+v, %v", artists.Artists[0].Name, songs, err)
	}
}

func TestSongbookOwnerAndHouse(t *testing.T) {
	n, book := songbookNight(t)
	ctx := context.Background()
	if err := n.store.UseSongbook(ctx, n.session.ID, book.ID, "bob-key"); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("another browser's key: %v, want ENOTFOUND", err)
	}
	if got, _ := n.store.Songbooks(ctx, "bob-key"); len(got) != 0 {
		t.Errorf("bob sees %d songbooks", len(got))
	}
	if got, _ := n.store.Songbooks(ctx, "ann-key"); len(got) != 1 || got[0].ID != book.ID {
		t.Errorf("ann sees %+v", got)
	}
	house, _, err := n.store.ImportSongbook(ctx, db.SongbookImport{Name: "House"}, strings.NewReader("Toto - Africa\n"))
	if err != nil {
		t.Fatal(err)
	}
	sess, _, err := n.store.CreateSession(ctx, "next week")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := n.store.SessionSongbook(ctx, sess.ID); err != nil || got.ID != house.ID || !got.House {
		t.Errorf("a new session's songbook = %+v, %v; want the house's", got, err)
	}
	if err := n.store.RemoveSongbook(ctx, house.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := n.store.SearchSongs(ctx, sess.ID, "africa", 0); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("search after the songbook was removed: %v, want ENOTFOUND", err)
	}
}

func TestImportRefusesWhatIsNotASongList(t *testing.T) {
	n, book := songbookNight(t)
	ctx := context.Background()
	_, _, err := n.store.ImportSongbook(ctx, db.SongbookImport{Name: "x", OwnerKey: "ann-key"}, strings.NewReader("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	var e *db.Error
	if !errors.As(err, &e) || e.Code != db.EINVALID || e.Field != "file" {
		t.Fatalf("import of an image: %v, want EINVALID on file", err)
	}
	if got, _ := n.store.Songbooks(ctx, "ann-key"); len(got) != 1 || got[0].ID != book.ID {
		t.Errorf("songbooks after a refused import: %+v", got)
	}
}

func TestSongLimitsMatchRequests(t *testing.T) {
	if songbook.MaxTitle != db.MaxTitle || songbook.MaxArtist != db.MaxArtist {
		t.Error("songbook's limits differ from a request's")
	}
}

// failingReader gives a song list and then fails after n bytes.
type failingReader struct {
	r io.Reader
	n int
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errors.New("the upload broke off")
	}
	p = p[:min(len(p), f.n)]
	n, err := f.r.Read(p)
	f.n -= n
	return n, err
}

func TestSongInSession(t *testing.T) {
	n, _ := songbookNight(t)
	ctx := context.Background()
	page, err := n.store.SearchSongs(ctx, n.session.ID, "halo", 0)
	if err != nil || len(page.Songs) != 1 {
		t.Fatal(err)
	}
	if song, err := n.store.SongInSession(ctx, n.session.ID, page.Songs[0].ID); err != nil || song != page.Songs[0].Song {
		t.Errorf("SongInSession = %+v, %v", song, err)
	}
	other, _, _ := n.store.CreateSession(ctx, "another night")
	if _, err := n.store.SongInSession(ctx, other.ID, page.Songs[0].ID); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("a song of another night's songbook: %v, want ENOTFOUND", err)
	}
}

// TestEndedNightKeepsItsSongbook: once the night has ended its songbook
// can be neither swapped nor dropped; the history keeps what it had.
func TestEndedNightKeepsItsSongbook(t *testing.T) {
	n, book := songbookNight(t)
	ctx := context.Background()
	if err := n.store.EndSession(ctx, n.session.ID); err != nil {
		t.Fatal(err)
	}
	if err := n.store.UseSongbook(ctx, n.session.ID, book.ID, "ann-key"); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("use a songbook on an ended night: %v, want ECONFLICT", err)
	}
	if err := n.store.DropSongbook(ctx, n.session.ID); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("drop the songbook of an ended night: %v, want ECONFLICT", err)
	}
	if got, err := n.store.SessionSongbook(ctx, n.session.ID); err != nil || got.ID != book.ID {
		t.Errorf("the ended night's songbook is %v (%v), want %d", got.ID, err, book.ID)
	}
}
