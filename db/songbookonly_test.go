package db_test

import (
	"context"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// TestSongbookOnly: with the rule on, a song typed in is refused (EINVALID,
// nothing written) while one picked from the songbook goes in; without a
// songbook the rule has no effect.
func TestSongbookOnly(t *testing.T) {
	ctx := context.Background()
	n, _ := songbookNight(t)
	if err := n.store.SetSettings(ctx, n.session.ID, db.Settings{SingerCap: db.DefaultSingerCap, SongbookOnly: true}); err != nil {
		t.Fatal(err)
	}
	sess, err := n.store.Session(ctx, n.session.ID)
	if err != nil || !sess.SongbookOnly || sess.TypedRequests() {
		t.Fatalf("after SetSettings: songbook only %v, typed requests %v (%v)", sess.SongbookOnly, sess.TypedRequests(), err)
	}
	ana := n.guest("Ana")
	before := n.state().Session.Version
	_, err = n.store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: ana.ID, Title: "Halo", Artist: "Beyoncé"})
	if db.ErrorCode(err) != db.EINVALID || db.ErrorMessage(err) != db.MessageSongbookOnly {
		t.Errorf("a song typed in: %v, want EINVALID %q", err, db.MessageSongbookOnly)
	}
	if got := n.state(); got.Session.Version != before || len(got.Queue()) != 0 {
		t.Errorf("a refused request wrote: version %d → %d, %d waiting", before, got.Session.Version, len(got.Queue()))
	}
	page, err := n.store.SearchSongs(ctx, sess.ID, "halo", 0)
	if err != nil || len(page.Songs) != 1 {
		t.Fatalf("search: %v", err)
	}
	song := page.Songs[0].Song
	if _, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: ana.ID, SongID: song.ID, Title: song.Title, Artist: song.Artist}); err != nil {
		t.Errorf("a song from the songbook: %v", err)
	}

	// Without a songbook the rule is kept but does nothing.
	if err := n.store.DropSongbook(ctx, sess.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: ana.ID, Title: "Waterloo"}); err != nil {
		t.Errorf("a song typed in on a night without a songbook: %v", err)
	}
}
