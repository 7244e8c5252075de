package app

import (
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Folders inside DATA_DIR.
const (
	BackupDir = "backups"
	lockFile  = "karaoke.lock"
)

// prepareDataDir creates DATA_DIR and its folders, and proves it writable by
// writing a file there, so a read-only or missing volume stops the app at
// start-up with a clear message rather than at a guest's first request.
func prepareDataDir(dir string) error {
	for _, d := range []string{dir, filepath.Join(dir, QRDir), filepath.Join(dir, BackupDir)} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return fmt.Errorf("DATA_DIR %s cannot be created: %w", dir, err)
		}
	}
	f, err := os.CreateTemp(dir, ".write-test-*")
	if err != nil {
		return fmt.Errorf("DATA_DIR %s is not writable: %w", dir, err)
	}
	name := f.Name()
	_, werr := f.WriteString("karaoke")
	serr := f.Sync()
	f.Close()
	os.Remove(name)
	if werr != nil || serr != nil {
		return fmt.Errorf("DATA_DIR %s is not writable: %v", dir, cmp.Or(werr, serr))
	}
	return nil
}

// ErrEphemeral is the answer when the data would live on the machine's own
// disk, which a restart or a deploy throws away.
type ErrEphemeral struct{ Dir string }

func (e *ErrEphemeral) Error() string {
	return fmt.Sprintf("DATA_DIR %s is not a mounted volume: it is on the same device as /, which Fly.io replaces on every "+
		"restart and deploy, so every session would be lost. Mount the volume there ([mounts] in fly.toml, "+
		"destination = %q), or set ALLOW_EPHEMERAL_DATA=1 to run anyway and lose the data", e.Dir, e.Dir)
}

// checkVolume refuses a data directory that lives on the same device as
// root: on Fly.io that means no volume is mounted there.
func checkVolume(dataDir, root string) error {
	same, err := sameDevice(dataDir, root)
	if err != nil {
		return fmt.Errorf("check that DATA_DIR %s is a volume: %w", dataDir, err)
	}
	if same {
		return &ErrEphemeral{Dir: dataDir}
	}
	return nil
}

// databaseFile returns the path of a file: DATABASE_URL, without its query.
func databaseFile(databaseURL string) string {
	path := strings.TrimPrefix(databaseURL, "file:")
	path, _, _ = strings.Cut(path, "?")
	return path
}

// insideDir reports whether path is inside dir.
func insideDir(path, dir string) bool {
	absPath, err1 := filepath.Abs(path)
	absDir, err2 := filepath.Abs(dir)
	if err1 != nil || err2 != nil {
		return false
	}
	rel, err := filepath.Rel(absDir, absPath)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
