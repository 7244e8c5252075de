package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/karaoke-night/karaoke/db"
)

const testSongbook = `Title,Artist
Halo,Beyoncé
Don't Stop Believin',Journey
Bohemian Rhapsody,Queen
Zombie,The Cranberries
Africa,Toto
`

// withSongbook imports a songbook and makes it the night's (the dashboard
// path names the session); it returns the book.
func (a *testApp) withSongbook(dash, list string) db.Songbook {
	a.t.Helper()
	ctx := context.Background()
	book, _, err := a.store.ImportSongbook(ctx, db.SongbookImport{Name: "Test"}, strings.NewReader(list))
	if err != nil {
		a.t.Fatal(err)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(dash, "/host/"), 10, 64)
	if err != nil {
		a.t.Fatal(err)
	}
	if err := a.store.UseSongbook(ctx, id, book.ID, ""); err != nil {
		a.t.Fatal(err)
	}
	return book
}

func searchPath(code, q string) string {
	return "/j/" + code + "/songs?" + url.Values{"q": {q}}.Encode()
}

// songIDOf is the song_id a result's form requests, for the result whose
// title is title.
func songIDOf(t *testing.T, r response, title string) string {
	t.Helper()
	var id string
	r.testid("song-result").Each(func(_ int, s *goquery.Selection) {
		if s.Find(".title").Text() == title {
			id, _ = s.Find(`input[name="song_id"]`).Attr("value")
		}
	})
	if id == "" {
		t.Fatalf("no result %q in %q", title, r.testid("song-results").Text())
	}
	return id
}

// TestSongSearch: a night with a songbook leads the guest's page with its
// search, forgiving of accents, apostrophes and typos; htmx gets the results
// alone, a plain GET the page with them.
func TestSongSearch(t *testing.T) {
	app := newTestApp(t)
	_, dash, code := app.hostNight()
	app.withSongbook(dash, testSongbook)
	guest := app.guest(code, "Ana")

	page := guest.get("/j/" + code)
	if page.testid("song-search").Length() != 1 || page.testid("song-search").Find(`input[name="q"]`).Length() != 1 {
		t.Fatal("the guest page has no song search with an input named q")
	}
	if got := page.testid("request-form").Find("h2").Text(); got != "Not in the songbook? Type it in" {
		t.Errorf("request form heading = %q", got)
	}

	tests := []struct {
		q     string
		htmx  bool
		want  string
		fuzzy bool
	}{
		{"beyonce", false, "Halo", false},
		{"beyonce", true, "Halo", false},
		{"dont stop", true, "Don't Stop Believin'", false},
		{"queen bohem", false, "Bohemian Rhapsody", false},
		{"bohemain rapsody", true, "Bohemian Rhapsody", true},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			guest.htmx = tt.htmx
			defer func() { guest.htmx = false }()
			resp := guest.get(searchPath(code, tt.q))
			if resp.status != http.StatusOK || resp.isPage() == tt.htmx {
				t.Fatalf("status %d, page %v; want 200, page %v", resp.status, resp.isPage(), !tt.htmx)
			}
			if tt.htmx && resp.testid("song-search").Length() != 0 {
				t.Error("the htmx answer holds more than the results")
			}
			songIDOf(t, resp, tt.want)
			if got := resp.testid("song-fuzzy").Length() == 1; got != tt.fuzzy {
				t.Errorf("says 'did you mean': %v, want %v", got, tt.fuzzy)
			}
			if !tt.htmx {
				if v, _ := resp.testid("song-search").Find(`input[name="q"]`).Attr("value"); v != tt.q {
					t.Errorf("the page's search box holds %q, want %q", v, tt.q)
				}
			}
		})
	}
}

