package db_test

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/karaoke-night/karaoke/db"
)

// FuzzCleanText checks what every cleaned text promises, whatever was typed:
// valid UTF-8 in NFC, no control or invisible formatting characters (the
// emoji joiner aside), single spaces inside and none at the ends, and
// cleaning twice changes nothing.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{
		"", " ", "John", "  Friday\tnight  ", "Beyonce\u0301", "Beyoncé",
		"<script>alert(1)</script>", "a\x00b\x1fc\x7fd", "\u202eevil\u202c", "e\u200b\u0301",
		"👩\u200d🎤", "\xff\xfe", "line\nbreak\r\n", "\u00a0nbsp\u2028sep", "ｊｏｈｎ", "\u0301start", "\u3164", "\u2800\u3000",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		got := db.CleanText(typed)
		if !utf8.ValidString(got) {
			t.Fatalf("CleanText(%q) = %q: not valid UTF-8", typed, got)
		}
		if !norm.NFC.IsNormalString(got) {
			t.Errorf("CleanText(%q) = %q: not NFC", typed, got)
		}
		if got != strings.TrimSpace(got) || strings.Contains(got, "  ") {
			t.Errorf("CleanText(%q) = %q: space at an end or doubled", typed, got)
		}
		for _, r := range got {
			if unicode.IsControl(r) || (unicode.Is(unicode.Cf, r) && r != '\u200d') || (unicode.IsSpace(r) && r != ' ') {
				t.Errorf("CleanText(%q) = %q: keeps %U", typed, got, r)
			}
		}
		if again := db.CleanText(got); again != got {
			t.Errorf("CleanText is not idempotent: %q -> %q -> %q", typed, got, again)
		}
	})
}

// FuzzRequestClean checks the request form's validation: it never panics,
// and what it accepts is cleaned and within every limit, counted in
// characters.
func FuzzRequestClean(f *testing.F) {
	f.Add("Bohemian Rhapsody", "Queen", "")
	f.Add("", "", "")
	f.Add(strings.Repeat("é", db.MaxTitle), strings.Repeat("e\u0301", db.MaxArtist), strings.Repeat("n", db.MaxNote))
	f.Add(strings.Repeat("x", db.MaxTitle+1), "a", "b")
	f.Add("<img src=x onerror=alert(1)>", "\"'><script>", "javascript:alert(1)")
	f.Add("\u3164", "\u2800", "\u115f\u1160")
	f.Add("\u200b\u3000\uffa0", "", "\ufe0f")
	f.Fuzz(func(t *testing.T, title, artist, note string) {
		in := db.NewRequest{Title: title, Artist: artist, Note: note}
		out, err := in.Clean()
		if err != nil {
			if db.ErrorCode(err) != db.EINVALID || db.ErrorField(err) == "" {
				t.Fatalf("Clean(%q, %q, %q): %v, want an invalid field", title, artist, note, err)
			}
			return
		}
		for _, f := range []struct {
			name, typed, got string
			min, max         int
		}{
			{"title", title, out.Title, 1, db.MaxTitle},
			{"artist", artist, out.Artist, 0, db.MaxArtist},
			{"note", note, out.Note, 0, db.MaxNote},
		} {
			if f.got != db.CleanText(f.typed) {
				t.Errorf("%s = %q, want it cleaned: %q", f.name, f.got, db.CleanText(f.typed))
			}
			if n := utf8.RuneCountInString(f.got); n < f.min || n > f.max {
				t.Errorf("%s %q has %d characters, outside %d..%d", f.name, f.got, n, f.min, f.max)
			}
		}
	})
}

// FuzzParseJoinCode checks that whatever a guest types, an accepted code is
// 4 characters of the join-code alphabet and parses to itself again.
func FuzzParseJoinCode(f *testing.F) {
	for _, s := range []string{"ABCD", "abcd", "ab-cd", " A B C D ", "0OIL", "ABCDE", "", "ſtuv", "ÀBCD", "AB\tCD", "ABC"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		code, ok := db.ParseJoinCode(typed)
		if !ok {
			if code != "" {
				t.Errorf("ParseJoinCode(%q) = %q, false: want no code when it fails", typed, code)
			}
			return
		}
		if len(code) != db.JoinCodeLength {
			t.Fatalf("ParseJoinCode(%q) = %q: not %d long", typed, code, db.JoinCodeLength)
		}
		for i := 0; i < len(code); i++ {
			if !strings.ContainsRune(db.JoinCodeAlphabet, rune(code[i])) {
				t.Fatalf("ParseJoinCode(%q) = %q: %q is not in the alphabet", typed, code, code[i])
			}
		}
		if again, ok := db.ParseJoinCode(code); !ok || again != code {
			t.Errorf("ParseJoinCode(%q) = %q, %v: a code must parse to itself", code, again, ok)
		}
	})
}
