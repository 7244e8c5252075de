package db

import (
	"encoding/base32"
	"strings"
)

// JoinCodeAlphabet is what join codes are made of: capital letters and
// digits without the look-alikes 0/O, 1/I/L, so a code read off a TV across
// a bar is typed right.
const JoinCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// JoinCodeLength is the length of a join code: 31^4, nearly a million codes,
// is plenty for the sessions open at one time.
const JoinCodeLength = 4

// joinCodes is where a new night's join code comes from: newJoinCode, and
// in tests (export_test.go) a source that gives two nights the same code.
var joinCodes = newJoinCode

func newJoinCode() string {
	b := randomBytes(JoinCodeLength)
	code := make([]byte, JoinCodeLength)
	for i := range code {
		// 256 is not a multiple of 31; the bias this leaves is harmless for
		// a code that is not a secret.
		code[i] = JoinCodeAlphabet[int(b[i])%len(JoinCodeAlphabet)]
	}
	return string(code)
}

// ParseJoinCode turns what a guest typed into a join code: spaces and dashes
// dropped, letters upper-cased. It reports false when the result cannot be
// a join code.
func ParseJoinCode(s string) (string, bool) {
	s = strings.Map(func(r rune) rune {
		switch r {
		case ' ', '-', '\t':
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(s)))
	if len(s) != JoinCodeLength {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(JoinCodeAlphabet, s[i]) < 0 {
			return "", false
		}
	}
	return s, true
}

// JoinTokenLength is the length of a join token: 128 random bits in base32,
// too many to find by trying, however fast.
const JoinTokenLength = 26

// joinTokenAlphabet is lower-case base32: letters and digits only, safe in
// a path and a file name, and never mistaken for a code (which is shorter).
const joinTokenAlphabet = "abcdefghijklmnopqrstuvwxyz234567"

var joinTokenEncoding = base32.NewEncoding(joinTokenAlphabet).WithPadding(base32.NoPadding)

func newJoinToken() string { return joinTokenEncoding.EncodeToString(randomBytes(16)) }

// IsJoinToken reports whether s has the shape of a join token: a link names
// the session by its token, a guest who types names it by its code.
func IsJoinToken(s string) bool {
	if len(s) != JoinTokenLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(joinTokenAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}
