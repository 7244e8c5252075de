package db_test

import (
	"context"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// undoLatest undoes what the dashboard's Undo offers, failing the test
// when it offers nothing or cannot.
func (n *night) undoLatest() db.HostAction {
	n.t.Helper()
	offer := n.state().Undo
	if offer.Action.ID == 0 || offer.Cannot != "" {
		n.t.Fatalf("Undo offers %+v, want an action it can undo", offer)
	}
	if err := n.store.Undo(context.Background(), n.session.ID, offer.Action.ID); err != nil {
		n.t.Fatalf("undo %q: %v", offer.Action.Summary, err)
	}
	return offer.Action
}

// TestEachHostActionUndoes: after each host action and its undo, every row
// it touched (a request's place, round, status and times; the singer on
// stage; a guest; the rules) is exactly as before, the action and its undo
// are in the log, and the Undo then offers the action before.
func TestEachHostActionUndoes(t *testing.T) {
	ctx := context.Background()
	setup := []string{"A a1", "B b1", "C c1", "A a2", "B b2", "next"}
	tests := []struct {
		name    string
		action  func(n *night) error
		kind    db.ActionKind
		summary string
	}{
		{"start next", func(n *night) error { _, _, err := n.store.StartNext(ctx, n.session.ID, n.singing()); return err },
			db.ActionNext, "Start next: A's “a1” → B's “b1”"},
		{"stop", func(n *night) error {
			return n.store.SkipRequest(ctx, n.session.ID, n.singing(), db.StatusSinging)
		}, db.ActionStop, "Stopped A's “a1”: on stage → skipped"},
		{"skip", func(n *night) error {
			return n.store.SkipRequest(ctx, n.session.ID, n.requests["c1"], db.StatusWaiting)
		},
			db.ActionSkip, "Skipped C's “c1”: 2nd in line → skipped"},
		{"remove, which moves the singer's later songs up a round", func(n *night) error {
			return n.store.RemoveRequest(ctx, n.session.ID, n.requests["b1"])
		}, db.ActionRemove, "Removed B's “b1”: 1st in line → removed"},
		{"move up", func(n *night) error { return n.store.MoveRequest(ctx, n.session.ID, n.requests["a2"], db.MoveUp) },
			db.ActionMove, "Moved A's “a2” up: 3rd → 2nd"},
		{"move down", func(n *night) error { return n.store.MoveRequest(ctx, n.session.ID, n.requests["b1"], db.MoveDown) },
			db.ActionMove, "Moved B's “b1” down: 1st → 2nd"},
		{"move to the top", func(n *night) error { return n.store.MoveRequest(ctx, n.session.ID, n.requests["b2"], db.MoveTop) },
			db.ActionMove, "Moved B's “b2” to the top: 4th → 1st"},
		{"send to the back", func(n *night) error { return n.store.MoveRequest(ctx, n.session.ID, n.requests["b1"], db.MoveBack) },
			db.ActionMove, "Moved B's “b1” to the back: 1st → 4th"},
		{"pause", func(n *night) error { return n.store.SetRequestsPaused(ctx, n.session.ID, true) },
			db.ActionPause, "Requests: open → paused"},
		{"settings", func(n *night) error {
			return n.store.SetSettings(ctx, n.session.ID, db.Settings{SingerCap: 5, ShowNotes: true, Approval: true, Closing: db.ClosingRule{Zone: "UTC", Time: "23:30"}})
		}, db.ActionSettings, "Rules: songs a singer may have waiting 3 → 5; notes on the TV hidden → shown; approval off → on; time zone Local → UTC; closing none → 23:30"},
		{"remove guest", func(n *night) error { return n.store.RemoveGuest(ctx, n.session.ID, n.guests["B"].ID) },
			db.ActionRemoveGuest, "Removed guest B: 2 songs left the queue"},
		{"close to new guests", func(n *night) error { return n.store.SetJoiningLocked(ctx, n.session.ID, true) },
			db.ActionJoining, "New guests: welcome → closed"},
		{"remove recent joiners", func(n *night) error {
			_, err := n.store.RemoveGuestsJoinedSince(ctx, n.session.ID, n.guests["C"].JoinedAt)
			return err
		}, db.ActionRemoveGuest, "Removed 1 recent joiner and closed to new guests"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newNight(t)
			n.run(setup...)
			before, offered := n.store.NightRows(t, n.session.ID), n.state().Undo.Action.ID
			n.clock.Advance(90 * 1e9)
			if err := tt.action(n); err != nil {
				t.Fatal(err)
			}
			if n.store.NightRows(t, n.session.ID) == before {
				t.Fatal("the action changed nothing")
			}
			done := n.undoLatest()
			if done.Kind != tt.kind || done.Summary != tt.summary {
				t.Errorf("undid %s %q, want %s %q", done.Kind, done.Summary, tt.kind, tt.summary)
			}
			if got := n.store.NightRows(t, n.session.ID); got != before {
				t.Errorf("after the undo:\n%s\nwant, as before the action:\n%s", got, before)
			}
			log := n.state().Actions
			if len(log) < 2 || log[0].Kind != db.ActionUndo || log[0].Undoes != done.ID || log[1].ID != done.ID {
				t.Errorf("log = %+v, want the undo of %d first", log, done.ID)
			}
			if got := n.state().Undo.Action.ID; got != offered {
				t.Errorf("Undo offers action %d after the undo, want %d, the one before", got, offered)
			}
		})
	}
}

