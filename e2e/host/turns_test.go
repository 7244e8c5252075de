package host_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/internal/wait"
)

// pressNext is JavaScript that presses Start next and returns the turn the
// press says it ends (the form's hidden field as it was sent).
const pressNext = `(function(){var f=document.querySelector('[data-testid="next-singer"]');var v=f.querySelector('input[name="ends"]').value;f.querySelector('button').click();return v})()`

const (
	dashQueueLength = `document.querySelectorAll('#host-queue [data-testid="queue-item"]').length`
	dashNowSinger   = `(function(){var e=document.querySelector('#host-live [data-testid="now-singing"] .singer');return e?e.textContent.trim():''})()`
	dashFirstSinger = `document.querySelector('#host-queue [data-testid="queue-item"] [data-testid="queue-singer"]').textContent.trim()`
	dashNotices     = `document.querySelectorAll('[data-testid="host-notice"]').length`
)

// TestTwoHostPhonesPressStartNextAtOnce: on a bar night of 40 guests and 60
// songs, two host phones (two browser contexts, one made a host by the host
// link) press Start next at the same moment. Presses that saw the same turn
// advance one singer, the next in line, and the phone that lost says the
// turn had already started; a round in which the second phone had already
// been updated (it saw a newer turn) rightly advances two, so rounds go on
// until one was truly at once.
func TestTwoHostPhonesPressStartNextAtOnce(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	first := b.Person(1366, 900)
	dashURL := e2etest.HostStarts(t, s, first, "Two hosts")
	link := e2etest.Eval[string](t, first, `document.querySelector('[data-testid="host-link"]').value`)
	e2etest.HostOnPhone(t, first)
	second := b.Phone()
	e2etest.Do(t, second, "the second host opens the host link", chromedp.Navigate(link))
	e2etest.SeedBusyNight(t, s, dashURL, 40, 60)
	hosts := []context.Context{first, second}
	for i, h := range hosts {
		e2etest.WaitFor(t, h, fmt.Sprintf("host %d sees the 60 seeded songs", i+1), dashQueueLength+` === 60`)
	}

	atOnce := 0
	for round := 0; round < 5 && atOnce < 2; round++ {
		// Both phones agree on the night before they press.
		var queue int
		wait.Eventually(t, e2etest.Patience, func() bool {
			queue = e2etest.Eval[int](t, first, dashQueueLength)
			return e2etest.Eval[int](t, second, dashQueueLength) == queue &&
				e2etest.Eval[string](t, second, dashNowSinger) == e2etest.Eval[string](t, first, dashNowSinger)
		}, "the two host phones do not show the same night")
		nextUp := e2etest.Eval[string](t, first, dashFirstSinger)
		e2etest.Do(t, first, "clear the notices", chromedp.Evaluate[chromedp.Void](`document.getElementById('host-notice').textContent=''`))
		e2etest.Do(t, second, "clear the notices", chromedp.Evaluate[chromedp.Void](`document.getElementById('host-notice').textContent=''`))

		var (
			wg   sync.WaitGroup
			sent = make([]string, len(hosts))
			errs = make([]error, len(hosts))
		)
		for i, h := range hosts {
			wg.Go(func() { sent[i], errs[i] = chromedp.Run(h, chromedp.Evaluate[string](pressNext)) })
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("round %d: press: %v", round, err)
			}
		}
		if sent[0] != sent[1] {
			// One phone had the first press's update before its own press.
			t.Logf("round %d: the presses ended turns %s and %s, one after the other", round, sent[0], sent[1])
			for _, h := range hosts {
				e2etest.WaitFor(t, h, "two singers advanced", fmt.Sprintf(dashQueueLength+` === %d`, queue-2))
			}
			continue
		}
		atOnce++
		for i, h := range hosts {
			e2etest.WaitFor(t, h, fmt.Sprintf("round %d: host %d shows %s singing", round, i+1, nextUp),
				fmt.Sprintf(`%s === %q && %s === %d`, dashNowSinger, nextUp, dashQueueLength, queue-1))
		}
		wait.Eventually(t, e2etest.Patience, func() bool {
			return e2etest.Eval[int](t, first, dashNotices)+e2etest.Eval[int](t, second, dashNotices) == 1
		}, "round %d: the phone that lost is not told", round)
		notice := e2etest.Eval[string](t, first, e2etest.Texts(`[data-testid="host-notice"]`)) + e2etest.Eval[string](t, second, e2etest.Texts(`[data-testid="host-notice"]`))
		if !strings.Contains(notice, "turn had already started on another device") {
			t.Errorf("round %d: notice %q", round, notice)
		}
		if *e2etest.Screenshots && atOnce == 1 {
			for i, h := range hosts {
				if e2etest.Eval[int](t, h, dashNotices) == 1 {
					browsertest.Screenshot(t, h, fmt.Sprintf("host-phone-%d-pressed-second", i+1))
				}
			}
		}
		// The page settles: no late press advances another singer.
		if got := e2etest.Eval[int](t, first, dashQueueLength); got != queue-1 {
			t.Errorf("round %d: %d waiting, want %d", round, got, queue-1)
		}
	}
	if atOnce == 0 {
		t.Fatal("in 5 rounds the two phones never pressed at once")
	}
}
