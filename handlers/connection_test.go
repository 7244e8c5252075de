package handlers_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/static"
	"github.com/karaoke-night/karaoke/views"
)

// TestLivePagesCarryTheConnectionNotice: the guest's page, the host's
// dashboard and the TV each carry the connection notice that
// /static/connection.js shows when the page loses the server: a status
// region, hidden until then, whose TV form is a short mark.
func TestLivePagesCarryTheConnectionNotice(t *testing.T) {
	a := newTestApp(t)
	host, dash, code := a.hostNight()
	ann := a.guest(code, "Ann")
	pages := []struct {
		name, want string
		resp       response
	}{
		{"guest", "Connection lost — trying again…", ann.get("/j/" + code)},
		{"dashboard", "Connection lost — trying again…", host.get(dash)},
		{"TV", "Reconnecting…", host.get("/d/" + code)},
	}
	for _, p := range pages {
		t.Run(p.name, func(t *testing.T) {
			if p.resp.status != http.StatusOK {
				t.Fatalf("status %d", p.resp.status)
			}
			bar := p.resp.doc.Find(`#connection[role="status"]`)
			if bar.Length() != 1 {
				t.Fatal("no #connection status region")
			}
			offline := bar.Find(`[data-testid="offline"]`)
			if _, hidden := offline.Attr("hidden"); !hidden || strings.TrimSpace(offline.Text()) != p.want {
				t.Errorf("offline line %q (hidden %v), want %q hidden until needed", offline.Text(), hidden, p.want)
			}
			if p.resp.doc.Find(`script[src="`+static.Path("connection.js")+`"]`).Length() != 1 {
				t.Error("the page does not load /static/connection.js")
			}
		})
	}
}

// TestConnectionScriptsNameTheServersNames: the scripts that tell a page
// it lost the server and send a form again name the form header, the
// one-time key's field and the liveness route as the Go code does.
func TestConnectionScriptsNameTheServersNames(t *testing.T) {
	b := newTestApp(t).browser()
	forms, conn := b.get(static.Path("forms.js")), b.get(static.Path("connection.js"))
	for _, c := range []struct {
		name string
		body string
		want string
	}{
		{"forms.js", forms.body, `input[name="` + views.RetapField + `"]`},
		{"connection.js", conn.body, strconv.Quote(handlers.FormHeader)},
		{"connection.js", conn.body, `"/livez"`},
	} {
		if !strings.Contains(c.body, c.want) {
			t.Errorf("/static/%s does not name %s", c.name, c.want)
		}
	}
	if b.get("/livez").status != http.StatusOK {
		t.Error("/livez, which connection.js asks, does not answer 200")
	}
}
