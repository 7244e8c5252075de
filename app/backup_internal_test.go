package app

import (
	"testing"
	"time"
)

// TestBackupDueIgnoresAFutureStamp: a backup whose name says next year (the
// clock was ahead when it was taken) once stopped the daily backup until
// the clock caught up.
func TestBackupDueIgnoresAFutureStamp(t *testing.T) {
	started := time.Date(2026, 11, 26, 20, 0, 0, 0, time.UTC)
	nextYear := started.AddDate(1, 0, 0)
	for _, tt := range []struct {
		name         string
		now          time.Time
		made, latest time.Time
		want         bool
	}{
		{"no backup, just started", started.Add(time.Hour), time.Time{}, time.Time{}, false},
		{"no backup, a day after the start", started.Add(backupEvery), time.Time{}, time.Time{}, true},
		{"newest a week old", started.Add(time.Hour), time.Time{}, started.AddDate(0, 0, -7), true},
		{"newest an hour old", started.Add(time.Hour), time.Time{}, started, false},
		{"newest stamped next year, a day after the start", started.Add(backupEvery), time.Time{}, nextYear, true},
		{"newest stamped next year, an hour after the start", started.Add(time.Hour), time.Time{}, nextYear, false},
		{"stamped next year, made by us a day ago", started.Add(3 * backupEvery), started.Add(2 * backupEvery), nextYear, true},
		{"made by us an hour ago", started.Add(2*backupEvery + time.Hour), started.Add(2 * backupEvery), started.Add(2 * backupEvery), false},
	} {
		if got := backupDue(tt.now, started, tt.made, tt.latest); got != tt.want {
			t.Errorf("%s: due = %v, want %v", tt.name, got, tt.want)
		}
	}
}
