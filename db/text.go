package db

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Limits on what people type, counted in characters after cleaning.
const (
	MaxSessionName = 60
	MaxSingerName  = 40
	MaxTitle       = 120
	MaxArtist      = 120
	MaxNote        = 200
)

// CleanText makes typed text fit to store: control and invisible formatting
// characters dropped, runs of white space folded to one space, the ends
// trimmed, and Unicode normalised to NFC, so that "é" typed as one character
// or as e and an accent is the same text. Normalising comes last: dropping a
// character can bring two others together that NFC composes.
func CleanText(s string) string {
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

// foldKey is the form of a name or song used to compare two of them: cleaned,
// case-folded and with compatibility characters unified, so "JOHN", "john"
// and "ｊｏｈｎ" are the same singer name.
func foldKey(s string) string {
	return norm.NFKC.String(cases.Fold().String(CleanText(s)))
}

// checkLength returns an EINVALID error for field when s (already cleaned)
// is shorter than minLen or longer than maxLen characters.
func checkLength(field, label, s string, minLen, maxLen int) error {
	n := utf8.RuneCountInString(s)
	switch {
	case n < minLen && minLen == 1:
		return FieldErrorf(EINVALID, field, "Please enter a %s.", label)
	case n < minLen:
		return FieldErrorf(EINVALID, field, "The %s must be at least %d characters.", label, minLen)
	case n > maxLen:
		return FieldErrorf(EINVALID, field, "The %s can be at most %d characters (this one has %d).", label, maxLen, n)
	}
	return nil
}
