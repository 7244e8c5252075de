package handlers_test

import (
	"net/http"
	"strconv"
	"testing"
)

// TestRowMenuIsAFragmentOrAPage checks a queue row's menu: htmx gets the
// menu alone, a browser without JavaScript a page with it and a way back,
// both with the row's one form; a request no longer waiting is not found,
// and nobody but the host gets it.
func TestRowMenuIsAFragmentOrAPage(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	host.closedRows = true
	dash, code := host.hostSession("Row menus")
	app.guest(code, "Ana", "Valerie")
	href := host.get(dash).doc.Find(`#host-queue [data-testid="row-open"]`).AttrOr("href", "")
	if href == "" {
		t.Fatal("the queue row has no link to its menu")
	}
	page := host.get(href)
	if page.status != http.StatusOK || page.doc.Find("html main [data-testid=row-menu] form.row-actions").Length() != 1 ||
		page.doc.Find(`[data-testid="row-back"]`).Length() != 1 {
		t.Errorf("the menu's page: %d, %d forms", page.status, page.doc.Find("form.row-actions").Length())
	}
	frag := host.asHTMX().get(href)
	if frag.status != http.StatusOK || frag.doc.Find("main").Length() != 0 || frag.doc.Find("[data-testid=row-menu] form.row-actions[hx-post]").Length() != 1 {
		t.Errorf("the menu for htmx: %d, %d main", frag.status, frag.doc.Find("main").Length())
	}
	if got := app.browser().get(href).status; got == http.StatusOK {
		t.Errorf("a stranger got the row's menu")
	}
	if got := host.get(dash + "/requests/999999").status; got != http.StatusNotFound {
		t.Errorf("a missing request's menu answers %d", got)
	}
}

// TestDashboardAtSixtySongsIsLight counts the dashboard's elements with 30
// guests and 60 songs waiting: each row carries its line, not its menu.
func TestDashboardAtSixtySongsIsLight(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	host.closedRows = true
	dash, code := host.hostSession("Sixty songs")
	for i := range 30 {
		app.guest(code, "Singer "+strconv.Itoa(i), "Song A "+strconv.Itoa(i), "Song B "+strconv.Itoa(i))
	}
	doc := host.get(dash).doc
	if got := doc.Find(`#host-queue [data-testid="queue-item"]`).Length(); got != 60 {
		t.Fatalf("%d songs in the queue, want 60", got)
	}
	n := doc.Find("*").Length()
	t.Logf("the dashboard at 60 songs: %d elements", n)
	if n >= 800 {
		t.Errorf("the dashboard at 60 songs is %d elements, want under 800", n)
	}
}