// TestSongSearchPages: twenty results a page, and a "More results" link to
// the next.
func TestSongSearchPages(t *testing.T) {
	app := newTestApp(t)
	_, dash, code := app.hostNight()
	var list strings.Builder
	list.WriteString("Title,Artist\n")
	for i := range db.SongsPerPage + 5 {
		list.WriteString("Love Song " + strconv.Itoa(i) + ",Band\n")
	}
	app.withSongbook(dash, list.String())
	guest := app.guest(code, "Ana")
	first := guest.get(searchPath(code, "love"))
	if got := first.testid("song-result").Length(); got != db.SongsPerPage {
		t.Fatalf("%d results on the first page, want %d", got, db.SongsPerPage)
	}
	more, ok := first.testid("song-more").Attr("href")
	if !ok {
		t.Fatal("no More results link")
	}
	second := guest.get(more)
	if got := second.testid("song-result").Length(); got != 5 {
		t.Errorf("%d results on the second page, want 5", got)
	}
	if second.testid("song-more").Length() != 0 {
		t.Error("the last page links to more")
	}
}

// TestRequestFromSongbook: a result requests the song by its id, and the
// queue shows the catalogue's title and artist; the results then say it is
// waiting, and once sung, when. A song of another songbook is refused.
func TestRequestFromSongbook(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	app.withSongbook(dash, testSongbook)
	other, _, err := app.store.ImportSongbook(context.Background(), db.SongbookImport{Name: "Other"},
		strings.NewReader("Title,Artist\nSecret Song,Nobody\n"))
	if err != nil {
		t.Fatal(err)
	}
	guest := app.guest(code, "Ana")

	id := songIDOf(t, guest.get(searchPath(code, "beyonce")), "Halo")
	resp := guest.post("/j/"+code+"/requests", "song_id", id, "title", "ignored")
	if resp.status != http.StatusSeeOther {
		t.Fatalf("request by song_id: status %d", resp.status)
	}
	dashboard := host.get(dash)
	if got := strings.Join(strings.Fields(dashboard.doc.Find("#host-queue").Text()), " "); !strings.Contains(got, "Halo Beyoncé") {
		t.Errorf("host queue = %q, want the catalogue's Halo by Beyoncé", got)
	}
	if got := guest.get(searchPath(code, "halo")).testid("song-waiting").Length(); got != 1 {
		t.Errorf("%d results flagged waiting, want 1", got)
	}

	// The same song again: the duplicate guard asks, and its confirm keeps the song.
	bob := app.htmxBrowser()
	bob.join(code, "Bob")
	dup := bob.post("/j/"+code+"/requests", "song_id", id)
	if dup.status != http.StatusUnprocessableEntity || dup.testid("confirm-duplicate").Length() != 1 {
		t.Fatalf("duplicate: status %d, confirm %d", dup.status, dup.testid("confirm-duplicate").Length())
	}
	if v, _ := dup.doc.Find(`input[name="song_id"]`).Attr("value"); v != id {
		t.Errorf("the confirm carries song_id %q, want %q", v, id)
	}

	host.post(dash+"/next", "ends", "none")
	host.post(dash+"/next", "ends", endsValue(t, host.get(dash))) // Halo is sung
	sung := guest.get(searchPath(code, "halo")).testid("song-sung").Text()
	if !strings.HasPrefix(sung, "sung tonight at ") {
		t.Errorf("sung flag = %q", sung)
	}

	// A song of another songbook, and a song_id that is not a number.
	for _, bad := range []string{"other", "x"} {
		var otherID string
		if bad == "other" {
			otherID = strconv.FormatInt(songOf(t, app, other.ID), 10)
		} else {
			otherID = bad
		}
		resp := guest.post("/j/"+code+"/requests", "song_id", otherID)
		if resp.status != http.StatusUnprocessableEntity {
			t.Errorf("song_id %s: status %d, want 422", otherID, resp.status)
		}
		if got := resp.testid("form-error").Text(); !strings.Contains(got, "not in tonight's songbook") {
			t.Errorf("song_id %s: message %q", otherID, got)
		}
	}
}

