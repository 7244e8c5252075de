package app

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"
)

// TestReleaseStartupCodeUnmapsTheBinary: after releaseStartupCode, this
// process maps far fewer pages of its own executable than start-up left
// mapped, and it runs on (its pages come back as it touches them).
func TestReleaseStartupCodeUnmapsTheBinary(t *testing.T) {
	before := exeResident(t)
	if err := releaseStartupCode(); err != nil {
		t.Fatal(err)
	}
	after := exeResident(t)
	t.Logf("resident: %d KB before, %d KB after", before, after)
	if after >= before/2 {
		t.Errorf("the executable's resident pages went from %d KB to %d KB, want less than half", before, after)
	}
}

// exeResident is how many KB of this process's executable are mapped in
// memory, from /proc/self/smaps.
func exeResident(t *testing.T) int {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	kb, inExe := 0, false
	for lines := bufio.NewScanner(f); lines.Scan(); {
		fields := strings.Fields(lines.Text())
		switch {
		case len(fields) >= 5 && strings.Contains(fields[0], "-"):
			inExe = len(fields) >= 6 && fields[5] == exe
		case inExe && len(fields) == 3 && fields[0] == "Rss:":
			n, _ := strconv.Atoi(fields[1])
			kb += n
		}
	}
	return kb
}
