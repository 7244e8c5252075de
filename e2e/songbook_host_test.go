package e2e_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/npmtest"
)

// The host, on a phone, chooses a song list and sees its size and what the
// import found; a photo chosen by mistake is refused beside the field, and
// the songbook stays. axe-core finds nothing on the section either way.
func TestHostImportsASongbook(t *testing.T) {
	axeJS, err := os.ReadFile(filepath.Join(npmtest.Install(t, "axe-core", axeVersion), "axe.min.js"))
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
	s := startServer(t)
	// Chromium logs every 4xx answer; the refused photo's 422 is by design.
	b := startBrowser(t, func(e string) bool {
		return strings.Contains(e, "status of 422") && strings.Contains(e, "/songbook")
	})
	host := b.Person(1366, 900)
	hostCreates(t, s, host, "Songbook night")
	hostOnPhone(t, host)
	do(t, host, "open the Songs section from the menu",
		chromedp.Click(chromedp.CSS(`[data-testid="dash-nav"] a[href="#songs"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-testid="songbook-none"]`)))

	markNotReloaded(t, host)
	do(t, host, "choose the song list and import it",
		chromedp.SetUploadFiles(chromedp.CSS(`#songbook-file`), []string{list}),
		chromedp.Click(chromedp.CSS(`[data-testid="songbook-import"] button[type="submit"]`)))
	waitText(t, host, "the songbook's size", `[data-testid="songbook-count"]`, "3 songs")
	waitText(t, host, "the import's report", `[data-testid="songbook-report"]`, "Imported 3 songs; 1 line skipped: line 5 (no title).")
	checkNotReloaded(t, host, "the host")
	axeCheck(t, host, string(axeJS), "dashboard with a songbook")

	do(t, host, "choose a photo by mistake",
		chromedp.SetUploadFiles(chromedp.CSS(`#songbook-file`), []string{photo}),
		chromedp.Click(chromedp.CSS(`[data-testid="songbook-import"] button[type="submit"]`)))
	waitFor(t, host, "the message beside the file field", `(function(){var e=document.querySelector('[data-testid="error-file"]');return !!e && /not a song list/.test(e.textContent)})()`)
	waitText(t, host, "the songbook as it was", `[data-testid="songbook-count"]`, "3 songs")
	if got := eval[string](t, host, `document.querySelector('#songbook-file').getAttribute('aria-invalid')`); got != "true" {
		t.Errorf("file field aria-invalid = %q, want true", got)
	}
	axeCheck(t, host, string(axeJS), "dashboard with a refused file")

	// Every control of the section is a thumb's size.
	small := eval[string](t, host, `Array.from(document.querySelectorAll('#songs button, #songs summary, #songs input:not([type=hidden])')).filter(function(e){
		return e.getBoundingClientRect().height < 44}).map(function(e){return e.outerHTML.slice(0,60)}).join(' | ')`)
	if small != "" {
		t.Errorf("controls under 44 px tall: %s", small)
	}
}
