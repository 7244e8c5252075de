package host_test

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/browsertest"
	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/internal/npmtest"
)

// playTurns sings the first songs of the queue as another host device
// would, on a clock of its own that spreads them over the last hours (a
// turn every 9 minutes, ending now), and skips the one after them from the
// queue.
func playTurns(t *testing.T, s *e2etest.Server, dashURL string, turns int) {
	t.Helper()
	asOtherDevice(t, s, dashURL, func(ctx context.Context, store *db.Store, id int64) error {
		at := time.Now().Add(-time.Duration(turns) * 9 * time.Minute)
		store.Now = func() time.Time { return at }
		singing := db.NoTurn
		for range turns {
			r, _, err := store.StartNext(ctx, id, singing)
			if err != nil {
				return err
			}
			singing = r.ID
			at = at.Add(9 * time.Minute)
		}
		night, err := store.Night(ctx, id)
		if err != nil {
			return err
		}
		return store.SkipRequest(ctx, id, night.Queue()[0].ID, db.StatusWaiting)
	})
}

// TestHostReadsTheNightsHistoryOnAPhone: on a phone, the host opens the
// history from the dashboard, sees every turn stacked (nothing scrolls
// sideways) and the chart, and downloads the CSV, which reads back as a row
// a turn; on a laptop, axe-core finds nothing serious on the page.
func TestHostReadsTheNightsHistoryOnAPhone(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	host := b.Person(1366, 900)
	dashURL := e2etest.HostStarts(t, s, host, "Friday at Joe's")
	e2etest.HostOnPhone(t, host)
	e2etest.SeedBusyNight(t, s, dashURL, 20, 30)
	const turns = 24 // started 9 minutes apart over 3 h 27 min: seven half hours or eight
	playTurns(t, s, dashURL, turns)

	e2etest.Do(t, host, "open the history from the dashboard",
		chromedp.Click(chromedp.CSS(`[data-testid="history"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="chart-svg"]`)))
	if got := e2etest.Eval[int](t, host, `document.querySelectorAll('[data-testid="turn"]').length`); got != turns+1 {
		t.Errorf("%d turns listed, want %d (the songs sung and the skip)", got, turns+1)
	}
	if got := e2etest.Eval[string](t, host, e2etest.Texts(`[data-testid="songs-sung"]`)); got != "24" {
		t.Errorf("songs sung reads %q, want 24", got)
	}
	if got := e2etest.Eval[int](t, host, `document.querySelectorAll('[data-testid="chart-bar"]').length`); got < 7 || got > 8 {
		t.Errorf("the chart has %d bars, want 7 or 8 half hours", got)
	}
	// A phone widens its page to fit what does not: then everything shrinks.
	if w := e2etest.Eval[int](t, host, `Math.max(window.innerWidth, document.documentElement.scrollWidth)`); w != 390 {
		t.Errorf("the phone's history page is %d px wide, not 390; too wide: %s", w, e2etest.Eval[string](t, host, `Array.from(document.querySelectorAll('main *')).filter(function(e){
			return e.getBoundingClientRect().right > 391; }).slice(0, 5).map(function(e){ return e.tagName + '.' + (e.getAttribute('class') || '') + ' ' + Math.round(e.getBoundingClientRect().right); }).join(', ')`))
	}
	// Stacked: a turn's song is on a line of its own, below its singer.
	if !e2etest.Eval[bool](t, host, `(function(){ var tr = document.querySelector('[data-testid="turn"]');
		return tr.querySelector('.song').getBoundingClientRect().top >= tr.querySelector('.singer').getBoundingClientRect().bottom - 1; })()`) {
		t.Error("on a phone a turn's song is not below its singer")
	}
	chart := e2etest.Eval[map[string]float64](t, host, `(function(){ var r = document.querySelector('[data-testid="chart-svg"]').getBoundingClientRect();
		return {width: r.width, height: r.height}; })()`)
	if chart["width"] < 300 || chart["width"] > 390 || chart["height"] < 100 {
		t.Errorf("the chart is %v px on a 390 px phone", chart)
	}
	browsertest.Screenshot(t, host, "history-phone")
	e2etest.Do(t, host, "scroll to the chart", chromedp.ScrollIntoView(chromedp.CSS(`[data-testid="history-chart"]`)))
	browsertest.Screenshot(t, host, "history-phone-chart")
	e2etest.Do(t, host, "scroll to the turns", chromedp.ScrollIntoView(chromedp.CSS(`[data-testid="turns"]`)))
	browsertest.Screenshot(t, host, "history-phone-turns")

	name, body := downloadCSV(t, host)
	if !strings.HasPrefix(name, "karaoke-friday-at-joes-") || !strings.HasSuffix(name, ".csv") {
		t.Errorf("the CSV was saved as %q", name)
	}
	records, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("the downloaded CSV does not parse: %v", err)
	}
	if len(records) != turns+2 || records[0][2] != "Singer" || records[1][3] != e2etest.BusySongs[0].Title {
		t.Errorf("the CSV has %d records (want %d) starting %q, %q", len(records), turns+2, records[0], records[1])
	}

	e2etest.Do(t, host, "the laptop", chromedp.EmulateViewport(1366, 900), chromedp.Reload(),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="chart-svg"]`)))
	e2etest.Eval[chromedp.Void](t, host, `window.scrollTo(0, 0)`)
	browsertest.Screenshot(t, host, "history-laptop")
	axeJS, err := os.ReadFile(filepath.Join(npmtest.Install(t, "axe-core", e2etest.AxeVersion), "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	e2etest.AxeCheck(t, host, string(axeJS), "history")
}

// downloadCSV taps the history's CSV link in ctx and returns the name the
// browser was given for the file and what it saved.
func downloadCSV(t *testing.T, ctx context.Context) (name, body string) {
	t.Helper()
	dir := t.TempDir()
	// Cancelling wctx ends both subscriptions: a download that never comes
	// fails the test after patience rather than hanging it.
	wctx, cancel := context.WithTimeout(ctx, e2etest.Patience)
	defer cancel()
	begun := chromedp.BrowserEvents(wctx, browser.DownloadWillBegin)
	progress := chromedp.BrowserEvents(wctx, browser.DownloadProgress)
	e2etest.Do(t, ctx, "allow downloads and tap Download CSV",
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.CallBrowser(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
				Behavior:         browser.SetDownloadBehaviorBehaviorAllowAndName,
				BrowserContextID: chromedp.FromContext(ctx).BrowserContextID,
				DownloadPath:     dir,
				EventsEnabled:    new(true),
			})
			return err
		}),
		chromedp.Click(chromedp.CSS(`[data-testid="history-csv"]`)))
	for ev, err := range begun {
		if err != nil {
			t.Fatalf("waiting for the download to begin: %v", err)
		}
		name = ev.SuggestedFilename
		break
	}
	for ev, err := range progress {
		if err != nil {
			t.Fatalf("waiting for the download to end: %v", err)
		}
		if ev.State == browser.DownloadProgressStateCanceled {
			t.Fatal("the download was cancelled")
		}
		if ev.State != browser.DownloadProgressStateCompleted {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
		if err != nil {
			t.Fatal(err)
		}
		return name, string(b)
	}
	t.Fatal("no download")
	return "", ""
}