// TestUndoAfterLaterActionsSaysWhy: an action whose rows later actions (a
// host's or a guest's) have changed is not undone; the store and the
// dashboard's offer say why, and nothing changes.
func TestUndoAfterLaterActionsSaysWhy(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		action string   // a step of TestRotation's kind, whose undo is tried
		later  []string // the steps after it
		says   string
	}{
		{"moved, then started", "top c1", []string{"next"}, "Can't undo: C's song has started since."},
		{"moved, then withdrawn by its singer", "up a2", []string{"-A a2"}, "Can't undo: A withdrew “a2” since."},
		{"moved, then moved again", "top a2", []string{"back a2"}, "Can't undo: A's song has moved in the queue since."},
		{"stopped, then another singer started", "skip a1", []string{"next"}, "Can't undo: B's song has started since."},
		{"skipped, then another song removed: unrelated, so the skip undoes", "skip b1", []string{"remove c1"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newNight(t)
			n.run("A a1", "B b1", "C c1", "A a2", "next", tt.action)
			action := n.state().Actions[0]
			n.run(tt.later...)
			before := n.store.NightRows(t, n.session.ID)
			err := n.store.Undo(ctx, n.session.ID, action.ID)
			if tt.says == "" {
				if err != nil {
					t.Fatalf("undo: %v", err)
				}
				return
			}
			if db.ErrorCode(err) != db.ECONFLICT || db.ErrorMessage(err) != tt.says {
				t.Fatalf("undo = %v, want ECONFLICT %q", err, tt.says)
			}
			if got := n.store.NightRows(t, n.session.ID); got != before {
				t.Errorf("a refused undo changed the night:\n%s\nwant\n%s", got, before)
			}
			if len(tt.later) > 0 && tt.later[0][0] == '-' {
				// Nothing the host did came after: the offer is the action, refused.
				if offer := n.state().Undo; offer.Action.ID != action.ID || offer.Cannot != tt.says {
					t.Errorf("Undo offers %d %q, want %d %q", offer.Action.ID, offer.Cannot, action.ID, tt.says)
				}
			}
		})
	}
}

