package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestGuestAnswerCarriesTheTitle: the htmx answer to a guest's request sets
// the page title the page itself would now show ("You're up next! · …"),
// since the stream's event that also carries it arrives while htmx sets up
// the swapped parts and is missed.
func TestGuestAnswerCarriesTheTitle(t *testing.T) {
	app := newTestApp(t)
	_, _, code := app.hostNight()
	ann := app.htmxBrowser()
	ann.join(code, "Ann")
	resp := ann.request(code, "Jolene", "Dolly Parton")
	if resp.status != http.StatusOK || resp.isPage() {
		t.Fatalf("htmx request: status %d, whole page %v", resp.status, resp.isPage())
	}
	got := strings.TrimSpace(resp.doc.Find("title").First().Text())
	ann.htmx = false
	want := strings.TrimSpace(ann.get("/j/" + code).doc.Find("head title").Text())
	if !strings.HasPrefix(want, "You're up next!") {
		t.Fatalf("the page's title reads %q, want Ann up next", want)
	}
	if got != want {
		t.Errorf("the answer's title reads %q, want the page's %q", got, want)
	}
}
