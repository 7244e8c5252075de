package db_test

import (
	"context"
	"testing"

	"github.com/karaoke-night/karaoke/db"
)

// blankNames look like nothing on a screen: spaces, zero-width and filler
// characters, alone or mixed.
var blankNames = []string{
	"\u3164",             // HANGUL FILLER
	"\u3164\u3164\u3164", // three of them
	"\uFFA0",             // HALFWIDTH HANGUL FILLER
	"\u115F\u1160",       // Hangul choseong and jungseong fillers
	"\u2800",             // BRAILLE PATTERN BLANK
	"\u3000\u2800\u3000", // ideographic spaces around it
	"\u200B\u200C\u2060", // zero-width space, non-joiner, word joiner
	"\u200D",             // a zero-width joiner alone
	"\u00A0\u2003\u205F", // no-break, em and mathematical spaces
	"\uFE0F\u034F",       // a variation selector and the grapheme joiner
	"\U000E0041\U000E0042",
	"\U0001D159",   // MUSICAL SYMBOL NULL NOTEHEAD
	"\u17B4\u17B5", // Khmer inherent vowels
	"\uFEFF\u3164\u180E",
	"\U000E0100", // a variation selector from the supplement
	"\U0003FFFD", // unassigned
}

// visibleNames show something, however little, and must still be accepted.
var visibleNames = []string{
	"A", "\u3164A\u3164", "\u2801", "👩\u200d🎤", "❤\uFE0F", "李", ".", "\u0301", "\uE000",
}

// TestBlankLookingTextIsRefused types each blank-looking name where a name
// or title is required: as a session's name, a singer's and a song's title.
func TestBlankLookingTextIsRefused(t *testing.T) {
	store := openTestStore(t)
	ctx := context.Background()
	sess, _, err := store.CreateSession(ctx, "night")
	if err != nil {
		t.Fatal(err)
	}
	guest, err := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), "Ann")
	if err != nil {
		t.Fatal(err)
	}
	// Ann requests every visible title, so lift the cap on waiting songs.
	if err := store.SetSingerCap(ctx, sess.ID, db.MaxSingerCap); err != nil {
		t.Fatal(err)
	}
	attempts := []struct {
		what string
		try  func(text string) error
	}{
		{"session name", func(text string) error { _, _, err := store.CreateSession(ctx, text); return err }},
		{"singer name", func(text string) error {
			_, err := store.JoinSession(ctx, sess.ID, db.SignedDevice(t, store), text)
			return err
		}},
		{"song title", func(text string) error {
			_, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sess.ID, GuestID: guest.ID, Title: text})
			return err
		}},
	}
	for _, a := range attempts {
		for _, text := range blankNames {
			if err := a.try(text); db.ErrorCode(err) != db.EINVALID {
				t.Errorf("%s %+q: %v, want it refused as empty", a.what, text, err)
			}
		}
		for _, text := range visibleNames {
			if err := a.try(text); err != nil {
				t.Errorf("%s %+q: %v, want it accepted", a.what, text, err)
			}
		}
	}
}
