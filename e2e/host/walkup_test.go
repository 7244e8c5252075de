package host_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/internal/npmtest"
)

// TestWalkupAndApproval: the host, on a phone, adds a walk-up singer, who
// shows in the host's queue (added by the host) and on the TV like anyone;
// then turns approval on, approves Ann's request and declines Bob's, and
// each guest's page follows live, without a reload.
func TestWalkupAndApproval(t *testing.T) {
	axeJS, err := os.ReadFile(filepath.Join(npmtest.Install(t, "axe-core", e2etest.AxeVersion), "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	host := b.Person(1366, 900)
	_, joinURL := e2etest.HostCreates(t, s, host, "Walk-up night")
	e2etest.HostOnPhone(t, host)
	tv := e2etest.OpenTV(t, b, joinURL)
	ann, bob := b.Phone(), b.Phone()
	e2etest.GuestJoins(t, ann, joinURL, "Ann")
	e2etest.GuestJoins(t, bob, joinURL, "Bob")
	for _, ctx := range []context.Context{host, tv, ann, bob} {
		e2etest.MarkNotReloaded(t, ctx)
	}

	addWalkup(t, host, "Wanda", "Valerie", "Amy Winehouse")
	e2etest.WaitText(t, host, "Wanda in the host's queue", e2etest.HostQueue, "Valerie")
	e2etest.Do(t, host, "open Wanda's row", chromedp.Click(chromedp.CSS(`#host-queue > li > details > summary`)))
	e2etest.WaitText(t, host, "Wanda marked as added by the host", `#host-queue [data-testid="added-by-host"]`, "added by the host")
	e2etest.Do(t, host, "close Wanda's row", chromedp.Click(chromedp.CSS(`#host-queue > li > details > summary`)))
	e2etest.WaitText(t, host, "Wanda in tonight's walk-ups", `#walkup-pick option:not([value=""])`, "Wanda (1 waiting)")
	e2etest.WaitText(t, tv, "Wanda on the TV", e2etest.TVQueue, "Valerie")
	e2etest.WaitFor(t, tv, "Wanda's name on the TV", `document.querySelector('#display-next').textContent.includes('Wanda')`)

	approvalOn(t, host)
	requestHeld(t, ann, "Ann", "Dancing Queen")
	requestHeld(t, bob, "Bob", "Africa")
	e2etest.WaitText(t, host, "both requests waiting for the host", `[data-testid="pending-item"] .title`, "Dancing Queen | Africa")
	e2etest.AxeCheck(t, host, string(axeJS), "the dashboard with requests waiting and a walk-up")
	e2etest.AxeCheck(t, ann, string(axeJS), "a guest page with a song waiting for the OK")
	if got := e2etest.Eval[string](t, host, e2etest.Texts(e2etest.HostQueue)); got != "Valerie" {
		t.Errorf("the host's queue = %q, want the held songs out of it", got)
	}

	e2etest.Do(t, host, "the host approves Ann's song",
		chromedp.Click(chromedp.CSS(`[data-testid="pending-item"]:first-child [data-testid="approve"]`)))
	e2etest.WaitText(t, host, "Bob's song left waiting", `[data-testid="pending-item"] .title`, "Africa")
	e2etest.Do(t, host, "the host declines Bob's song",
		chromedp.Click(chromedp.CSS(`[data-testid="pending-item"]:first-child [data-testid="decline"]`)))
	e2etest.WaitText(t, host, "nothing left waiting", `[data-testid="pending-item"]`, "")

	const order = "Valerie | Dancing Queen"
	e2etest.WaitText(t, host, "the host's queue after the approval", e2etest.HostQueue, order)
	e2etest.WaitText(t, tv, "the TV's queue after the approval", e2etest.TVQueue, order)
	e2etest.WaitText(t, ann, "Ann's song in the queue", e2etest.MyRequests, "Dancing Queen")
	e2etest.WaitText(t, ann, "Ann's song no longer held", `[data-testid="held-pending"]`, "")
	e2etest.WaitText(t, ann, "Ann's place", `[data-testid="status-position"]`, "2nd in line")
	e2etest.WaitText(t, bob, "Bob told the host passed", `[data-testid="held-declined"]`, "The host passed on “Africa”.")
	e2etest.WaitText(t, bob, "Bob's view of the queue", e2etest.GuestQueue, order)
	e2etest.AxeCheck(t, bob, string(axeJS), "a guest page with a song the host passed on")
	for who, ctx := range map[string]context.Context{"the host": host, "the TV": tv, "Ann": ann, "Bob": bob} {
		e2etest.CheckNotReloaded(t, ctx, who)
	}
	if w := e2etest.Eval[int](t, host, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
		t.Errorf("the host's phone scrolls %d px sideways", w)
	}
}

// addWalkup has the host add a song for a walk-up singer by name, from the
// dashboard's walk-up form.
func addWalkup(t *testing.T, host context.Context, name, title, artist string) {
	t.Helper()
	e2etest.Do(t, host, "the host adds "+name+", a walk-up singer",
		chromedp.SendKeys(chromedp.CSS("#walkup-name"), name),
		chromedp.SendKeys(chromedp.CSS("#walkup-title"), title),
		chromedp.SendKeys(chromedp.CSS("#walkup-artist"), artist),
		chromedp.Click(chromedp.CSS(`#walkup button[type="submit"]`)))
	e2etest.WaitText(t, host, "the walk-up form's confirmation", `[data-testid="walkup-added"]`, "Added “"+title+"” for "+name+".")
}

// approvalOn has the host turn approval mode on in the rules.
func approvalOn(t *testing.T, host context.Context) {
	t.Helper()
	e2etest.Do(t, host, "the host turns approval on",
		chromedp.Click(chromedp.CSS("#approval")),
		chromedp.Click(chromedp.CSS(`#settings-form button[type="submit"]`)))
	e2etest.WaitFor(t, host, "the settings saved", `document.querySelector('#settings-form').textContent.includes('Saved.')`)
	e2etest.WaitFor(t, host, "the empty list of requests waiting", `!document.querySelector('#pending').hidden`)
}

// requestHeld has a guest request a song while approval is on, and waits
// for their page to say it waits for the host's OK.
func requestHeld(t *testing.T, phone context.Context, who, title string) {
	t.Helper()
	e2etest.Do(t, phone, who+" requests "+title,
		chromedp.SendKeys(chromedp.CSS("#title"), title),
		chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)))
	e2etest.WaitText(t, phone, who+"'s song waiting for the OK", `[data-testid="held-pending"] .title`, title)
	e2etest.WaitFor(t, phone, who+" told it waits for the host", `document.querySelector('[data-testid="status-held"]') !== null`)
}
