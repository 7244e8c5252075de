package host_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/browsertest"
	"github.com/karaoke-night/karaoke/internal/e2etest"
)

// tooWide is JavaScript: the first elements whose right edge passes the
// window's, to say what widens a phone's page.
const tooWide = `Array.from(document.querySelectorAll('main *')).filter(function(e){
	return e.getBoundingClientRect().right > window.innerWidth + 1; }).slice(0, 5).map(function(e){
	return e.tagName + '.' + (e.getAttribute('class') || '') + ' ' + Math.round(e.getBoundingClientRect().right); }).join(', ')`

// TestPhoneDashboardWithEveryPart: on a 390×844 phone at 60 songs, with
// every part issue 14 added on the page (the walk-up form, three songs
// waiting for the OK, closing time, the host log and Undo after a skip),
// nothing scrolls sideways, the first screen still shows who sings, Start
// next and at least 8 queue rows, and the keyboard reaches Start next from
// the top of the page and Undo from Start next.
func TestPhoneDashboardWithEveryPart(t *testing.T) {
	s, host, dashURL := busyDashboard(t)
	closing := time.Now().UTC().Add(6 * time.Hour).Format("15:04")
	asOtherDevice(t, s, dashURL, func(ctx context.Context, store *db.Store, sessionID int64) error {
		sess, err := store.Session(ctx, sessionID)
		if err != nil {
			return err
		}
		err = store.SetSettings(ctx, sessionID, db.Settings{SingerCap: sess.SingerCap, Approval: true,
			Closing: db.ClosingRule{Zone: "UTC", Time: closing}})
		if err != nil {
			return err
		}
		for i, name := range []string{"Maximilian-Alexander", "Lee", "Sam"} {
			device, err := store.NewDeviceToken(ctx)
			if err != nil {
				return err
			}
			g, err := store.JoinSession(ctx, sessionID, device, name)
			if err != nil {
				return err
			}
			_, err = store.CreateRequest(ctx, db.NewRequest{SessionID: sessionID, GuestID: g.ID,
				Title: e2etest.BusySongs[i+4].Title, Artist: e2etest.BusySongs[i+4].Artist, AllowDuplicate: true})
			if err != nil {
				return err
			}
		}
		return nil
	})
	e2etest.WaitFor(t, host, "three songs waiting for the OK", `document.querySelectorAll('[data-testid="pending-item"]').length === 3`)
	e2etest.WaitFor(t, host, "the closing line", fmt.Sprintf(`document.querySelector('[data-testid="host-closing"]').textContent.indexOf(%q) >= 0`, closing))
	skipFirstInLine(t, host, "the first song in line")
	e2etest.WaitFor(t, host, "Undo offers the skip", `(document.querySelector('[data-testid="undo"]') || {getAttribute: function(){ return ''; }}).getAttribute('aria-label').indexOf('Undo: Skipped') === 0`)
	e2etest.Eval[chromedp.Void](t, host, `window.scrollTo(0, 0)`)

	if w := e2etest.Eval[int](t, host, `Math.max(window.innerWidth, document.documentElement.scrollWidth)`); w != 390 {
		t.Errorf("the phone dashboard is %d px wide, not 390; too wide: %s", w, e2etest.Eval[string](t, host, tooWide))
	}
	t.Logf("%s", browsertest.Screenshot(t, host, "dashboard-every-part-phone"))
	got := e2etest.Eval[screen](t, host, firstScreen)
	approve := e2etest.Eval[bool](t, host, `(function(){ var r = document.querySelector('[data-testid="pending-item"] [data-testid="approve"]').getBoundingClientRect();
		return r.top >= 0 && r.bottom <= window.innerHeight; })()`)
	if !got.Now || !got.Next || !approve || len(got.Small) > 0 {
		t.Errorf("the first screen shows now singing %v, Start next %v, the first Approve %v; controls under 44 px: %q", got.Now, got.Next, approve, got.Small)
	}
	height := e2etest.Eval[int](t, host, `document.documentElement.scrollHeight`)
	t.Logf("phone dashboard, 58 waiting, 3 held, closing, log and Undo: %d px tall, %d queue rows on the first screen", height, got.Rows)
	e2etest.Do(t, host, "approve all", chromedp.Click(chromedp.CSS(`[data-testid="approve-all"] button`)))
	e2etest.WaitFor(t, host, "nothing waiting for the OK", `document.querySelectorAll('[data-testid="pending-item"]').length === 0`)
	e2etest.Eval[chromedp.Void](t, host, `window.scrollTo(0, 0)`)
	got = e2etest.Eval[screen](t, host, firstScreen)
	if !got.Now || !got.Next || got.Rows < 5 || len(got.Small) > 0 {
		t.Errorf("with nothing held, the first screen shows now singing %v, Start next %v and %d queue rows (want 5 or more); controls under 44 px: %q", got.Now, got.Next, got.Rows, got.Small)
	}
	t.Logf("phone dashboard, 61 waiting, approval on, closing, log and Undo: %d px tall, %d queue rows on the first screen",
		e2etest.Eval[int](t, host, `document.documentElement.scrollHeight`), got.Rows)
	t.Logf("%s", browsertest.Screenshot(t, host, "dashboard-every-part-answered-phone"))

	// From the top of the page (loaded again, so the keyboard starts there),
	// Tab reaches Start next, then (past Stop) Undo.
	e2etest.Do(t, host, "load the dashboard again", chromedp.Reload())
	active := `(function(){ var e = document.activeElement;
		if (e.closest('[data-testid="next-singer"]')) { return 'next'; }
		return e.getAttribute('data-testid') || e.textContent.trim().slice(0, 20); })()`
	tabs := 0
	for ; tabs < 20 && e2etest.Eval[string](t, host, active) != "next"; tabs++ {
		e2etest.Do(t, host, "press Tab", chromedp.KeyEvent("\t"))
	}
	if got := e2etest.Eval[string](t, host, active); got != "next" {
		t.Fatalf("20 tabs from the top reach %q, not Start next", got)
	}
	e2etest.Do(t, host, "tab from Start next to Undo", chromedp.KeyEvent("\t"), chromedp.KeyEvent("\t"))
	if got := e2etest.Eval[string](t, host, active); got != "undo" {
		t.Errorf("two tabs from Start next reach %q, want Undo", got)
	}
	t.Logf("Start next is %d tabs from the top of the page, Undo 2 more", tabs)
	if w := e2etest.Eval[int](t, host, `Math.max(window.innerWidth, document.documentElement.scrollWidth)`); w != 390 {
		t.Errorf("tabbing widened the phone dashboard to %d px", w)
	}
}
