package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestTheNightSpeaksItsLanguage: a night starts in the language of the
// host's browser; the TV speaks the night's language whatever the browser
// showing it reads; the rules change it, and the history export's header
// row follows it.
func TestTheNightSpeaksItsLanguage(t *testing.T) {
	app := newTestApp(t)
	host := app.browser()
	host.header = http.Header{"Accept-Language": {"de-DE,de;q=0.9"}}
	dash, code := host.hostSession("Freitag")
	page := host.get(dash)
	if got := page.doc.Find(`select[name="language"] option[selected]`).AttrOr("value", ""); got != "de" {
		t.Errorf("a night started in German: the rules say %q", got)
	}
	tv := app.browser()
	tv.header = http.Header{"Accept-Language": {"en-US"}}
	screen := tv.get("/d/" + code)
	if got := screen.doc.Find("html").AttrOr("lang", ""); got != "de" {
		t.Errorf("TV: <html lang=%q>, want de", got)
	}
	if got := strings.TrimSpace(screen.doc.Find(".display-now .label").Text()); got != "Jetzt singt" {
		t.Errorf("TV says %q, want Jetzt singt", got)
	}

	var settings postForm
	for _, f := range postForms(page) {
		if strings.HasSuffix(f.action, "/settings") {
			settings = f
		}
	}
	if settings.action == "" {
		t.Fatal("no rules form")
	}
	settings.values.Set("language", "xx")
	if resp := host.do("POST", settings.action, settings.values); resp.status != http.StatusUnprocessableEntity || resp.testid("error-language").Length() != 1 {
		t.Errorf("a language the app lacks: status %d, %d messages beside the field", resp.status, resp.testid("error-language").Length())
	}
	settings.values.Set("language", "es")
	if resp := host.do("POST", settings.action, settings.values); resp.status != http.StatusSeeOther {
		t.Fatalf("rules in Spanish: status %d", resp.status)
	}
	screen = tv.get("/d/" + code)
	if got := strings.TrimSpace(screen.doc.Find(".display-now .label").Text()); got != "Cantando ahora" {
		t.Errorf("TV after the rules say Spanish: %q", got)
	}
	host.header = http.Header{"Accept-Language": {"en"}}
	if got := host.get(dash).doc.Find("html").AttrOr("lang", ""); got != "en" {
		t.Errorf("the host's own page: <html lang=%q>, want the host's en", got)
	}
	csv := host.get(dash + "/history.csv").body
	if first, _, _ := strings.Cut(strings.TrimPrefix(csv, "\ufeff"), "\r\n"); first != "Empezó,Terminó,Cantante,Título,Artista,Duración (segundos),Saltada" {
		t.Errorf("export header %q, want Spanish", first)
	}
}
