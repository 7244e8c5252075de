package wait_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/internal/wait"
)

// recorder is a testing.TB that records a Fatalf instead of ending the test.
type recorder struct {
	testing.TB
	failed string
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }

func TestEventuallyReturnsOnceTrue(t *testing.T) {
	r := &recorder{TB: t}
	tries := 0
	start := time.Now()
	wait.Eventually(r, 5*time.Second, func() bool { tries++; return tries == 3 })
	if r.failed != "" {
		t.Errorf("failed: %s", r.failed)
	}
	if got, want := tries, 3; got != want {
		t.Errorf("cond called %d times, want %d", got, want)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("three tries took %v", took)
	}
}

func TestEventuallyFailsInTime(t *testing.T) {
	for _, tt := range []struct {
		name       string
		msgAndArgs []any
		want       string
	}{
		{"default", nil, "condition not met within 100ms"},
		{"format", []any{"%d streams open, want %d", 2, 1}, "2 streams open, want 1 within 100ms"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			start := time.Now()
			wait.Eventually(r, 100*time.Millisecond, func() bool { return false }, tt.msgAndArgs...)
			took := time.Since(start)
			if r.failed != tt.want {
				t.Errorf("message %q, want %q", r.failed, tt.want)
			}
			if took < 100*time.Millisecond || took > time.Second {
				t.Errorf("gave up after %v, want 100ms", took)
			}
		})
	}
}

// TestEventuallyShowsTheLastState: an argument that is a pointer is
// formatted at the failure, with what cond saw last.
func TestEventuallyShowsTheLastState(t *testing.T) {
	r := &recorder{TB: t}
	var last strings.Builder
	n := 0
	wait.Eventually(r, 50*time.Millisecond, func() bool {
		n++
		last.Reset()
		fmt.Fprintf(&last, "try %d", n)
		return false
	}, "never true, last %s", &last)
	if want := fmt.Sprintf("never true, last try %d within 50ms", n); r.failed != want {
		t.Errorf("message %q, want %q", r.failed, want)
	}
}
