package db

import (
	"context"
	"path/filepath"
	"testing"
	"time"
)

// TestKeptLookUpsAcrossPatchedWrites: a guest's requests and withdrawals
// (patched writes) carry the kept session and guests to their versions,
// and what the look-ups serve is still the rows: after a run of them, after
// a removal by this store that follows them, and after a removal by
// another process that a patched write of this store then follows (the
// run starts again at the other process's version, not before it).
func TestKeptLookUpsAcrossPatchedWrites(t *testing.T) {
	ctx := context.Background()
	n := newStillNight(t)
	s, sess := n.s, n.sess
	devices := map[string]string{}
	guests := map[string]Guest{}
	for _, name := range []string{"Ana", "Ben", "Cy"} {
		devices[name], guests[name] = n.join(t, name)
	}
	// lookUp finds the session by code and the guest at its version, as a
	// guest route does, and wants both to be the rows.
	lookUp := func(step, name string) Guest {
		t.Helper()
		got, err := s.SessionByCode(ctx, sess.Code)
		if err != nil {
			t.Fatal(err)
		}
		g, err := s.GuestAt(ctx, got, devices[name])
		if err != nil {
			t.Fatal(err)
		}
		row, err := getSession(ctx, s.writer.DB(), sess.ID)
		if err != nil {
			t.Fatal(err)
		}
		gRow, err := getGuest(ctx, s.writer.DB(), sess.ID, devices[name])
		if err != nil {
			t.Fatal(err)
		}
		if got != row || g != gRow {
			t.Errorf("%s: looked up %+v and %+v, the rows are %+v and %+v", step, got, g, row, gRow)
		}
		return g
	}
	request := func(name, title string) Request {
		t.Helper()
		r, err := s.CreateRequest(ctx, NewRequest{SessionID: sess.ID, GuestID: guests[name].ID, Title: title})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, name := range []string{"Ana", "Ben", "Cy"} {
		lookUp("joined", name)
	}
	one := request("Ana", "One")
	lookUp("after a request", "Ana")
	request("Ben", "Two")
	if err := s.WithdrawRequest(ctx, sess.ID, guests["Ana"].ID, one.ID); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Ana", "Ben", "Cy"} {
		lookUp("after requests and a withdrawal", name)
	}

	if err := s.RemoveGuest(ctx, sess.ID, guests["Ben"].ID); err != nil {
		t.Fatal(err)
	}
	if g := lookUp("removed by this store", "Ben"); !g.Removed() {
		t.Errorf("the removed guest is served as %+v", g)
	}

	lookUp("before another process", "Cy")
	if err := OpenForTest(t, n.url).RemoveGuest(ctx, sess.ID, guests["Cy"].ID); err != nil {
		t.Fatal(err)
	}
	request("Ana", "Three") // patched, from the other process's version
	n.clock = n.clock.Add(versionFresh)
	if g := lookUp("removed by another process", "Cy"); !g.Removed() {
		t.Errorf("the guest another process removed is served as %+v", g)
	}
}

// stillNight is a night on a store whose clock stands still unless a test
// moves it (so this store's own writes are seen within versionFresh of a
// read), on a file another store can open as another process would.
type stillNight struct {
	s     *Store
	url   string
	clock time.Time
	sess  Session
}

func newStillNight(t *testing.T) *stillNight {
	t.Helper()
	n := &stillNight{url: "file:" + filepath.Join(t.TempDir(), "k.db"), clock: time.Now()}
	n.s = OpenForTest(t, n.url)
	n.s.Now = func() time.Time { return n.clock }
	var err error
	if n.sess, _, err = n.s.CreateSession(context.Background(), "Kept night"); err != nil {
		t.Fatal(err)
	}
	return n
}

// join has a new device join the night as name.
func (n *stillNight) join(t *testing.T, name string) (device string, g Guest) {
	t.Helper()
	ctx := context.Background()
	device, err := n.s.NewDeviceToken(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if g, err = n.s.JoinSession(ctx, n.sess.ID, device, name); err != nil {
		t.Fatal(err)
	}
	return device, g
}
