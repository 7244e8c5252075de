package db

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// tempPattern names a backup's temporary file while VACUUM INTO writes it.
const tempPattern = ".tmp-backup-*.db"

// tempBackup is a backup's temporary file, created 0600 (it holds every
// guest's name) and held locked for as long as the backup runs, so that
// RemoveStaleTemps in another process leaves it alone.
type tempBackup struct {
	path string
	f    *os.File
}

// createTemp creates an empty temporary file in dir (VACUUM INTO accepts an
// empty file, and keeps its mode) and locks it. Between the create and the
// lock, another process's RemoveStaleTemps could take it for stale and
// remove it; the check after locking notices, and it tries a new name.
func createTemp(dir string) (*tempBackup, error) {
	for range 3 {
		path := filepath.Join(dir, fmt.Sprintf(".tmp-backup-%d-%d.db", time.Now().UnixNano(), os.Getpid()))
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
		if err != nil {
			return nil, err
		}
		if err := lockTemp(f, true); err != nil {
			f.Close()
			return nil, err
		}
		if still, err := os.Stat(path); err == nil {
			if mine, err := f.Stat(); err == nil && os.SameFile(still, mine) {
				return &tempBackup{path: path, f: f}, nil
			}
		}
		f.Close()
	}
	return nil, errors.New("temporary backup file: removed under us three times")
}

// release removes the file (if the backup did not rename it) before it lets
// go of the lock, so no other process ever sees it unlocked.
func (t *tempBackup) release() {
	os.Remove(t.path)
	t.f.Close() // closing drops the lock
}

// RemoveStaleTemps removes the temporary files of backups that were killed
// part-way: each that no running backup holds locked, with the -journal
// VACUUM INTO keeps beside it, and any such journal whose file is gone. A
// backup running in another process holds its lock until it ends, so its
// files stay.
func RemoveStaleTemps(dir string) error {
	paths, err := filepath.Glob(filepath.Join(dir, tempPattern+"*"))
	if err != nil {
		return err
	}
	var errs []error
	for _, p := range paths {
		main, sidecar := strings.CutSuffix(p, "-journal")
		if !sidecar && !strings.HasSuffix(p, ".db") {
			continue
		}
		stale, err := tempIsStale(main)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if stale {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// tempIsStale reports whether no running backup holds the temporary file at
// path: it is gone (its journal outlived it), or nobody has it locked.
func tempIsStale(path string) (bool, error) {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	defer f.Close()
	return lockTemp(f, false) == nil, nil
}
