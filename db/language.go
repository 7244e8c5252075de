package db

import "context"

// DefaultLanguage is the language of a night nobody chose one for.
const DefaultLanguage = "en"

// MaxLanguage is the longest language tag a night keeps.
const MaxLanguage = 35

// CreateSession opens a new session with a fresh join code, in English. It
// returns the session and its host key, the secret that makes a browser its
// host; only the key's hash is stored. Errors: EINVALID for a bad name.
func (s *Store) CreateSession(ctx context.Context, name string) (Session, string, error) {
	return s.CreateSessionIn(ctx, name, DefaultLanguage)
}

// checkLanguage refuses a language tag longer than a night keeps. Which
// languages there are is the caller's to know (package lang).
func checkLanguage(tag string) error {
	if len(tag) > MaxLanguage {
		return FieldErrorf(EINVALID, "language", "Choose a language from the list.")
	}
	return nil
}
