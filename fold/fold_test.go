package fold_test

import (
	"testing"

	"github.com/karaoke-night/karaoke/fold"
)

func TestLoose(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Don't Stop Believin'", "dont stop believin"},
		{"Beyoncé", "beyonce"},
		{"  AC/DC ", "ac dc"},
		{"Sinéad O’Connor", "sinead oconnor"},
		{"ＡＢＢＡ", "abba"},
		{"Motörhead — Ace of Spades!", "motorhead ace of spades"},
		{"", ""},
	} {
		if got := fold.Loose(tc.in); got != tc.want {
			t.Errorf("Loose(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestKeyKeepsAccents(t *testing.T) {
	// Key is what guest names compare by: "Zoé" and "Zoe" are two people.
	if fold.Key("Zoé") == fold.Key("Zoe") {
		t.Error("Key folded away an accent")
	}
	if got, want := fold.Key(" JOHN  "), "john"; got != want {
		t.Errorf("Key = %q, want %q", got, want)
	}
}
