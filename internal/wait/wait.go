// Package wait is the tests' one way to wait for something that happens in
// its own time (a server that starts, a copy that catches up, a stream that
// is dropped): ask again and again until it is so, and fail the test, saying
// what did not happen, if it is not so in time.
package wait

import (
	"fmt"
	"testing"
	"time"
)

// The pause between two tries starts short, so a wait that is over at once
// costs little, and grows to at most maxPause, so a slow condition (one that
// runs a command, say) is not asked in a tight loop.
const (
	firstPause = 5 * time.Millisecond
	maxPause   = 200 * time.Millisecond
)

// Eventually calls cond until it returns true, and fails the test (Fatalf)
// when within has passed and it still returns false. It asks once more at
// the deadline, so a condition that became true during the last pause
// counts.
//
// msgAndArgs, if given, say what was awaited: a format and its arguments,
// formatted when the wait fails, so an argument that is a pointer or a
// fmt.Stringer shows the state cond last saw. Without them the message is
// "condition not met within …".
//
// Eventually must be called from the test's goroutine (it may call
// t.Fatalf), and so may cond.
func Eventually(t testing.TB, within time.Duration, cond func() bool, msgAndArgs ...any) {
	t.Helper()
	deadline := time.Now().Add(within)
	for pause := firstPause; ; pause = min(2*pause, maxPause) {
		if cond() {
			return
		}
		left := time.Until(deadline)
		if left <= 0 {
			break
		}
		time.Sleep(min(pause, left))
	}
	t.Fatalf("%s within %v", message(msgAndArgs), within)
}

func message(msgAndArgs []any) string {
	if len(msgAndArgs) == 0 {
		return "condition not met"
	}
	if format, ok := msgAndArgs[0].(string); ok {
		return fmt.Sprintf(format, msgAndArgs[1:]...)
	}
	return fmt.Sprint(msgAndArgs...)
}
