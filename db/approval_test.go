package db_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// approval turns approval mode on or off, keeping the other rules.
func (n *night) approval(on bool) {
	n.t.Helper()
	if err := n.store.SetSettings(context.Background(), n.session.ID, db.Settings{SingerCap: db.DefaultSingerCap, Approval: on}); err != nil {
		n.t.Fatal(err)
	}
}

// held returns the pending requests' titles, oldest first, and their ids by title.
func (n *night) held() ([]string, map[string]int64) {
	n.t.Helper()
	var titles []string
	ids := map[string]int64{}
	for _, h := range n.state().Pending {
		titles = append(titles, h.Title)
		ids[h.Title] = h.ID
	}
	return titles, ids
}

func TestApprovalHoldsRequestsOutOfTheQueue(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	n.run("A a1")
	n.approval(true)
	n.run("B b1", "C c1", "B b2")
	if got, want := n.queue(), "a1"; got != want {
		t.Fatalf("queue = %q, want %q: held songs are in no queue", got, want)
	}
	if got := n.state().Estimate(len(n.state().Queue())); got != n.state().PerSong() {
		t.Errorf("the queue's length counts %v, want one song", got)
	}
	titles, ids := n.held()
	if got, want := len(titles), 3; got != want || titles[0] != "b1" {
		t.Fatalf("pending = %v, want b1 c1 b2", titles)
	}
	// Approved as of the approval: C's song, approved first, goes first.
	n.clock.Advance(time.Minute)
	if _, err := n.store.ApproveRequest(ctx, n.session.ID, ids["c1"]); err != nil {
		t.Fatal(err)
	}
	r, err := n.store.ApproveRequest(ctx, n.session.ID, ids["b1"])
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n.queue(), "a1 c1 b1"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
	if !r.CreatedAt.Equal(n.clock.Now()) {
		t.Errorf("approved request made at %v, want the approval's time %v", r.CreatedAt, n.clock.Now())
	}
	// Answering twice (another host device) changes nothing.
	for _, err := range []error{
		func() error { _, err := n.store.ApproveRequest(ctx, n.session.ID, ids["b1"]); return err }(),
		n.store.DeclineRequest(ctx, n.session.ID, ids["b1"]),
	} {
		if db.ErrorCode(err) != db.ECONFLICT {
			t.Errorf("answering an approved request again: %v, want a conflict", err)
		}
	}
	if _, err := n.store.ApproveRequest(ctx, n.session.ID, 999); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("an unknown request: %v, want not found", err)
	}
	if got, want := n.queue(), "a1 c1 b1"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
}

func TestDeclinedSongStopsCountingAgainstTheCap(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	n.approval(true)
	n.run("A a1", "A a2", "A a3")
	_, err := n.store.CreateRequest(ctx, db.NewRequest{SessionID: n.session.ID, GuestID: n.guest("A").ID, Title: "a4"})
	if db.ErrorCode(err) != db.ECONFLICT {
		t.Fatalf("a 4th song with 3 held: %v, want the cap's conflict", err)
	}
	_, ids := n.held()
	if err := n.store.DeclineRequest(ctx, n.session.ID, ids["a2"]); err != nil {
		t.Fatal(err)
	}
	if err := n.store.DeclineRequest(ctx, n.session.ID, ids["a2"]); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("declining twice: %v, want a conflict", err)
	}
	declined := n.state().Declined
	if len(declined) != 1 || declined[0].Title != "a2" || declined[0].Status != db.StatusDeclined {
		t.Errorf("declined = %+v, want a2", declined)
	}
	n.run("A a4")
	if titles, _ := n.held(); len(titles) != 3 {
		t.Errorf("pending = %v, want a1 a3 a4", titles)
	}
	if got, want := n.queue(), ""; got != want {
		t.Errorf("queue = %q, want nothing approved", got)
	}
}

func TestTurningApprovalOffApprovesNothing(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	n.approval(true)
	n.run("A a1", "B b1")
	n.approval(false)
	n.run("C c1")
	if got, want := n.queue(), "c1"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
	if titles, _ := n.held(); len(titles) != 2 {
		t.Errorf("pending = %v, want a1 b1 still waiting", titles)
	}
	got, err := n.store.ApproveAllRequests(ctx, n.session.ID)
	if err != nil || got != 2 {
		t.Fatalf("approve all = %d, %v; want 2", got, err)
	}
	if got, want := n.queue(), "c1 a1 b1"; got != want {
		t.Errorf("queue = %q, want %q: oldest first, after what was in", got, want)
	}
	if titles, _ := n.held(); len(titles) != 0 {
		t.Errorf("pending = %v, want none", titles)
	}
	if got, err := n.store.ApproveAllRequests(ctx, n.session.ID); err != nil || got != 0 {
		t.Errorf("approve all again = %d, %v; want 0", got, err)
	}
}

func TestARemovedGuestsHeldSongIsNotApproved(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	n.approval(true)
	n.run("A a1", "B b1")
	_, ids := n.held()
	if err := n.store.RemoveGuest(ctx, n.session.ID, n.guest("A").ID); err != nil {
		t.Fatal(err)
	}
	if titles, _ := n.held(); len(titles) != 1 || titles[0] != "b1" {
		t.Errorf("pending = %v, want b1 alone", titles)
	}
	if _, err := n.store.ApproveRequest(ctx, n.session.ID, ids["a1"]); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("approving a removed guest's song: %v, want a conflict", err)
	}
	if got, err := n.store.ApproveAllRequests(ctx, n.session.ID); err != nil || got != 1 {
		t.Errorf("approve all = %d, %v; want 1", got, err)
	}
	if got, want := n.queue(), "b1"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
}

func TestGuestWithdrawsAHeldSong(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	n.approval(true)
	n.run("A a1", "A a2", "A a3", "B b1")
	_, ids := n.held()
	a, b := n.guest("A").ID, n.guest("B").ID
	if err := n.store.WithdrawHeld(ctx, n.session.ID, b, ids["a1"]); db.ErrorCode(err) != db.ENOTFOUND {
		t.Errorf("Bob withdrawing Ann's song: %v, want not found", err)
	}
	if err := n.store.WithdrawHeld(ctx, n.session.ID, a, ids["a1"]); err != nil {
		t.Fatal(err)
	}
	if err := n.store.WithdrawHeld(ctx, n.session.ID, a, ids["a1"]); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("withdrawing twice: %v, want a conflict", err)
	}
	if _, err := n.store.ApproveRequest(ctx, n.session.ID, ids["a1"]); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("approving a withdrawn song: %v, want a conflict", err)
	}
	n.run("A a4") // the cap has room again
	if titles, _ := n.held(); strings.Join(titles, " ") != "a2 a3 b1 a4" {
		t.Errorf("pending = %v, want a2 a3 b1 a4", titles)
	}
}