// TestUndoOfAnUndoAndDoubleTaps: undoing an undo does the action again
// (and is logged as a redo); the same undo sent twice undoes one thing;
// End is logged but cannot be undone.
func TestUndoOfAnUndoAndDoubleTaps(t *testing.T) {
	ctx := db.WithHostDevice(context.Background(), "iPhone · K7QF")
	n := newNight(t)
	n.run("A a1", "B b1", "C c1", "next")
	if err := n.store.SkipRequest(ctx, n.session.ID, n.requests["b1"], db.StatusWaiting); err != nil {
		t.Fatal(err)
	}
	skipped := n.store.NightRows(t, n.session.ID)
	skip := n.state().Actions[0]
	if skip.Device != "iPhone · K7QF" || skip.Kind != db.ActionSkip {
		t.Fatalf("logged %+v, want a skip by iPhone · K7QF", skip)
	}
	if err := n.store.Undo(ctx, n.session.ID, skip.ID); err != nil {
		t.Fatal(err)
	}
	restored := n.store.NightRows(t, n.session.ID)
	// The second tap of a double tap names the same action.
	err := n.store.Undo(ctx, n.session.ID, skip.ID)
	if db.ErrorCode(err) != db.ECONFLICT || !strings.Contains(db.ErrorMessage(err), "already undone") {
		t.Fatalf("second undo = %v, want ECONFLICT already undone", err)
	}
	if got := n.store.NightRows(t, n.session.ID); got != restored {
		t.Fatalf("the second tap changed the night")
	}
	if got := n.queue(); got != "[a1] b1 c1" {
		t.Errorf("queue after the undo = %q", got)
	}
	undo := n.state().Actions[0]
	if err := n.store.Undo(ctx, n.session.ID, undo.ID); err != nil {
		t.Fatalf("undo of the undo: %v", err)
	}
	if got := n.store.NightRows(t, n.session.ID); got != skipped {
		t.Errorf("after the undo of the undo:\n%s\nwant, as after the skip:\n%s", got, skipped)
	}
	log := n.state().Actions
	if log[0].Kind != db.ActionRedo || log[0].Undoes != undo.ID || log[1].Kind != db.ActionUndo {
		t.Errorf("log starts %+v, want a redo of %d, then the undo", log[:2], undo.ID)
	}
	// The skip stands again, so it is what Undo offers, and can be undone.
	if offer := n.state().Undo; offer.Action.ID != skip.ID || offer.Cannot != "" {
		t.Errorf("Undo offers %+v, want the skip again", offer)
	}
	if err := n.store.EndSession(ctx, n.session.ID); err != nil {
		t.Fatal(err)
	}
	end := n.state().Actions[0]
	if end.Kind != db.ActionEnd {
		t.Fatalf("End was not logged: %+v", end)
	}
	if err := n.store.Undo(ctx, n.session.ID, end.ID); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("undo of End = %v, want ECONFLICT", err)
	}
}

// TestGuestsSeeWhatTheHostDidToTheirSongs: the latest host action on a
// guest's songs is theirs to read, and an undo replaces it.
func TestGuestsSeeWhatTheHostDidToTheirSongs(t *testing.T) {
	n := newNight(t)
	n.run("A a1", "B b1", "C c1", "up c1")
	if got := n.state().GuestNotices[n.guests["C"].ID].GuestNotice; got != "The host moved your song “c1” up." {
		t.Errorf("C is told %q", got)
	}
	n.run("skip a1")
	notices := n.state().GuestNotices
	if got := notices[n.guests["A"].ID].GuestNotice; got != "The host skipped your song “a1”." {
		t.Errorf("A is told %q", got)
	}
	if _, ok := notices[n.guests["B"].ID]; ok {
		t.Errorf("B, whose song the host did not touch, is told %q", notices[n.guests["B"].ID].GuestNotice)
	}
	n.undoLatest()
	if got := n.state().GuestNotices[n.guests["A"].ID].GuestNotice; !strings.Contains(got, "undid") {
		t.Errorf("after the undo A is told %q", got)
	}
}
