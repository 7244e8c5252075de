package fold_test

import (
	"math/rand/v2"
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

// TestLooseASCIIShortCut: Loose of ASCII text, done a byte at a time, is
// what the full Unicode folding gives, for every character and for random
// texts of them.
func TestLooseASCIIShortCut(t *testing.T) {
	check := func(s string) {
		t.Helper()
		if got, want := fold.Loose(s), fold.LooseText(s); got != want {
			t.Errorf("Loose(%q) = %q, want %q", s, got, want)
		}
	}
	for c := range 128 {
		check(string(rune(c)))
		check("a" + string(rune(c)) + "B")
		check(" x" + string(rune(c)) + " 9 ")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			b[i] = byte(rng.IntN(128))
		}
		check(string(b))
	}
}

func FuzzLooseASCIIShortCut(f *testing.F) {
	f.Add("Don't Stop Believin'")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := fold.Loose(s), fold.LooseText(s); got != want {
			t.Errorf("Loose(%q) = %q, want %q", s, got, want)
		}
	})
}
