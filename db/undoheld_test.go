package db_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// queued returns the id of the waiting request titled title.
func (n *night) queued(title string) int64 {
	n.t.Helper()
	for _, r := range n.state().Queue() {
		if r.Title == title {
			return r.ID
		}
	}
	n.t.Fatalf("%q is not in the queue %q", title, n.queue())
	return 0
}

// rowsBefore checks that every row of before is in after unchanged, and
// that the rows after adds are only requests taken out of the queue
// ("removed") and walk-up singers, who stay in tonight's list.
func rowsBefore(t *testing.T, before, after string) {
	t.Helper()
	was := strings.Split(before, "\n")
	for _, line := range strings.Split(after, "\n") {
		i := slices.Index(was, line)
		switch {
		case i >= 0:
			was = slices.Delete(was, i, i+1)
		case strings.HasPrefix(line, "request ") && strings.Fields(line)[2] == db.StatusRemoved,
			strings.HasPrefix(line, "guest ") && strings.HasSuffix(line, " -"):
		default:
			t.Errorf("after the undo, a row that was not there before: %s", line)
		}
	}
	for _, line := range was {
		t.Errorf("after the undo, a row is not as before: %s", line)
	}
}

// TestAnswersAndWalkupsUndo: a walk-up, an approval, an approve all and a
// decline are each logged, and their undo puts the queue, the held songs
// and every row back: an added request leaves the queue, a held one is
// pending again.
func TestAnswersAndWalkupsUndo(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name    string
		action  func(n *night) error
		kind    db.ActionKind
		summary string
	}{
		{"walk-up", func(n *night) error { _, err := n.walkup(0, "Wanda", "w1"); return err },
			db.ActionWalkup, "Walk-up Wanda's “w1” → 2nd in line"},
		{"approve", func(n *night) error {
			_, err := n.store.ApproveRequest(ctx, n.session.ID, n.requests["c1"])
			return err
		},
			db.ActionApprove, "Approved C's “c1”: waiting for OK → 2nd in line"},
		{"approve all", func(n *night) error { _, err := n.store.ApproveAllRequests(ctx, n.session.ID); return err },
			db.ActionApproveAll, "Approved all: 2 waiting songs → the queue"},
		{"decline", func(n *night) error { return n.store.DeclineRequest(ctx, n.session.ID, n.requests["b2"]) },
			db.ActionDecline, "Declined B's “b2”: waiting for OK → declined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newNight(t)
			n.run("A a1", "B b1", "next")
			n.approval(true)
			n.run("C c1", "B b2")
			before, held, queue := n.store.NightRows(t, n.session.ID), n.store.HeldRows(t, n.session.ID), n.queue()
			offered := n.state().Undo.Action.ID
			n.clock.Advance(90 * 1e9)
			if err := tt.action(n); err != nil {
				t.Fatal(err)
			}
			if n.queue() == queue && n.store.HeldRows(t, n.session.ID) == held {
				t.Fatal("the action changed nothing")
			}
			done := n.undoLatest()
			if done.Kind != tt.kind || done.Summary != tt.summary {
				t.Errorf("undid %s %q, want %s %q", done.Kind, done.Summary, tt.kind, tt.summary)
			}
			if got := n.queue(); got != queue {
				t.Errorf("queue after the undo = %q, want %q", got, queue)
			}
			if got := n.store.HeldRows(t, n.session.ID); got != held {
				t.Errorf("held songs after the undo:\n%s\nwant\n%s", got, held)
			}
			rowsBefore(t, before, n.store.NightRows(t, n.session.ID))
			if got := n.state().Undo.Action.ID; got != offered {
				t.Errorf("Undo offers action %d after the undo, want %d, the one before", got, offered)
			}
		})
	}
}

// TestUndoOfAnAnswerAfterLaterActions: an approval or a walk-up whose song
// has started, moved or been withdrawn since is not undone, and says why;
// one that later actions left alone undoes; an undone approval is redone
// into the same place.
func TestUndoOfAnAnswerAfterLaterActions(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		action func(n *night) error
		later  func(n *night) error
		says   string
	}{
		{"approved, then started", func(n *night) error {
			_, err := n.store.ApproveRequest(ctx, n.session.ID, n.requests["c1"])
			return err
		}, func(n *night) error {
			_, _, err := n.store.StartNext(ctx, n.session.ID, n.singing())
			return err
		}, "Can't undo: C's song has started since."},
		{"approved, then moved", func(n *night) error {
			if _, err := n.store.ApproveRequest(ctx, n.session.ID, n.requests["b2"]); err != nil {
				return err
			}
			_, err := n.store.ApproveRequest(ctx, n.session.ID, n.requests["c1"])
			return err
		}, func(n *night) error {
			return n.store.MoveRequest(ctx, n.session.ID, n.queued("c1"), db.MoveUp)
		}, "Can't undo: C's song has moved in the queue since."},
		{"approved, then withdrawn by its singer", func(n *night) error {
			_, err := n.store.ApproveRequest(ctx, n.session.ID, n.requests["c1"])
			return err
		}, func(n *night) error {
			return n.store.WithdrawRequest(ctx, n.session.ID, n.guest("C").ID, n.queued("c1"))
		}, "Can't undo: C withdrew “c1” since."},
		{"walk-up, then started", func(n *night) error {
			_, err := n.walkup(0, "Wanda", "w1")
			return err
		}, func(n *night) error {
			_, _, err := n.store.StartNext(ctx, n.session.ID, n.singing())
			return err
		}, "Can't undo: Wanda's song has started since."},
		{"approved, then another approved: unrelated, so it undoes", func(n *night) error {
			_, err := n.store.ApproveRequest(ctx, n.session.ID, n.requests["c1"])
			return err
		}, func(n *night) error {
			_, err := n.store.ApproveRequest(ctx, n.session.ID, n.requests["b2"])
			return err
		}, ""},
		{"declined, then declined again from another phone: a conflict that changed nothing, so it undoes", func(n *night) error {
			return n.store.DeclineRequest(ctx, n.session.ID, n.requests["c1"])
		}, func(n *night) error {
			if err := n.store.DeclineRequest(ctx, n.session.ID, n.requests["c1"]); db.ErrorCode(err) != db.ECONFLICT {
				t.Errorf("declined twice: %v, want a conflict", err)
			}
			return nil
		}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newNight(t)
			n.run("A a1", "next")
			n.approval(true)
			n.run("C c1", "B b2")
			if err := tt.action(n); err != nil {
				t.Fatal(err)
			}
			action := n.state().Actions[0]
			if err := tt.later(n); err != nil {
				t.Fatal(err)
			}
			before, held := n.store.NightRows(t, n.session.ID), n.store.HeldRows(t, n.session.ID)
			err := n.store.Undo(ctx, n.session.ID, action.ID)
			if tt.says == "" {
				if err != nil {
					t.Fatalf("undo: %v", err)
				}
				if titles, _ := n.held(); !slices.Contains(titles, "c1") {
					t.Errorf("after the undo, pending = %v, want c1 among them", titles)
				}
				return
			}
			if db.ErrorCode(err) != db.ECONFLICT || db.ErrorMessage(err) != tt.says {
				t.Fatalf("undo = %v, want ECONFLICT %q", err, tt.says)
			}
			if n.store.NightRows(t, n.session.ID) != before || n.store.HeldRows(t, n.session.ID) != held {
				t.Errorf("a refused undo changed the night")
			}
		})
	}
}

