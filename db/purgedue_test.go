package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// TestPurgeWithNoNightEnded: the purge asks first whether anything is due;
// with no night ended, a TV that has long shown no code is still due, and
// an open night's TV and the night are not.
func TestPurgeWithNoNightEnded(t *testing.T) {
	store := openTestStore(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 2, 21, 0, 0, 0, time.UTC)
	store.Now = func() time.Time { return now }
	sess, _, _ := store.CreateSession(ctx, "Friday Night Mics")
	paired, _ := store.NewPairCode(ctx, "paired-tv")
	if _, err := store.PairScreen(ctx, sess.ID, paired.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := store.NewPairCode(ctx, "idle-tv"); err != nil {
		t.Fatal(err)
	}

	if n, err := store.PurgeEnded(ctx, now.Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("PurgeEnded with nothing due = %d, %v", n, err)
	}
	if _, err := store.ScreenByToken(ctx, "idle-tv", ""); err != nil {
		t.Fatalf("a TV whose code is still good went: %v", err)
	}
	if n, err := store.PurgeEnded(ctx, now.Add(24*time.Hour)); err != nil || n != 0 {
		t.Fatalf("PurgeEnded = %d, %v; want no night", n, err)
	}
	if _, err := store.ScreenByToken(ctx, "idle-tv", ""); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("a TV whose code ran out long ago, no night ended: %v, want ENOTFOUND", err)
	}
	if got, err := store.ScreenByToken(ctx, "paired-tv", ""); err != nil || got.SessionID != sess.ID {
		t.Errorf("an open night's TV: %+v, %v", got, err)
	}
}
