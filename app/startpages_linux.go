package app

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// releaseStartupCode unmaps the pages of the program's own code and
// read-only data from this process once start-up is over, so that it maps
// again only what it runs from then on.
//
// Start-up runs a little code in nearly every part of the binary (each
// package's init, SQLite's set-up, the migrations' check) and unwinds
// stacks through the function tables. Each first touch of a page the page
// cache holds maps the 64 KB around it (the kernel's fault-around), so
// about 270 such touches leave 86 % of the code and 80 % of the function
// tables mapped: 18–19 MiB of the idle server's RSS, of which the serving
// needs a third (BENCHMARKS.md, "Memory and start"). The pages stay in the
// page cache, clean and shared; the process maps them again on the next
// touch, a minor fault. Only pages the process never writes are released
// (mapped read-only from the executable), so nothing is lost.
func releaseStartupCode() error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	maps, err := os.Open("/proc/self/maps")
	if err != nil {
		return err
	}
	defer maps.Close()
	lines := bufio.NewScanner(maps)
	for lines.Scan() {
		// start-end perms offset dev inode path
		f := strings.Fields(lines.Text())
		if len(f) < 6 || f[5] != exe || strings.Contains(f[1], "w") {
			continue
		}
		from, to, ok := strings.Cut(f[0], "-")
		start, err1 := strconv.ParseUint(from, 16, 64)
		end, err2 := strconv.ParseUint(to, 16, 64)
		if !ok || err1 != nil || err2 != nil {
			continue
		}
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, uintptr(start), uintptr(end-start), syscall.MADV_DONTNEED); errno != 0 {
			return errno
		}
	}
	return lines.Err()
}
