package db

import (
	"unicode"
	"unicode/utf8"

	"github.com/karaoke-night/karaoke/fold"
)

// Limits on what people type, counted in characters after cleaning.
const (
	MaxSessionName = 60
	MaxSingerName  = 40
	MaxTitle       = 120
	MaxArtist      = 120
	MaxNote        = 200
)

// CleanText makes typed text fit to store; see fold.Clean.
func CleanText(s string) string { return fold.Clean(s) }

// foldKey is the form of a name or song used to compare two of them; see
// fold.Key.
func foldKey(s string) string { return fold.Key(s) }

// checkLength returns an EINVALID error for field when s (already cleaned)
// is shorter than minLen or longer than maxLen characters. A required field
// (minLen above 0) that only looks blank is refused as if empty: a singer
// called U+3164 HANGUL FILLER is a blank line on the TV that nobody can call.
func checkLength(field, label, s string, minLen, maxLen int) error {
	n := utf8.RuneCountInString(s)
	switch {
	case minLen == 1 && (n == 0 || looksBlank(s)):
		return FieldErrorf(EINVALID, field, "Please enter a %s.", label)
	case n < minLen:
		return FieldErrorf(EINVALID, field, "The %s must be at least %d characters.", label, minLen)
	case n > maxLen:
		return FieldErrorf(EINVALID, field, "The %s can be at most %d characters (this one has %d).", label, maxLen, n)
	}
	return nil
}

// looksBlank reports whether s shows nothing a reader could see: it is made
// only of spaces, invisible characters and blank glyphs.
func looksBlank(s string) bool {
	for _, r := range s {
		if !blankRune(r) {
			return false
		}
	}
	return true
}

// blankRune reports whether r draws nothing. Mostly this is Unicode's own
// say: white space, variation selectors and the other default-ignorable code
// points (Unicode's "render nothing unless supported" list, which holds the
// Hangul fillers U+115F, U+1160, U+3164 and U+FFA0, the combining grapheme
// joiner and the Khmer inherent vowels), and what is neither graphic nor
// private use: control and format characters (the zero-width space, the
// joiner CleanText keeps, tags) and unassigned code points.
// blankGlyphs adds the few characters Unicode counts as ordinary symbols or
// marks whose glyph is empty.
func blankRune(r rune) bool {
	switch {
	case unicode.IsSpace(r), blankGlyphs[r]:
		return true
	case unicode.In(r, unicode.Zs, unicode.Variation_Selector, unicode.Other_Default_Ignorable_Code_Point):
		return true
	}
	return !unicode.IsGraphic(r) && !unicode.Is(unicode.Co, r)
}

// blankGlyphs are characters with an empty glyph that no Unicode property
// marks as invisible: they are symbols or marks like any other, so only a
// list finds them.
var blankGlyphs = map[rune]bool{
	'\u2800':     true, // BRAILLE PATTERN BLANK (So): a braille cell with no dots
	'\U0001D159': true, // MUSICAL SYMBOL NULL NOTEHEAD (So): a notehead of zero width
}
