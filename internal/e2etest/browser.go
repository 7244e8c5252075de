package e2etest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/browsertest"
)

// StartBrowser starts Chromium and, at the end of the test, fails it if any
// page logged a console error or a CSP violation, except those allowed.
func StartBrowser(t *testing.T, allowed ...func(string) bool) *browsertest.Browser {
	t.Helper()
	b := browsertest.Start(t)
	t.Cleanup(func() {
		var bad []string
	next:
		for _, e := range b.ConsoleErrors() {
			for _, ok := range allowed {
				if ok(e) {
					continue next
				}
			}
			bad = append(bad, e)
		}
		if len(bad) > 0 {
			t.Errorf("pages logged %d console errors or CSP violations:\n%s", len(bad), strings.Join(bad, "\n"))
		}
	})
	return b
}

// Texts is JavaScript for the trimmed texts of the elements sel matches,
// joined by " | ".
func Texts(sel string) string {
	return fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map(function(e){return e.textContent.replace(/\s+/g,' ').trim()}).join(' | ')`, sel)
}

// Do runs actions in the tab ctx within Patience, failing the test with
// what it was doing.
func Do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	browsertest.Do(t, ctx, Patience, what, actions...)
}

// WaitFor waits up to Patience until the JavaScript expr is true in ctx.
func WaitFor(t *testing.T, ctx context.Context, what, expr string) {
	t.Helper()
	browsertest.WaitFor(t, ctx, Patience, what, expr)
}

// WaitText waits until the texts of sel read want.
func WaitText(t *testing.T, ctx context.Context, what, sel, want string) {
	t.Helper()
	WaitFor(t, ctx, what, fmt.Sprintf(`%s === %q`, Texts(sel), want))
}

// Eval returns the value of the JavaScript expr in ctx.
func Eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	return browsertest.Eval[T](t, ctx, expr)
}

// MarkNotReloaded puts a mark in the page's memory that a reload would wipe.
func MarkNotReloaded(t *testing.T, ctx context.Context) {
	t.Helper()
	Eval[chromedp.Void](t, ctx, `window.karaokeNotReloaded = true`)
}

// CheckNotReloaded fails the test if who's page lost MarkNotReloaded's mark.
func CheckNotReloaded(t *testing.T, ctx context.Context, who string) {
	t.Helper()
	if !Eval[bool](t, ctx, `window.karaokeNotReloaded === true`) {
		t.Errorf("%s's page was reloaded; it should have been updated in place", who)
	}
}
