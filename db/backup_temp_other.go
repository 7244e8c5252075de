//go:build !unix

package db

import (
	"errors"
	"os"
	"time"
)

// staleTempAge is how old a temporary backup file must be before
// RemoveStaleTemps takes its backup for dead, where there is no flock: far
// longer than VACUUM INTO of a karaoke database takes.
const staleTempAge = time.Hour

var errTempInUse = errors.New("a backup may still be writing this file")

// lockTemp, without flock, goes by age: a file written to within the last
// staleTempAge may belong to a running backup.
func lockTemp(f *os.File, wait bool) error {
	if wait {
		return nil
	}
	info, err := f.Stat()
	if err != nil {
		return err
	}
	if time.Since(info.ModTime()) < staleTempAge {
		return errTempInUse
	}
	return nil
}
