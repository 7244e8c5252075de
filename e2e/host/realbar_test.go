package host_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/e2etest"
)

// TestARealBarNight is issue 14's proof, as the night goes in a bar: the
// host, on a phone, writes in Wanda, a regular without a phone; turns
// approval on, approves Ann's song and passes on Bob's (each page follows
// live), then approves Bob's next one; starts Wanda's turn, skips Ann by
// mistake and undoes it, and the queue is back exactly as it was on the
// dashboard, the TV and Bob's page; sets closing a few minutes away (and
// approval off), so Ann's next song is refused with the closing time; and
// downloads the night's CSV, which reads back with Wanda's turn. No guest
// page or TV reloads.
func TestARealBarNight(t *testing.T) {
	s := e2etest.StartServer(t)
	// Chromium logs every 4xx answer; the refused request is a 422 by design.
	b := e2etest.StartBrowser(t, func(e string) bool { return strings.Contains(e, "status of 422") && strings.Contains(e, "/requests") })
	p := e2etest.StartParty(t, s, b, "Friday at the Crown")
	e2etest.HostOnPhone(t, p.Laptop)
	host := p.Laptop
	for _, ctx := range []context.Context{p.TV, p.Ann, p.Bob} {
		e2etest.MarkNotReloaded(t, ctx)
	}
	lastLogged := func(what string) {
		t.Helper()
		e2etest.WaitFor(t, host, "the host log starts with "+what,
			fmt.Sprintf(`(document.querySelector('[data-testid="audit-item"] .audit-what') || {}).textContent === %q`, what))
	}

	// A walk-up singer.
	addWalkup(t, host, "Wanda", "Valerie", "Amy Winehouse")
	e2etest.WaitText(t, host, "Wanda in the host's queue", e2etest.HostQueue, "Valerie")
	e2etest.WaitText(t, p.TV, "Wanda on the TV", e2etest.TVQueue, "Valerie")
	lastLogged("Walk-up Wanda's “Valerie” → 1st in line")

	// Approval: one song in, one passed on, each guest's page following.
	approvalOn(t, host)
	requestHeld(t, p.Ann, "Ann", "Dancing Queen")
	requestHeld(t, p.Bob, "Bob", "Africa")
	e2etest.WaitText(t, host, "both songs waiting for the host", `[data-testid="pending-item"] .title`, "Dancing Queen | Africa")
	e2etest.Do(t, host, "the host approves Ann's song",
		chromedp.Click(chromedp.CSS(`[data-testid="pending-item"]:first-child [data-testid="approve"]`)))
	e2etest.WaitText(t, host, "Bob's song left waiting", `[data-testid="pending-item"] .title`, "Africa")
	e2etest.WaitText(t, p.Ann, "Ann told of the approval", `[data-testid="host-did"]`, "The host approved “Dancing Queen”.")
	e2etest.WaitText(t, p.Ann, "Ann's place", `[data-testid="status-position"]`, "2nd in line")
	e2etest.Do(t, host, "the host passes on Bob's song",
		chromedp.Click(chromedp.CSS(`[data-testid="pending-item"]:first-child [data-testid="decline"]`)))
	e2etest.WaitText(t, p.Bob, "Bob told the host passed", `[data-testid="held-declined"]`, "The host passed on “Africa”.")
	lastLogged("Declined Bob's “Africa”: waiting for OK → declined")
	requestHeld(t, p.Bob, "Bob", "Jolene")
	e2etest.Do(t, host, "the host approves Bob's next song",
		chromedp.Click(chromedp.CSS(`[data-testid="pending-item"]:first-child [data-testid="approve"]`)))
	e2etest.WaitText(t, p.Bob, "Bob told of the approval", `[data-testid="host-did"]`, "The host approved “Jolene”.")

	// A skip by mistake, undone: the night is back as it was everywhere.
	e2etest.StartTurn(t, host)
	e2etest.WaitText(t, p.TV, "Wanda on stage on the TV", e2etest.TVNow, "Wanda")
	const queue = "Dancing Queen | Jolene"
	e2etest.WaitText(t, host, "the host's queue", e2etest.HostQueue, queue)
	e2etest.WaitText(t, p.TV, "the TV's queue", e2etest.TVQueue, queue)
	e2etest.WaitText(t, p.Bob, "Bob's queue", e2etest.GuestQueue, queue)
	e2etest.WaitText(t, p.Bob, "Bob's place", `[data-testid="status-position"]`, "2nd in line")
	before := seeNight(t, p)
	skipFirstInLine(t, host, "Ann's Dancing Queen")
	e2etest.WaitText(t, p.TV, "the skip on the TV", e2etest.TVQueue, "Jolene")
	e2etest.WaitText(t, p.Bob, "the skip on Bob's page", e2etest.GuestQueue, "Jolene")
	e2etest.WaitText(t, p.Ann, "Ann told of the skip", `[data-testid="host-did"]`, "The host skipped your song “Dancing Queen”.")
	e2etest.Do(t, host, "the host taps Undo", chromedp.Click(chromedp.CSS(`[data-testid="undo"]`)))
	e2etest.WaitText(t, host, "the queue back on the dashboard", e2etest.HostQueue, queue)
	e2etest.WaitText(t, p.TV, "the queue back on the TV", e2etest.TVQueue, queue)
	e2etest.WaitText(t, p.Bob, "the queue back on Bob's page", e2etest.GuestQueue, queue)
	e2etest.WaitText(t, p.Ann, "Ann told of the undo", `[data-testid="host-did"]`, "The host undid that: your song is back as it was.")
	if got := seeNight(t, p); got != before {
		t.Errorf("after the undo the night reads %+v, want %+v, as before the skip", got, before)
	}
	lastLogged("Undid: Skipped Ann's “Dancing Queen”: 1st in line → skipped")

	// Closing in a few minutes: with Wanda on and two in line, Ann's next
	// song would start after it.
	closing := time.Now().UTC().Add(4 * time.Minute).Format("15:04")
	e2etest.Do(t, host, "the host sets closing at "+closing+" UTC and turns approval off",
		chromedp.Click(chromedp.CSS("#approval")),
		chromedp.SetValue(chromedp.CSS("#time-zone"), "UTC"),
		chromedp.SetValue(chromedp.CSS("#closing"), closing),
		chromedp.Click(chromedp.CSS(`[data-testid="settings-form"] button[type="submit"]`)))
	e2etest.WaitFor(t, host, "the rules saved", `/Saved/.test(document.querySelector('[data-testid="settings-form"]').textContent)`)
	e2etest.WaitText(t, p.Ann, "Ann's last call", `#guest-status [data-testid="last-call"]`, fmt.Sprintf("Last call! Songs must start by %s.", closing))
	e2etest.Do(t, p.Ann, "Ann requests a song that would start after closing",
		chromedp.SendKeys(chromedp.CSS("#title"), "Waterloo"),
		chromedp.Click(chromedp.CSS(`#request-form button[type="submit"]`)))
	e2etest.WaitText(t, p.Ann, "the refusal beside the form", `#request-form [data-testid="form-error"]`,
		fmt.Sprintf("No more songs fit before closing at %s.", closing))
	e2etest.WaitText(t, host, "the host's queue unchanged", e2etest.HostQueue, queue)
	for who, ctx := range map[string]context.Context{"the TV": p.TV, "Ann": p.Ann, "Bob": p.Bob} {
		e2etest.CheckNotReloaded(t, ctx, who)
	}
	if w := e2etest.Eval[int](t, host, `document.documentElement.scrollWidth - window.innerWidth`); w > 0 {
		t.Errorf("the host's phone scrolls %d px sideways", w)
	}

	// The night's CSV: a header, and Wanda's turn (the skip was undone).
	e2etest.Do(t, host, "open the history from the dashboard",
		chromedp.Click(chromedp.CSS(`[data-testid="history"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="history-csv"]`)))
	_, body := downloadCSV(t, host)
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("the downloaded CSV does not parse: %v", err)
	}
	if len(records) != 2 || records[0][2] != "Singer" || records[1][2] != "Wanda" || records[1][3] != "Valerie" || records[1][6] != "no" {
		t.Errorf("the CSV reads %q, want a header and Wanda's Valerie, not skipped", records)
	}
}
