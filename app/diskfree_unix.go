//go:build unix

package app

import "syscall"

// diskFree returns the bytes an unprivileged process can still write on the
// file system holding dir: what /healthz compares with MIN_FREE_DISK_MB.
func diskFree(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return uint64(st.Bavail) * uint64(st.Bsize), nil
}