// songOf is the id of the one song of a songbook, searched through a session
// that uses it.
func songOf(t *testing.T, app *testApp, book int64) int64 {
	t.Helper()
	_, dash, _ := app.hostNight()
	id, _ := strconv.ParseInt(strings.TrimPrefix(dash, "/host/"), 10, 64)
	if err := app.store.UseSongbook(context.Background(), id, book, ""); err != nil {
		t.Fatal(err)
	}
	page, err := app.store.SearchSongs(context.Background(), id, "secret", 0)
	if err != nil || len(page.Songs) != 1 {
		t.Fatalf("search the other book: %v, %d songs", err, len(page.Songs))
	}
	return page.Songs[0].ID
}

// TestNoSongbook: a night without a songbook has today's guest page: no
// search, the request form as it was; its search route sends the guest home.
func TestNoSongbook(t *testing.T) {
	app := newTestApp(t)
	_, _, code := app.hostNight()
	guest := app.guest(code, "Ana")
	page := guest.get("/j/" + code)
	if page.testid("song-search").Length() != 0 || page.testid("song-results").Length() != 0 {
		t.Error("a night without a songbook shows a song search")
	}
	if got := page.testid("request-form").Find("h2").Text(); got != "Request a song" {
		t.Errorf("request form heading = %q", got)
	}
	if resp := guest.get(searchPath(code, "halo")); resp.status != http.StatusSeeOther {
		t.Errorf("search without a songbook: status %d, want a redirect", resp.status)
	}
	if resp := guest.post("/j/"+code+"/requests", "song_id", "1"); resp.status != http.StatusUnprocessableEntity {
		t.Errorf("song_id without a songbook: status %d, want 422", resp.status)
	}
}

// TestSongBrowse: the A to Z list of artists links to each one's songs, and
// "Popular tonight" lists the songs requested from the book, most first;
// plain links get the page, htmx the results alone.
func TestSongBrowse(t *testing.T) {
	app := newTestApp(t)
	_, dash, code := app.hostNight()
	app.withSongbook(dash, testSongbook+"Radio Ga Ga,Queen\n")
	guest := app.guest(code, "Ana")
	page := guest.get("/j/" + code)
	href, ok := page.testid("browse-artists").Attr("href")
	if !ok {
		t.Fatal("no Browse by artist link")
	}
	artists := guest.get(href)
	if !artists.isPage() {
		t.Error("a plain link to the artists did not get the page")
	}
	var names []string
	var queen string
	artists.testid("artist").Each(func(_ int, s *goquery.Selection) {
		names = append(names, s.Find("a").Text())
		if s.Find("a").Text() == "Queen" {
			queen, _ = s.Find("a").Attr("href")
		}
	})
	if got, want := strings.Join(names, ", "), "Beyoncé, Journey, Queen, The Cranberries, Toto"; got != want {
		t.Errorf("artists = %q, want %q", got, want)
	}
	guest.htmx = true
	songs := guest.get(queen)
	guest.htmx = false
	if songs.isPage() {
		t.Error("htmx got the page for an artist's songs")
	}
	var titles []string
	songs.testid("song-result").Each(func(_ int, s *goquery.Selection) { titles = append(titles, s.Find(".title").Text()) })
	if got, want := strings.Join(titles, ", "), "Bohemian Rhapsody, Radio Ga Ga"; got != want {
		t.Errorf("Queen's songs = %q, want %q", got, want)
	}

	popular, _ := page.testid("browse-popular").Attr("href")
	if got := guest.get(popular).testid("song-none").Text(); !strings.Contains(got, "Nothing has been requested") {
		t.Errorf("popular before any request says %q", got)
	}
	id := songIDOf(t, songs, "Radio Ga Ga")
	guest.post("/j/"+code+"/requests", "song_id", id)
	guest.request(code, "Typed By Hand", "")
	got := guest.get(popular)
	if id2 := songIDOf(t, got, "Radio Ga Ga"); id2 != id || got.testid("song-result").Length() != 1 {
		t.Errorf("popular tonight = %q, want Radio Ga Ga alone", got.testid("song-results").Text())
	}
}