// TestAnUndoneApprovalIsRedoneInItsPlace: undoing the undo of an approval
// puts the song back where it was and the held song approved again; a
// second tap of either changes nothing.
func TestAnUndoneApprovalIsRedoneInItsPlace(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	n.run("A a1", "B b1")
	n.approval(true)
	n.run("C c1")
	if _, err := n.store.ApproveRequest(ctx, n.session.ID, n.requests["c1"]); err != nil {
		t.Fatal(err)
	}
	approvedRows, approvedHeld := n.store.NightRows(t, n.session.ID), n.store.HeldRows(t, n.session.ID)
	approve := n.undoLatest()
	if got, want := n.queue(), "a1 b1"; got != want {
		t.Fatalf("queue after the undo = %q, want %q", got, want)
	}
	if err := n.store.Undo(ctx, n.session.ID, approve.ID); db.ErrorCode(err) != db.ECONFLICT {
		t.Errorf("the undo's second tap: %v, want a conflict", err)
	}
	undo := n.state().Actions[0]
	if err := n.store.Undo(ctx, n.session.ID, undo.ID); err != nil {
		t.Fatalf("redo: %v", err)
	}
	if got, want := n.queue(), "a1 b1 c1"; got != want {
		t.Errorf("queue after the redo = %q, want %q", got, want)
	}
	if got, want := n.state().GuestNotices[n.guest("C").ID].GuestNotice, "The host approved “c1”."; got != want {
		t.Errorf("after the redo C is told %q, want %q", got, want)
	}
	if n.store.NightRows(t, n.session.ID) != approvedRows || n.store.HeldRows(t, n.session.ID) != approvedHeld {
		t.Errorf("after the redo the rows are not as the approval left them")
	}
	if titles, _ := n.held(); len(titles) != 0 {
		t.Errorf("pending after the redo = %v, want none", titles)
	}
}

// TestGuestsAreToldOfAnswersAndTheirUndo: the guest whose song the host
// approved is told, each guest of an approve all too, and after an undo
// each is told the song waits again.
func TestGuestsAreToldOfAnswersAndTheirUndo(t *testing.T) {
	ctx := context.Background()
	n := newNight(t)
	n.approval(true)
	n.run("A a1", "B b1", "C c1")
	told := func(guest string) string { return n.state().GuestNotices[n.guest(guest).ID].GuestNotice }
	if _, err := n.store.ApproveRequest(ctx, n.session.ID, n.requests["a1"]); err != nil {
		t.Fatal(err)
	}
	if got, want := told("A"), "The host approved “a1”."; got != want {
		t.Errorf("A is told %q, want %q", got, want)
	}
	n.undoLatest()
	if got, want := told("A"), "The host undid that: your song is waiting for the host's OK again."; got != want {
		t.Errorf("after the undo A is told %q, want %q", got, want)
	}
	if err := n.store.DeclineRequest(ctx, n.session.ID, n.requests["c1"]); err != nil {
		t.Fatal(err)
	}
	n.undoLatest()
	if got := told("C"); !strings.Contains(got, "waiting for the host's OK again") {
		t.Errorf("after the decline's undo C is told %q", got)
	}
	if _, err := n.store.ApproveAllRequests(ctx, n.session.ID); err != nil {
		t.Fatal(err)
	}
	for guest, want := range map[string]string{"A": "The host approved “a1”.", "B": "The host approved “b1”.", "C": "The host approved “c1”."} {
		if got := told(guest); got != want {
			t.Errorf("after approve all %s is told %q, want %q", guest, got, want)
		}
	}
	n.undoLatest()
	for _, guest := range []string{"A", "B", "C"} {
		if got := told(guest); !strings.Contains(got, "waiting for the host's OK again") {
			t.Errorf("after approve all's undo %s is told %q", guest, got)
		}
	}
	if titles, _ := n.held(); len(titles) != 3 {
		t.Errorf("pending after approve all's undo = %v, want all three", titles)
	}
}
