package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/static"
)

// TestDisplayKeepsItselfCurrentWithoutHTMX: the TV page carries, beside
// its stream, a refresh only a browser without JavaScript follows and the
// poll static/tv.js makes where htmx cannot run; the version it polls
// moves when a guest requests a song.
func TestDisplayKeepsItselfCurrentWithoutHTMX(t *testing.T) {
	a := newTestApp(t)
	_, _, code := a.hostNight()
	tv := a.browser()
	page := tv.get("/d/" + code)
	if page.status != http.StatusOK || page.doc.Find("main[sse-connect]").Length() != 1 {
		t.Fatalf("the display: status %d, or no stream", page.status)
	}
	// The parser, like a browser with scripts on, reads noscript as text.
	if got := page.doc.Find(`head noscript`).Text(); !strings.Contains(got, `http-equiv="refresh" content="10"`) {
		t.Errorf("the display's noscript = %q, want a 10 s refresh", got)
	}
	if page.doc.Find(`head script[src="`+static.Path("tv.js")+`"]`).Length() != 1 {
		t.Error("the display does not load tv.js")
	}
	url, _ := page.doc.Find("body").Attr("data-poll")
	version, _ := page.doc.Find("body").Attr("data-poll-version")
	before := tv.get(url)
	if before.status != http.StatusOK || before.body != "d "+version || before.header.Get("Cache-Control") != "no-store" {
		t.Errorf("GET %s = %d %q, want 200 \"d %s\", not cached", url, before.status, before.body, version)
	}
	a.guest(code, "Ann", "Jolene")
	if after := tv.get(url); after.body == before.body {
		t.Errorf("the version stays %q after a request", after.body)
	}
	// Other pages have neither.
	if home := tv.get("/"); home.doc.Find("head noscript").Length() != 0 || home.doc.Find("body[data-poll]").Length() != 0 {
		t.Error("the home page refreshes or polls")
	}
}
