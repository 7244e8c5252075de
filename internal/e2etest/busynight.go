package e2etest

import (
	"context"
	"net/url"
	"path"
	"strconv"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// BusySongs are a bar night's requests: real titles, some long, some
// without an artist, a few with notes, as guests type them.
var BusySongs = []struct{ Title, Artist, Note string }{
	{"Dancing Queen", "ABBA", ""},
	{"Total Eclipse of the Heart", "Bonnie Tyler", "key -2"},
	{"Valerie", "Amy Winehouse", ""},
	{"Mr. Brightside", "The Killers", ""},
	{"I Wanna Dance with Somebody (Who Loves Me)", "Whitney Houston", ""},
	{"Bohemian Rhapsody", "Queen", "duet with Cleo"},
	{"Zombie", "The Cranberries", ""},
	{"Africa", "Toto", ""},
	{"Don't Stop Believin'", "Journey", ""},
	{"Livin' on a Prayer", "Bon Jovi", ""},
	{"Sweet Caroline", "Neil Diamond", ""},
	{"I Will Survive", "Gloria Gaynor", ""},
	{"Ring of Fire", "Johnny Cash", ""},
	{"Rolling in the Deep", "Adele", ""},
	{"Wonderwall", "Oasis", ""},
	{"Hey Jude", "The Beatles", ""},
	{"Like a Prayer", "Madonna", ""},
	{"Toxic", "Britney Spears", ""},
	{"Girls Just Want to Have Fun", "Cyndi Lauper", ""},
	{"Take On Me", "a-ha", ""},
	{"Summer of '69", "Bryan Adams", ""},
	{"Killing Me Softly with His Song", "Fugees", ""},
	{"Islands in the Stream", "Dolly Parton & Kenny Rogers", "with my dad"},
	{"Crazy in Love", "Beyoncé", ""},
	{"Jolene", "Dolly Parton", ""},
	{"Shallow", "Lady Gaga & Bradley Cooper", ""},
	{"Somebody to Love", "Queen", ""},
	{"Hallelujah", "Leonard Cohen", ""},
	{"Piano Man", "Billy Joel", ""},
	{"Torn", "Natalie Imbruglia", ""},
	{"Baby One More Time", "Britney Spears", ""},
	{"Creep", "Radiohead", ""},
	{"Respect", "Aretha Franklin", ""},
	{"Proud Mary", "Tina Turner", ""},
	{"You're the One That I Want", "John Travolta & Olivia Newton-John", ""},
	{"Waterloo", "ABBA", ""},
	{"Uptown Funk", "Mark Ronson ft. Bruno Mars", ""},
	{"Love Shack", "The B-52's", ""},
	{"Wannabe", "Spice Girls", ""},
	{"My Heart Will Go On", "Céline Dion", ""},
	{"Complicated", "Avril Lavigne", ""},
	{"Since U Been Gone", "Kelly Clarkson", ""},
	{"Never Gonna Give You Up", "Rick Astley", "see https://example.com/lyrics"},
	{"Country Roads", "John Denver", ""},
	{"The Time of My Life", "Bill Medley & Jennifer Warnes", ""},
	{"Don't Look Back in Anger", "Oasis", ""},
	{"Big Yellow Taxi", "Joni Mitchell", ""},
	{"Gimme! Gimme! Gimme! (A Man After Midnight)", "ABBA", ""},
	{"Copacabana", "Barry Manilow", ""},
	{"Music", "Madonna", ""},
	{"Shake It Off", "Taylor Swift", ""},
	{"Rehab", "Amy Winehouse", ""},
	{"Don't Speak", "No Doubt", ""},
	{"Losing My Religion", "R.E.M.", ""},
	{"Zombie", "", ""},
	{"Heart of Glass", "Blondie", ""},
	{"Kiss", "Prince", ""},
	{"Time After Time", "Cyndi Lauper", ""},
	{"Tainted Love", "Soft Cell", ""},
	{"What's Up?", "4 Non Blondes", ""},
}

// busyNames are the singers of a bar night, some long.
var busyNames = []string{
	"Ana", "Bob", "Cleo", "Dev", "Eve", "Finn", "Gita", "Hugo", "Ines", "Jon",
	"Kai", "Lena", "Marta-Sofia Rodríguez", "Nils", "Olu", "Pia", "Quinn", "Rosa", "Sam", "Tara",
	"Ugo", "Vera", "Wes", "Xena", "Yuki", "Zoe", "Ali", "Bea", "Cam", "Dora",
	"Emil", "Fay", "Gus", "Hana", "Ivo", "Jade", "Karl", "Lou", "Mo", "Nora",
}

// SeedBusyNight fills the session of the dashboard at dashURL with a bar
// night: guests singers (each with a device of their own) and songs
// requests, given round the singers in turn, so the rotation interleaves
// them. It writes through a second store on the server's database file, as
// another process would; the server's pages learn of it by their version
// poll, as they would of a second machine's writes. It returns the
// session's join code.
func SeedBusyNight(t *testing.T, s *Server, dashURL string, guests, songs int) string {
	t.Helper()
	if guests > len(busyNames) || songs > len(BusySongs) {
		t.Fatalf("SeedBusyNight: at most %d guests and %d songs", len(busyNames), len(BusySongs))
	}
	u, err := url.Parse(dashURL)
	if err != nil {
		t.Fatal(err)
	}
	sessionID, err := strconv.ParseInt(path.Base(path.Clean(u.Path)), 10, 64)
	if err != nil {
		t.Fatalf("SeedBusyNight: no session id at the end of %s", dashURL)
	}
	ctx := context.Background()
	store, err := db.Open(ctx, s.Cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	sess, err := store.Session(ctx, sessionID)
	if err != nil {
		t.Fatal(err)
	}
	// Enough room for everyone's songs whatever the host set.
	perGuest := (songs + guests - 1) / guests
	if perGuest > sess.SingerCap {
		if err := store.SetSingerCap(ctx, sessionID, perGuest); err != nil {
			t.Fatal(err)
		}
	}
	ids := make([]int64, guests)
	for i := range guests {
		device, err := store.NewDeviceToken(ctx)
		if err != nil {
			t.Fatal(err)
		}
		g, err := store.JoinSession(ctx, sessionID, device, busyNames[i])
		if err != nil {
			t.Fatalf("seed %s: %v", busyNames[i], err)
		}
		ids[i] = g.ID
	}
	for i := range songs {
		song := BusySongs[i]
		_, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sessionID, GuestID: ids[i%guests],
			Title: song.Title, Artist: song.Artist, Note: song.Note, AllowDuplicate: true})
		if err != nil {
			t.Fatalf("seed %q: %v", song.Title, err)
		}
	}
	return sess.Code
}
