//go:build !linux

package app

// releaseStartupCode does nothing where the kernel's mappings cannot be
// read from /proc/self/maps.
func releaseStartupCode() error { return nil }
