package db_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// TestRetapKeyIsClaimedOnce: a key is claimed by its post's first write,
// in that write's transaction; a write of another post of the same key
// fails and keeps nothing; a repeat reads the answer kept for it; a
// released key can be claimed again; the purge forgets old keys only.
func TestRetapKeyIsClaimedOnce(t *testing.T) {
	ctx := context.Background()
	store := openTestStore(t)
	c := newClock()
	store.Now = c.Now
	claim := func(id string) (db.Retap, bool) {
		t.Helper()
		post := db.WithRetapClaim(ctx, id)
		before := store.CountRows(t, "sessions")
		_, _, err := store.CreateSession(post, "Night of "+id)
		if err != nil && !errors.Is(err, db.ErrRetapTaken) {
			t.Fatal(err)
		}
		if made := store.CountRows(t, "sessions") - before; made != map[bool]int{true: 1, false: 0}[err == nil] || db.RetapClaimed(post) != (err == nil) {
			t.Fatalf("key %s: write err %v made %d nights, claimed %v", id, err, made, db.RetapClaimed(post))
		}
		got, rerr := store.RetapAnswer(ctx, id)
		if rerr != nil {
			t.Fatal(rerr)
		}
		return got, err == nil
	}
	if _, claimed := claim("a"); !claimed {
		t.Fatal("a new key was not claimed")
	}
	if got, claimed := claim("a"); claimed || got.Status != 0 {
		t.Errorf("repeat while answering: claimed %v, status %d", claimed, got.Status)
	}
	want := db.Retap{Status: 303, Headers: "Location: /j/x\r\n", Body: []byte{}}
	if err := store.SaveRetap(ctx, "a", want); err != nil {
		t.Fatal(err)
	}
	if got, claimed := claim("a"); claimed || got.Status != want.Status || got.Headers != want.Headers {
		t.Errorf("repeat: claimed %v, got %+v, want %+v", claimed, got, want)
	}
	// An answer whose post wrote nothing is kept all the same.
	if err := store.SaveRetap(ctx, "d", want); err != nil {
		t.Fatal(err)
	}
	if got, err := store.RetapAnswer(ctx, "d"); err != nil || got.Status != want.Status {
		t.Errorf("key d kept without a write: %+v, %v", got, err)
	}
	claim("b")
	if err := store.ReleaseRetap(ctx, "b"); err != nil {
		t.Fatal(err)
	}
	if _, err := store.RetapAnswer(ctx, "b"); !errors.Is(err, db.ErrNoRetap) {
		t.Errorf("released key: err %v, want ErrNoRetap", err)
	}
	if _, claimed := claim("b"); !claimed {
		t.Error("a released key could not be claimed again")
	}
	c.Advance(db.RetapKeep)
	claim("c")
	if err := store.PurgeRetaps(ctx, c.t.Add(-db.RetapKeep/2)); err != nil {
		t.Fatal(err)
	}
	for id, kept := range map[string]bool{"a": false, "b": false, "d": false, "c": true} {
		if _, err := store.RetapAnswer(ctx, id); (err == nil) != kept {
			t.Errorf("key %s after the purge: err %v, want kept %v", id, err, kept)
		}
	}
}

// TestRetapBodyKeptWhole: a kept answer's body comes back byte for byte,
// a guest's 28 KB answer takes no overflow page (it is stored compressed),
// and an answer kept by an older release, uncompressed, is read as it is.
func TestRetapBodyKeptWhole(t *testing.T) {
	ctx := context.Background()
	store := openTestStore(t)
	var page strings.Builder
	for i := range 200 {
		fmt.Fprintf(&page, `<li class="queue-row" data-testid="queue-row"><span class="place">%d</span> <span class="song">Song %d</span> <span class="singer">Singer %d</span></li>`+"\n", i, i%50, i%40)
	}
	for id, body := range map[string]string{"big": page.String(), "empty": "", "short": "<p>ok</p>"} {
		want := db.Retap{Status: 200, Headers: "Content-Type: text/html\r\n", Body: []byte(body)}
		if err := store.SaveRetap(ctx, id, want); err != nil {
			t.Fatal(err)
		}
		if got, err := store.RetapAnswer(ctx, id); err != nil || !bytes.Equal(got.Body, want.Body) || got.Headers != want.Headers {
			t.Errorf("%s: body of %d bytes came back as %d bytes (err %v)", id, len(want.Body), len(got.Body), err)
		}
	}
	if pages := store.RetapOverflowPages(t); pages != 0 {
		t.Errorf("the kept answers (one of %d KB) take %d overflow pages, want none", page.Len()>>10, pages)
	}
	old := db.Retap{Status: 200, Headers: "Content-Type: text/html\r\n", Body: []byte(page.String())}
	store.KeepPlainRetap(t, "old", old)
	if got, err := store.RetapAnswer(ctx, "old"); err != nil || !bytes.Equal(got.Body, old.Body) {
		t.Errorf("an uncompressed answer came back as %d bytes (err %v)", len(got.Body), err)
	}
}

// TestRetapsKeptTogether: answers kept in one write are each kept, and the
// answer of a post that wrote nothing leaves a key another post claimed
// to that post.
func TestRetapsKeptTogether(t *testing.T) {
	ctx := context.Background()
	store := openTestStore(t)
	if _, _, err := store.CreateSession(db.WithRetapClaim(ctx, "theirs"), "Night"); err != nil {
		t.Fatal(err)
	}
	answer := func(body string) db.Retap { return db.Retap{Status: 200, Body: []byte(body)} }
	err := store.SaveRetaps(ctx, []db.KeptRetap{
		{ID: "a", Answer: answer("a"), Claimed: true},
		{ID: "b", Answer: answer("b")},
		{ID: "theirs", Answer: answer("mine")},
	})
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"a": "a", "b": "b", "theirs": ""} {
		got, err := store.RetapAnswer(ctx, id)
		if err != nil || string(got.Body) != want {
			t.Errorf("key %s: body %q (err %v), want %q", id, got.Body, err, want)
		}
	}
}
