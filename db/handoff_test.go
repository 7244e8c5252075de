package db_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// TestHandoffHoldsTheDeviceForItsNightOnly: a handoff opens to the guest's
// own device token, for its night only, within its lifetime; one sealed by
// another server, changed, or cut short is forged; none is given for a
// device the server did not sign or that is no guest of the night; and the
// token itself cannot be read from it.
func TestHandoffHoldsTheDeviceForItsNightOnly(t *testing.T) {
	ctx := context.Background()
	store, other := openTestStore(t), openTestStore(t)
	night, _, _ := store.CreateSession(ctx, "Night")
	second, _, _ := store.CreateSession(ctx, "Second")
	ann := db.SignedDevice(t, store)
	if _, err := store.JoinSession(ctx, night.ID, ann, "Ann"); err != nil {
		t.Fatal(err)
	}
	handoff, err := store.Handoff(ctx, night.ID, ann)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := store.OpenHandoff(ctx, night.ID, handoff); err != nil || got != ann {
		t.Fatalf("OpenHandoff = %q, %v; want Ann's token", got, err)
	}
	if len(handoff) > 200 || strings.Contains(handoff, ann) || strings.Contains(handoff, ann[:20]) {
		t.Errorf("the handoff (%d chars) shows the device token", len(handoff))
	}

	otherNight, _, _ := other.CreateSession(ctx, "Elsewhere")
	otherAnn := db.SignedDevice(t, other)
	if _, err := other.JoinSession(ctx, otherNight.ID, otherAnn, "Ann"); err != nil {
		t.Fatal(err)
	}
	foreign, err := other.Handoff(ctx, otherNight.ID, otherAnn)
	if err != nil {
		t.Fatal(err)
	}
	changed := []byte(handoff)
	changed[0] ^= 1 // the expiry
	for what, h := range map[string]string{
		"another night's": handoff, "another server's": foreign, "a changed expiry's": string(changed),
		"a cut one": handoff[:len(handoff)-4], "an empty one": "", "one without a dot": "abc",
	} {
		id := night.ID
		if what == "another night's" {
			id = second.ID
		}
		if _, err := store.OpenHandoff(ctx, id, h); !errors.Is(err, db.ErrHandoffForged) {
			t.Errorf("%s handoff: %v, want ErrHandoffForged", what, err)
		}
	}

	store.Now = func() time.Time { return time.Now().Add(db.HandoffLifetime) }
	if _, err := store.OpenHandoff(ctx, night.ID, handoff); !errors.Is(err, db.ErrHandoffSpent) {
		t.Errorf("a handoff at the end of its lifetime: %v, want ErrHandoffSpent", err)
	}
	store.Now = time.Now

	for what, token := range map[string]string{"an unsigned device": db.NewToken(), "a device that is no guest": db.SignedDevice(t, store)} {
		if _, err := store.Handoff(ctx, night.ID, token); db.ErrorCode(err) != db.EFORBIDDEN {
			t.Errorf("a handoff for %s: %v, want EFORBIDDEN", what, err)
		}
	}
	if _, err := store.Handoff(ctx, second.ID, ann); db.ErrorCode(err) != db.EFORBIDDEN {
		t.Errorf("a handoff for a night the device did not join: %v, want EFORBIDDEN", err)
	}
}
