package replica

import (
	"errors"
	"fmt"
)

// Errors a caller acts on; test for them with errors.Is. Each is wrapped in
// a message that says what to do.
var (
	// ErrNewerRemote: Turso's schema has a migration this program does not
	// know, so it must not write there or restore from there.
	ErrNewerRemote = errors.New("Turso's schema is newer than this program's")
	// ErrNoCopy: Turso holds no copy of a karaoke database to restore.
	ErrNoCopy = errors.New("no copy to restore")
	// ErrOtherWriter: another karaoke database writes to the Turso
	// database, and one machine writes to one Turso database.
	ErrOtherWriter = errors.New("one machine writes to one Turso database")
)

// newerError is the refusal of a remote whose schema is newer.
func newerError(r *Remote, unknown []int, doing string) error {
	return fmt.Errorf("%w (it has migration %v, which this program does not) at %s: run a newer release of karaoke %s",
		ErrNewerRemote, unknown, r, doing)
}
