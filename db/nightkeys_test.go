package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// TestNightKeyMakesOneNight: a night's one-time key makes one night; a
// repeat within db.RetapKeep finds it and makes nothing; another key, or
// none, makes another; after RetapKeep the key is forgotten.
func TestNightKeyMakesOneNight(t *testing.T) {
	ctx := context.Background()
	store := openTestStore(t)
	c := newClock()
	store.Now = c.Now
	create := func(key string) db.NewNight {
		t.Helper()
		made, err := store.CreateSessionOnce(ctx, "Friday", "en", key)
		if err != nil {
			t.Fatal(err)
		}
		return made
	}
	const key, other = "AAAAAAAAAAAAAAAAAAAAAAAAAA", "BBBBBBBBBBBBBBBBBBBBBBBBBB"
	first := create(key)
	if first.Repeat || first.HostKey == "" {
		t.Fatalf("first post: %+v", first)
	}
	c.Advance(db.RetapKeep - time.Millisecond)
	again := create(key)
	if !again.Repeat || again.Session.ID != first.Session.ID || again.HostKey != "" {
		t.Errorf("repeat: night %d repeat %v key %q, want night %d, a repeat, no key",
			again.Session.ID, again.Repeat, again.HostKey, first.Session.ID)
	}
	if err := store.CheckHost(ctx, first.Session.ID, first.HostKey); err != nil {
		t.Errorf("the repeat changed the host key: %v", err)
	}
	for _, k := range []string{other, ""} {
		if made := create(k); made.Repeat || made.Session.ID == first.Session.ID {
			t.Errorf("key %q: %+v, want a night of its own", k, made)
		}
	}
	c.Advance(time.Millisecond)
	if made := create(key); made.Repeat || made.Session.ID == first.Session.ID {
		t.Errorf("the key after RetapKeep: %+v, want a new night", made)
	}
	if _, err := store.CreateSessionOnce(ctx, " ", "en", "CCCCCCCCCCCCCCCCCCCCCCCCCC"); db.ErrorCode(err) != db.EINVALID {
		t.Fatalf("a blank name: %v", err)
	}
	if made := create("CCCCCCCCCCCCCCCCCCCCCCCCCC"); made.Repeat {
		t.Error("a refused post kept its key")
	}
	codes, err := store.OpenCodes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(codes), 5; got != want {
		t.Errorf("%d nights open, want %d", got, want)
	}
}

// TestHandNightBack: the night a key made is handed back with a new host
// key, again and again, while it is open, unchanged and within
// db.RetapKeep; never once it is under way, ended, or past the window,
// and never for another key.
func TestHandNightBack(t *testing.T) {
	ctx := context.Background()
	const key = "AAAAAAAAAAAAAAAAAAAAAAAAAA"
	tests := []struct {
		name   string
		before func(t *testing.T, store *db.Store, c *clock, id int64) string // the key to hand back by
		want   string
	}{
		{"untouched", func(*testing.T, *db.Store, *clock, int64) string { return key }, ""},
		{"another key", func(*testing.T, *db.Store, *clock, int64) string { return "BBBBBBBBBBBBBBBBBBBBBBBBBB" }, db.ENOTFOUND},
		{"a guest joined", func(t *testing.T, store *db.Store, _ *clock, id int64) string {
			if _, err := store.JoinSession(ctx, id, db.SignedDevice(t, store), "Ana"); err != nil {
				t.Fatal(err)
			}
			return key
		}, db.EFORBIDDEN},
		{"the host made a new link", func(t *testing.T, store *db.Store, _ *clock, id int64) string {
			if _, err := store.RotateHostKey(ctx, id); err != nil {
				t.Fatal(err)
			}
			return key
		}, db.EFORBIDDEN},
		{"ended", func(t *testing.T, store *db.Store, _ *clock, id int64) string {
			if err := store.EndSession(ctx, id); err != nil {
				t.Fatal(err)
			}
			return key
		}, db.EFORBIDDEN},
		{"past the window", func(_ *testing.T, _ *db.Store, c *clock, _ int64) string {
			c.Advance(db.RetapKeep + 1)
			return key
		}, db.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			store := openTestStore(t)
			c := newClock()
			store.Now = c.Now
			made, err := store.CreateSessionOnce(ctx, "Friday", "en", key)
			if err != nil {
				t.Fatal(err)
			}
			id := made.Session.ID
			by := tt.before(t, store, c, id)
			hostKey, err := store.HandNightBack(ctx, id, by)
			if got := db.ErrorCode(err); got != tt.want {
				t.Fatalf("HandNightBack: %v (code %q), want code %q", err, got, tt.want)
			}
			if tt.want != "" {
				if err := store.CheckHost(ctx, id, made.HostKey); tt.name != "the host made a new link" && err != nil {
					t.Errorf("a refused hand-back changed the host key: %v", err)
				}
				return
			}
			if err := store.CheckHost(ctx, id, hostKey); err != nil {
				t.Errorf("the new key does not open the night: %v", err)
			}
			if err := store.CheckHost(ctx, id, made.HostKey); db.ErrorCode(err) != db.EFORBIDDEN {
				t.Errorf("the first key still opens the night: %v", err)
			}
			// Its answer lost too: handed back again, since nothing else
			// changed the night.
			again, err := store.HandNightBack(ctx, id, key)
			if err != nil || store.CheckHost(ctx, id, again) != nil {
				t.Fatalf("second hand-back: %v", err)
			}
			if err := store.PurgeRetaps(ctx, c.Now().Add(time.Millisecond)); err != nil {
				t.Fatal(err)
			}
			if _, err := store.HandNightBack(ctx, id, key); db.ErrorCode(err) != db.ENOTFOUND {
				t.Errorf("after the purge: %v, want ENOTFOUND", err)
			}
		})
	}
}
