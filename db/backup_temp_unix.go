//go:build unix

package db

import (
	"errors"
	"os"
	"syscall"
)

// errTempInUse says a running backup holds the temporary file.
var errTempInUse = errors.New("a running backup holds this file")

// lockTemp takes an exclusive flock on f: waiting for it (a backup's own
// file, just created) or not (RemoveStaleTemps asking whether a backup
// still runs). flock locks are separate from the POSIX locks SQLite takes,
// and the kernel drops them when the process dies, even by kill -9: that is
// what makes a lock, unlike a file's age, right about a long backup and
// about one killed a second ago.
func lockTemp(f *os.File, wait bool) error {
	how := syscall.LOCK_EX
	if !wait {
		how |= syscall.LOCK_NB
	}
	err := syscall.Flock(int(f.Fd()), how)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return errTempInUse
	}
	return err
}
