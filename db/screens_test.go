package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

func TestParsePairCode(t *testing.T) {
	for _, tc := range []struct {
		typed, want string
		ok          bool
	}{
		{"123456", "123456", true},
		{"123 456", "123456", true},
		{" 123-456 ", "123456", true},
		{"12345", "", false},
		{"1234567", "", false},
		{"12a456", "", false},
		{"", "", false},
	} {
		got, ok := db.ParsePairCode(tc.typed)
		if got != tc.want && ok || ok != tc.ok {
			t.Errorf("ParsePairCode(%q) = %q, %v; want %q, %v", tc.typed, got, ok, tc.want, tc.ok)
		}
	}
}

// A TV's code pairs it once, within its life, with an open night; the TV
// then shows the night until unpaired or the night ends and is purged.
func TestPairingAScreen(t *testing.T) {
	store := openTestStore(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 2, 21, 0, 0, 0, time.UTC)
	store.Now = func() time.Time { return now }
	sess, _, _ := store.CreateSession(ctx, "Friday Night Mics")

	tv, err := store.NewPairCode(ctx, "tv-token")
	if err != nil || len(tv.Code) != db.PairCodeDigits || !tv.CodeExpires.Equal(now.Add(db.PairCodeLife)) {
		t.Fatalf("NewPairCode = %+v, %v", tv, err)
	}
	// The TV's browser says its code: it is the TV's; another is not.
	got, err := store.ScreenByToken(ctx, "tv-token", tv.Code)
	if err != nil || got.Code != tv.Code || got.ID != tv.ID || !got.Waiting(now) {
		t.Errorf("ScreenByToken = %+v, %v; want the code back", got, err)
	}
	if got, _ := store.ScreenByToken(ctx, "tv-token", wrongCode(tv.Code)); got.Code != "" {
		t.Errorf("a code the TV does not show was taken as its own: %+v", got)
	}
	if _, err := store.ScreenByToken(ctx, "other-token", tv.Code); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("an unknown token: %v, want ENOTFOUND", err)
	}

	// Expired: the code pairs nothing.
	now = now.Add(db.PairCodeLife)
	if _, err := store.PairScreen(ctx, sess.ID, tv.Code); db.ErrorCode(err) != db.EINVALID {
		t.Errorf("an expired code: %v, want EINVALID", err)
	}
	if got, _ := store.ScreenByToken(ctx, "tv-token", tv.Code); got.Code != "" {
		t.Errorf("an expired code is still shown: %+v", got)
	}

	// A new one pairs, once.
	tv, _ = store.NewPairCode(ctx, "tv-token")
	paired, err := store.PairScreen(ctx, sess.ID, tv.Code)
	if err != nil || paired.ID != tv.ID {
		t.Fatalf("PairScreen = %+v, %v", paired, err)
	}
	if _, err := store.PairScreen(ctx, sess.ID, tv.Code); db.ErrorCode(err) != db.EINVALID {
		t.Errorf("a used code: %v, want EINVALID", err)
	}
	got, _ = store.ScreenByToken(ctx, "tv-token", tv.Code)
	if got.SessionID != sess.ID || got.Code != "" {
		t.Errorf("after pairing the TV is %+v, want the night and no code", got)
	}
	if list, err := store.SessionScreens(ctx, sess.ID); err != nil || len(list) != 1 || list[0].ID != tv.ID {
		t.Errorf("SessionScreens = %+v, %v", list, err)
	}

	// Unpaired, twice: the second changes nothing.
	for range 2 {
		if err := store.UnpairScreen(ctx, sess.ID, tv.ID); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := store.ScreenByToken(ctx, "tv-token", ""); got.SessionID != 0 {
		t.Errorf("after unpairing the TV shows night %d", got.SessionID)
	}

	// Paired again, the night ends: no more pairing, and the purge takes it.
	tv, _ = store.NewPairCode(ctx, "tv-token")
	store.PairScreen(ctx, sess.ID, tv.Code)
	if err := store.EndSession(ctx, sess.ID); err != nil {
		t.Fatal(err)
	}
	other, _ := store.NewPairCode(ctx, "other-tv")
	if _, err := store.PairScreen(ctx, sess.ID, other.Code); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("pairing with an ended night: %v, want ECONFLICT", err)
	}
	now = now.Add(time.Hour)
	if _, err := store.PurgeEnded(ctx, now); err != nil {
		t.Fatal(err)
	}
	if _, err := store.ScreenByToken(ctx, "tv-token", ""); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("the TV of a purged night: %v, want ENOTFOUND", err)
	}
	if _, err := store.ScreenByToken(ctx, "other-tv", ""); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("a TV whose code ran out long ago: %v, want ENOTFOUND", err)
	}
}

// wrongCode is a code that is not code.
func wrongCode(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}
