package handlers

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// The server's default, as app.DefaultLimitCodeFailures gives it.
var defaultCodeRate = Rate{Requests: 40, Window: time.Hour}

// fakeClock is a guard's clock that a test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time { return c.t }

// guessFor has one address guess wrong codes for d as fast as the guard
// lets it, waiting exactly as long as it is told each time, and returns
// how many codes it got looked up.
func guessFor(g *codeGuard, clock *fakeClock, addr string, d time.Duration) int {
	tries := 0
	for end := clock.t.Add(d); clock.t.Before(end); {
		if wait := g.begin(context.Background(), addr); wait > 0 {
			clock.t = clock.t.Add(wait)
			continue
		}
		g.end(addr, true)
		tries++
	}
	return tries
}

// TestAnHourOfGuessingCodes: how many codes one address can try, at best,
// in its first hour and in each hour after. Before the limit: about 28
// million an hour (7,750 a second), the whole space 31^4 in two minutes.
func TestAnHourOfGuessingCodes(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	g := newCodeGuard(defaultCodeRate, clock.now)
	first := guessFor(g, clock, "a", time.Hour)
	later := guessFor(g, clock, "a", time.Hour)
	t.Logf("one address tries %d codes in its first hour, %d in the next", first, later)
	if first > 100 || later > 45 {
		t.Errorf("one address tried %d codes in the first hour and %d in the next; want at most 100 and 45", first, later)
	}
	// At that pace, walking the 31^4 codes takes one address years.
	if hours := 923521 / later; hours < 10000 {
		t.Errorf("the whole space in %d hours", hours)
	}
}

// TestWrongCodesAreForgiven: past the allowance an address waits, and
// longer each time; left alone long enough (one forgiveness interval for
// each wrong code), it has its whole allowance back.
func TestWrongCodesAreForgiven(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	g := newCodeGuard(defaultCodeRate, clock.now)
	for range 40 {
		if wait := g.begin(context.Background(), "a"); wait > 0 {
			t.Fatalf("refused within the allowance: wait %v", wait)
		}
		g.end("a", true)
	}
	var waits []time.Duration
	for range 4 {
		if wait := g.begin(context.Background(), "a"); wait > 0 {
			t.Fatalf("refused with no wait running: %v", wait)
		}
		g.end("a", true)
		wait := g.begin(context.Background(), "a")
		waits = append(waits, wait)
		clock.t = clock.t.Add(wait)
	}
	if fmt.Sprint(waits) != "[1s 2s 4s 8s]" {
		t.Errorf("waits past the allowance = %v, want each double the last", waits)
	}
	clock.t = clock.t.Add(2 * defaultCodeRate.Window)
	if got := guessFor(g, clock, "a", time.Second); got != 41 {
		t.Errorf("after two hours' rest, %d codes at once, want the allowance of 40 and one more", got)
	}
	if wait := g.begin(context.Background(), "b"); wait != 0 {
		t.Errorf("another address waits %v", wait)
	}
}

// TestABurstOfGuessesGetsNoFurther: look-ups sent all at once count as
// they start, so 500 at once get no more looked up than 500 in a row.
func TestABurstOfGuessesGetsNoFurther(t *testing.T) {
	g := newCodeGuard(defaultCodeRate, func() time.Time { return time.Unix(1e9, 0) })
	var allowed atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 500 {
		wg.Go(func() {
			<-start
			if g.begin(context.Background(), "a") == 0 {
				allowed.Add(1)
				time.Sleep(time.Millisecond) // the look-up, under way while others start
				g.end("a", true)
			}
		})
	}
	close(start)
	wg.Wait()
	if n := allowed.Load(); n > 41 {
		t.Errorf("%d of 500 look-ups sent at once went ahead, want at most 41", n)
	}
}

// TestCodeGuardMemoryIsBounded: an attacker with 100,000 addresses, one
// wrong code each, leaves the guard no bigger than its bound; right codes
// leave nothing at all.
func TestCodeGuardMemoryIsBounded(t *testing.T) {
	clock := &fakeClock{t: time.Unix(1e9, 0)}
	g := newCodeGuard(defaultCodeRate, clock.now)
	for i := range 200 {
		addr := fmt.Sprintf("right-%d", i)
		g.begin(context.Background(), addr)
		g.end(addr, false)
	}
	if n := len(g.entries); n != 0 {
		t.Errorf("right codes from 200 addresses left %d records", n)
	}
	for i := range 100_000 {
		addr := fmt.Sprintf("10.%d.%d.%d", i>>16, i>>8&255, i&255)
		g.begin(context.Background(), addr)
		g.end(addr, true)
	}
	if n, l := len(g.entries), g.order.Len(); n > codeGuardAddresses || l != n {
		t.Errorf("after 100,000 addresses: %d records, %d in order; want at most %d", n, l, codeGuardAddresses)
	}
	// The addresses dropped are the oldest: the newest still counts.
	if e := g.entries["10.1.134.159"]; e == nil {
		t.Error("the newest address was dropped")
	}
}

// TestABarLoadingTheRightCodeTogetherIsNotRefused: 100 phones behind one
// address opening the night's page by its code at the same moment are
// queued for a moment, never refused: only wrong codes count.
func TestABarLoadingTheRightCodeTogetherIsNotRefused(t *testing.T) {
	g := newCodeGuard(defaultCodeRate, func() time.Time { return time.Unix(1e9, 0) })
	var refused atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 100 {
		wg.Go(func() {
			<-start
			if g.begin(context.Background(), "bar") > 0 {
				refused.Add(1)
				return
			}
			time.Sleep(time.Millisecond) // the look-up, under way while others start
			g.end("bar", false)
		})
	}
	close(start)
	wg.Wait()
	if n := refused.Load(); n > 0 {
		t.Errorf("%d of 100 right-code look-ups sent at once were refused, want none", n)
	}
}
