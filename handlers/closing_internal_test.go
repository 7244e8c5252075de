package handlers

import (
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// TestClosingByTheClock: what the pages show as closing nears, when the
// live frame must look again, and which waiting songs the host sees marked.
func TestClosingByTheClock(t *testing.T) {
	closing := time.Date(2026, 12, 5, 1, 30, 0, 0, time.UTC)
	n := queueNight(t, 1, 2, 3)
	n.Session = db.Session{ID: 7, TimeZone: "UTC", ClosingAt: closing}
	n.TurnLength, n.Changeover = 4*time.Minute, time.Minute
	tests := []struct {
		name string
		now  time.Time
		want views.Closing
		next time.Time
		late []bool // which queue rows are marked after closing
	}{
		{"an hour before", closing.Add(-time.Hour), views.Closing{Clock: "01:30"}, closing.Add(-30 * time.Minute), []bool{false, false, false}},
		{"last call starts", closing.Add(-30 * time.Minute), views.Closing{Clock: "01:30", LastCall: true}, closing.Add(time.Millisecond), []bool{false, false, false}},
		{"7 minutes before", closing.Add(-7 * time.Minute), views.Closing{Clock: "01:30", LastCall: true, AfterClosing: 1}, closing.Add(time.Millisecond), []bool{false, false, true}},
		{"closing itself", closing, views.Closing{Clock: "01:30", LastCall: true, AfterClosing: 2}, closing.Add(time.Millisecond), []bool{false, true, true}},
		{"after", closing.Add(time.Second), views.Closing{Clock: "01:30", Passed: true, AfterClosing: 3}, time.Time{}, []bool{true, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := views.DashboardLive{Queue: make([]views.HostQueueItem, len(n.Queue()))}
			markClosing(lang.Shipped().Lang(lang.Default), &l, n, tt.now)
			if l.Closing != tt.want {
				t.Errorf("closing = %+v, want %+v", l.Closing, tt.want)
			}
			if got := nextClosingChange(n, tt.now); !got.Equal(tt.next) {
				t.Errorf("next change = %v, want %v", got, tt.next)
			}
			for i, want := range tt.late {
				if got := l.Queue[i].AfterClosing; got != want {
					t.Errorf("row %d after closing = %v, want %v", i, got, want)
				}
			}
			if len(l.Extend) != 2 {
				t.Errorf("%d extend buttons, want 2", len(l.Extend))
			}
		})
	}
}

// TestLiveFrameKnowsItsClock: the live frame tells the broker when the
// night's look next changes by the clock, and whether it already has.
func TestLiveFrameKnowsItsClock(t *testing.T) {
	closing := time.Date(2026, 12, 5, 1, 30, 0, 0, time.UTC)
	open := db.Night{Session: db.Session{ClosingAt: closing}}
	ended := db.Night{Session: db.Session{ClosingAt: closing, EndedAt: closing.Add(-time.Hour)}}
	tests := []struct {
		name    string
		night   db.Night
		now     time.Time
		next    time.Time
		changed bool
	}{
		{"no closing time", db.Night{}, closing, time.Time{}, false},
		{"before last call", open, closing.Add(-time.Hour), closing.Add(-db.LastCallWindow), false},
		{"in last call", open, closing.Add(-10 * time.Minute), closing.Add(time.Millisecond), true},
		{"closed", open, closing.Add(time.Minute), time.Time{}, true},
		{"ended", ended, closing.Add(-time.Hour), time.Time{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &liveFrame{night: tt.night, now: tt.now}
			next, changed := f.ClockChange()
			if !next.Equal(tt.next) || changed != tt.changed {
				t.Errorf("ClockChange() = %v, %v; want %v, %v", next, changed, tt.next, tt.changed)
			}
		})
	}
}
