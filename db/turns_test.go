package db_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// singing returns the request being sung, or db.NoTurn, as a host's page
// would show it.
func (n *night) singing() int64 {
	if s := n.state().NowSinging; s != nil {
		return s.ID
	}
	return db.NoTurn
}

// state is the night as the store reads it now.
func (n *night) state() db.Night {
	n.t.Helper()
	state, err := n.store.Night(context.Background(), n.session.ID)
	if err != nil {
		n.t.Fatal(err)
	}
	return state
}

// TestTurnsCheckWhatTheHostSaw: a host action names the state the host saw
// (the turn Start next ends, the request Stop or Skip or Remove acts on);
// when the night has moved on, it changes nothing and says why.
func TestTurnsCheckWhatTheHostSaw(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		setup  []string // steps before the action, as in TestRotation
		action func(n *night) error
		want   string // the queue afterwards
		says   string // part of the conflict's message; "" when it works
	}{
		{"start next from nobody", []string{"A a1", "B b1"},
			func(n *night) error { _, _, err := n.store.StartNext(ctx, n.session.ID, db.NoTurn); return err },
			"[a1] b1", ""},
		{"start next seen from nobody, but a1 had started", []string{"A a1", "B b1", "next"},
			func(n *night) error { _, _, err := n.store.StartNext(ctx, n.session.ID, db.NoTurn); return err },
			"[a1] b1", "A's turn had already started on another device"},
		{"start next ending a1", []string{"A a1", "B b1", "next"},
			func(n *night) error { _, _, err := n.store.StartNext(ctx, n.session.ID, n.requests["a1"]); return err },
			"[b1]", ""},
		{"start next ending a1, but b1 had started", []string{"A a1", "B b1", "C c1", "next", "next"},
			func(n *night) error { _, _, err := n.store.StartNext(ctx, n.session.ID, n.requests["a1"]); return err },
			"[b1] c1", "B's turn had already started on another device"},
		{"start next ending a1, but it had been stopped", []string{"A a1", "B b1", "next", "skip a1"},
			func(n *night) error { _, _, err := n.store.StartNext(ctx, n.session.ID, n.requests["a1"]); return err },
			"b1", "A's turn had already ended on another device"},
		{"stop a1", []string{"A a1", "B b1", "next"},
			func(n *night) error {
				return n.store.SkipRequest(ctx, n.session.ID, n.requests["a1"], db.StatusSinging)
			},
			"b1", ""},
		{"stop a1, but b1 had started", []string{"A a1", "B b1", "next", "next"},
			func(n *night) error {
				return n.store.SkipRequest(ctx, n.session.ID, n.requests["a1"], db.StatusSinging)
			},
			"[b1]", "A's “a1” has already been sung"},
		{"skip b1 from the queue, but it had started", []string{"A a1", "B b1", "next", "next"},
			func(n *night) error {
				return n.store.SkipRequest(ctx, n.session.ID, n.requests["b1"], db.StatusWaiting)
			},
			"[b1]", "B's “b1” had already started on another device"},
		{"skip b1, already skipped", []string{"A a1", "B b1", "skip b1"},
			func(n *night) error {
				return n.store.SkipRequest(ctx, n.session.ID, n.requests["b1"], db.StatusWaiting)
			},
			"a1", "B's “b1” had already been skipped"},
		{"remove b1, already removed", []string{"A a1", "B b1", "remove b1"},
			func(n *night) error { return n.store.RemoveRequest(ctx, n.session.ID, n.requests["b1"]) },
			"a1", "B's “b1” had already been removed"},
		{"remove b1, withdrawn", []string{"A a1", "B b1", "-B b1"},
			func(n *night) error { return n.store.RemoveRequest(ctx, n.session.ID, n.requests["b1"]) },
			"a1", "B had already withdrawn “b1”"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := newNight(t)
			n.run(tt.setup...)
			before := n.state().Session.Version
			err := tt.action(n)
			if got := n.queue(); got != tt.want {
				t.Errorf("queue = %q, want %q", got, tt.want)
			}
			if tt.says == "" {
				if err != nil {
					t.Fatalf("err = %v, want none", err)
				}
				return
			}
			var e *db.Error
			if !errors.As(err, &e) || db.ErrorCode(err) != db.ECONFLICT {
				t.Fatalf("err = %v, want a conflict", err)
			}
			if !strings.Contains(e.Message, tt.says) {
				t.Errorf("message = %q, want it to say %q", e.Message, tt.says)
			}
			if got := n.state().Session.Version; got != before {
				t.Errorf("version moved from %d to %d: a refused press changed the night", before, got)
			}
		})
	}
}

// TestStartNextAtOnceAdvancesOneSinger: hosts pressing Start next together,
// each having seen the same turn, start exactly one singer.
func TestStartNextAtOnceAdvancesOneSinger(t *testing.T) {
	n := newNight(t)
	n.run("A a1", "B b1", "C c1", "D d1", "next")
	seen := n.singing()
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Go(func() { _, _, errs[i] = n.store.StartNext(context.Background(), n.session.ID, seen) })
	}
	wg.Wait()
	worked := 0
	for _, err := range errs {
		switch db.ErrorCode(err) {
		case "":
			worked++
		case db.ECONFLICT:
		default:
			t.Errorf("err = %v", err)
		}
	}
	if worked != 1 {
		t.Errorf("%d presses worked, want 1", worked)
	}
	if got, want := n.queue(), "[b1] c1 d1"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
}
