package host_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/e2etest"
	"github.com/karaoke-night/karaoke/internal/npmtest"
)

// The host, on a phone, chooses a song list and sees its size and what the
// import found; a photo chosen by mistake is refused beside the field, and
// the songbook stays. axe-core finds nothing on the section either way.
func TestHostImportsASongbook(t *testing.T) {
	axeJS, err := os.ReadFile(filepath.Join(npmtest.Install(t, "axe-core", e2etest.AxeVersion), "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	list := filepath.Join(dir, "friday.csv")
	photo := filepath.Join(dir, "photo.csv")
	if err := os.WriteFile(list, []byte("Title,Artist\nBohemian Rhapsody,Queen\nHalo,Beyoncé\nWaterloo,ABBA\n,Nobody\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	// A PNG's signature and header: not a song list, whatever its name says.
	if err := os.WriteFile(photo, []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := e2etest.StartServer(t)
	// Chromium logs every 4xx answer; the refused photo's 422 is by design.
	b := e2etest.StartBrowser(t, func(e string) bool {
		return strings.Contains(e, "status of 422") && strings.Contains(e, "/songbook")
	})
	host := b.Person(1366, 900)
	e2etest.HostCreates(t, s, host, "Songbook night")
	e2etest.HostOnPhone(t, host)
	e2etest.Do(t, host, "open the Songs section from the menu",
		chromedp.Click(chromedp.CSS(`[data-testid="dash-nav"] a[href="#songs"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="songbook-none"]`)))

	e2etest.MarkNotReloaded(t, host)
	e2etest.Do(t, host, "choose the song list and import it",
		chromedp.SetUploadFiles(chromedp.CSS(`#songbook-file`), []string{list}),
		chromedp.Click(chromedp.CSS(`[data-testid="songbook-import"] button[type="submit"]`)))
	e2etest.WaitText(t, host, "the songbook's size", `[data-testid="songbook-count"]`, "3 songs")
	e2etest.WaitText(t, host, "the import's report", `[data-testid="songbook-report"]`, "Imported 3 songs; 1 line skipped: line 5 (no title).")
	e2etest.CheckNotReloaded(t, host, "the host")
	e2etest.AxeCheck(t, host, string(axeJS), "dashboard with a songbook")

	e2etest.Do(t, host, "choose a photo by mistake",
		chromedp.SetUploadFiles(chromedp.CSS(`#songbook-file`), []string{photo}),
		chromedp.Click(chromedp.CSS(`[data-testid="songbook-import"] button[type="submit"]`)))
	e2etest.WaitFor(t, host, "the message beside the file field", `(function(){var e=document.querySelector('[data-testid="error-file"]');return !!e && /not a song list/.test(e.textContent)})()`)
	e2etest.WaitText(t, host, "the songbook as it was", `[data-testid="songbook-count"]`, "3 songs")
	if got := e2etest.Eval[string](t, host, `document.querySelector('#songbook-file').getAttribute('aria-invalid')`); got != "true" {
		t.Errorf("file field aria-invalid = %q, want true", got)
	}
	e2etest.AxeCheck(t, host, string(axeJS), "dashboard with a refused file")

	// Every control of the section is a thumb's size.
	small := e2etest.Eval[string](t, host, `Array.from(document.querySelectorAll('#songs button, #songs summary, #songs input:not([type=hidden])')).filter(function(e){
		return e.getBoundingClientRect().height < 44}).map(function(e){return e.outerHTML.slice(0,60)}).join(' | ')`)
	if small != "" {
		t.Errorf("controls under 44 px tall: %s", small)
	}
}
