package resilience_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/static"
)

// TestLostNightAnswerMakesOneNight: the host's "Start the session" reaches
// the server, which makes the night, but the answer, with the host key, is
// lost on the way back. The form says no answer came; "Try again" sends
// the same form with the same one-time key: the server makes no second
// night and makes this browser the night's host, on its dashboard.
func TestLostNightAnswerMakesOneNight(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t, func(e string) bool {
		return strings.Contains(e, "ERR_CONNECTION_RESET") ||
			(strings.Contains(e, static.Path("htmx.min.js")) && !strings.Contains(e, "Content Security Policy"))
	})
	host := b.Phone()
	e2etest.Do(t, host, "open the home page", chromedp.Navigate(s.Base+"/"))
	lost := loseAnswers(t, host, 1)
	e2etest.Do(t, host, "start a night",
		chromedp.SendKeys(chromedp.CSS("#session-name"), "Lost key night"),
		chromedp.Click(chromedp.CSS(`[data-testid="create-session"] button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#create-session [data-testid="try-again"]`)))
	if got := lost(); got != 1 {
		t.Fatalf("%d answers lost, want 1", got)
	}
	// Chromium keeps the cookies of an answer that CDP fails once it has
	// arrived: clear them, to be the phone whose answer never came at all.
	e2etest.Do(t, host, "lose the answer's cookies", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{})
		return err
	}))
	e2etest.Do(t, host, "try again", chromedp.Click(chromedp.CSS(`#create-session [data-testid="try-again"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="next-singer"]`)))
	raw, err := sql.Open("sqlite", filepath.Join(s.Cfg.DataDir, app.DatabaseFile))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM sessions WHERE name = ?`, "Lost key night").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d nights made, want 1", n)
	}
}
