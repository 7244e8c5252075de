package main

import (
	"runtime/debug"
	"testing"
)

// TestCollectorTuned: the server collects at serverGOGC unless the
// environment names a GOGC of its own, which the runtime has read already.
func TestCollectorTuned(t *testing.T) {
	was := debug.SetGCPercent(100)
	defer debug.SetGCPercent(was)
	tuneCollector(func(string) string { return "" })
	if got := debug.SetGCPercent(100); got != serverGOGC {
		t.Errorf("GOGC %d with none in the environment, want %d", got, serverGOGC)
	}
	tuneCollector(func(name string) string {
		if name == "GOGC" {
			return "100"
		}
		return ""
	})
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("GOGC %d with GOGC=100 in the environment, want it left at 100", got)
	}
}
