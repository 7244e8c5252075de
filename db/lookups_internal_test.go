package db

import (
	"context"
	"testing"
	"time"
)

// TestKeptLookUpsFollowTheVersion: the sessions found by code or token and
// the guests found by device are kept, yet none is served once a write has
// moved its session on: a guest removed, a night ended, its code taken by a
// new night, a new host key, and a write by another process on the file
// (once versionFresh has passed).
func TestKeptLookUpsFollowTheVersion(t *testing.T) {
	ctx := context.Background()
	n := newStillNight(t)
	s, sess := n.s, n.sess
	device, guest := n.join(t, "Ana")
	// lookUp finds the session both ways, as the handlers do, and the
	// guest at the version found; both ways agree.
	lookUp := func() (Session, Guest) {
		t.Helper()
		byCode, err := s.SessionByCode(ctx, sess.Code)
		if err != nil {
			t.Fatal(err)
		}
		byToken, err := s.SessionByToken(ctx, sess.JoinToken)
		if err != nil {
			t.Fatal(err)
		}
		if byToken.ID != sess.ID || byCode.ID == sess.ID && byCode != byToken {
			t.Fatalf("by token %+v, by code %+v", byToken, byCode)
		}
		g, err := s.GuestAt(ctx, byToken, device)
		if err != nil {
			t.Fatal(err)
		}
		return byCode, g
	}
	// wantCurrent checks what lookUp finds against the database itself.
	wantCurrent := func(step string) (Session, Guest) {
		t.Helper()
		got, g := lookUp()
		again, g2 := lookUp() // the second time from what was kept
		row, err := getSession(ctx, s.writer.DB(), got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if again != row || got != row {
			t.Errorf("%s: looked up %+v then %+v, the row is %+v", step, got, again, row)
		}
		if got.ID == sess.ID {
			gRow, err := getGuest(ctx, s.writer.DB(), sess.ID, device)
			if err != nil {
				t.Fatal(err)
			}
			if g != gRow || g2 != gRow {
				t.Errorf("%s: guest %+v then %+v, the row is %+v", step, g, g2, gRow)
			}
		}
		return got, g
	}
	wantCurrent("joined")

	before, _ := wantCurrent("before a new host key")
	if _, err := s.RotateHostKey(ctx, sess.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := wantCurrent("new host key"); got.Version == before.Version {
		t.Errorf("a new host key left the version at %d", got.Version)
	}

	if err := s.RemoveGuest(ctx, sess.ID, guest.ID); err != nil {
		t.Fatal(err)
	}
	if _, g := wantCurrent("guest removed"); !g.Removed() {
		t.Errorf("the removed guest is served as %+v", g)
	}

	// Another process on the same file: its writes tell this store nothing
	// but the version.
	other := OpenForTest(t, n.url)
	if err := other.SetRequestsPaused(ctx, sess.ID, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := lookUp(); got.RequestsPaused {
		t.Errorf("within versionFresh of the last read, the kept night was read again: %+v", got)
	}
	n.clock = n.clock.Add(versionFresh)
	if got, _ := wantCurrent("paused by another process"); !got.RequestsPaused {
		t.Errorf("a pause by another process is not seen: %+v", got)
	}
	if err := other.EndSession(ctx, sess.ID); err != nil {
		t.Fatal(err)
	}
	n.clock = n.clock.Add(versionFresh)
	if got, _ := wantCurrent("ended by another process"); got.Open() {
		t.Errorf("the ended night is served open: %+v", got)
	}

	// A new night given the same code (codes are free again once a night
	// has ended): the code names it now.
	next, _, err := s.CreateSession(ctx, "Next night")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SessionByCode(ctx, next.Code); err != nil { // kept by its own code
		t.Fatal(err)
	}
	if _, err := s.writer.DB().ExecContext(ctx, `UPDATE sessions SET code = ? WHERE id = ?`, sess.Code, next.ID); err != nil {
		t.Fatal(err)
	}
	if got, _ := wantCurrent("code re-opened"); got.ID != next.ID {
		t.Errorf("code %s names night %d, want the new night %d", sess.Code, got.ID, next.ID)
	}
}

// TestKeptSessionNotPutBackAfterAWrite: a look-up whose read began before
// this store's write moved the session on does not keep what it read, and
// so no look-up within versionFresh serves it, whether the write was a
// patched one (which carries the kept session to its version) or not.
func TestKeptSessionNotPutBackAfterAWrite(t *testing.T) {
	for _, patched := range []bool{false, true} {
		var c lookupCache
		at := time.Now()
		sess := Session{ID: 7, Version: 3, Code: "ABCD"}
		c.keepSession("cABCD", sess, at)
		c.committed(sess.ID, 4, patched, at)
		c.keepSession("cABCD", sess, at) // the slow read, kept after the write
		c.confirm(sess, at)
		if got, ok := c.session("cABCD"); ok && got.sess.Version != 4 {
			t.Errorf("patched %v: the read from before the write is served: %+v", patched, got.sess)
		}
		moved := sess
		moved.Version = 4
		c.keepSession("cABCD", moved, at)
		if got, ok := c.session("cABCD"); !ok || got.sess != moved {
			t.Errorf("patched %v: after the write, kept %+v (%v), want %+v", patched, got.sess, ok, moved)
		}
	}
}
