// Package fold is the one place that says when two texts a person typed are
// the same: the store compares guest names and requests by it, the songbook
// merges duplicate songs and searches by it.
package fold

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Clean makes typed text fit to store: control and invisible formatting
// characters dropped, runs of white space folded to one space, the ends
// trimmed, and Unicode normalised to NFC, so that "é" typed as one character
// or as e and an accent is the same text. Normalising comes last: dropping a
// character can bring two others together that NFC composes.
func Clean(s string) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r) && r != '\u200d':
			// Cf holds bidi overrides and zero-width marks; the zero-width
			// joiner stays, since emoji sequences need it.
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

// Key is the form of a name or song used to compare two of them: cleaned,
// case-folded and with compatibility characters unified, so "JOHN", "john"
// and "ｊｏｈｎ" are the same singer name.
func Key(s string) string {
	return norm.NFKC.String(cases.Fold().String(Clean(s)))
}

// Loose is Key with accents and punctuation gone as well: what a guest
// searching a songbook types on a phone ("dont stop", "beyonce") compares
// equal to the catalogue's "Don't Stop", "Beyoncé". Apostrophes vanish
// (don't → dont), other punctuation and symbols become spaces, and the words
// are left one space apart. Two songs of one songbook are the same song when
// their Loose title and artist are.
func Loose(s string) string {
	if out, ok := looseASCII(s); ok {
		return out
	}
	return looseText(s)
}

// looseText is Loose of any text.
func looseText(s string) string {
	s = Key(s)
	// NFD splits an accented letter into the letter and its marks, which
	// Remove drops; x/text's transform chain does both in one pass.
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	if out, _, err := transform.String(t, s); err == nil {
		s = out
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\'' || r == '’' || r == '‘' || r == '`' || r == '´':
			continue
		case unicode.IsLetter(r) || unicode.IsNumber(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
		default:
			space = true
		}
	}
	return b.String()
}

// looseASCII is Loose of a text that is all ASCII, done a byte at a time:
// there, NFC, NFKC and removing marks change nothing and case folding is
// lower-casing, so the x/text passes, most of a songbook import's folding
// time, can be skipped. A control character other than white space is
// dropped without parting the letters around it, as Clean drops it. It
// reports false for any other text.
func looseASCII(s string) (string, bool) {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= utf8.RuneSelf:
			return "", false
		case c == '\'' || c == '`':
			continue
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || 'A' <= c && c <= 'Z':
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b.WriteByte(c)
		case c == ' ' || '\t' <= c && c <= '\r':
			space = true
		case c < ' ' || c == 0x7f:
			// dropped, as Clean drops it
		default:
			space = true
		}
	}
	return b.String(), true
}
