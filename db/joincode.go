package db

import (
	"strings"
)

// JoinCodeAlphabet is what join codes are made of: capital letters and
// digits without the look-alikes 0/O, 1/I/L, so a code read off a TV across
// a bar is typed right.
const JoinCodeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// JoinCodeLength is the length of a join code: 31^4, nearly a million codes,
// is plenty for the sessions open at one time.
const JoinCodeLength = 4

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
