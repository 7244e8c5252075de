package handlers_test

import (
	"net/http"
	"slices"
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

// TestFormsAndListsHaveNoEnglishLeft is TestPagesHaveNoEnglishLeft for the
// guest page's other states: at the cap with a standby list, on hold, and
// the request form's answers with a message beside a field.
func TestFormsAndListsHaveNoEnglishLeft(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	if resp := host.post(dash+"/settings", "singer_cap", "1"); resp.status != http.StatusSeeOther {
		t.Fatalf("settings: %d", resp.status)
	}
	ana := app.guest(code, "Ana", "Jolene")
	app.guest(code, "Bob", "Africa")
	for _, title := range []string{"Valerie", "Toxic"} {
		if resp := ana.post("/j/"+code+"/requests", "title", title, "to", "standby"); resp.status != http.StatusSeeOther {
			t.Fatalf("standby %s: status %d", title, resp.status)
		}
	}
	ana.post("/j/" + code + "/hold")
	newcomer := app.browser()
	ours := []string{"Friday", code, "Toxic", "Valerie", "Jolene", "Africa", "Ana", "Bob", "English", "Español", "Deutsch"}
	answers := []struct {
		name string
		send func() response
	}{
		{"page", func() response { return ana.get("/j/" + code) }},
		{"an empty title", func() response { return ana.post("/j/"+code+"/requests", "title", " ", "to", "standby") }},
		{"a title too long", func() response {
			return ana.post("/j/"+code+"/requests", "title", strings.Repeat("x", 400), "to", "standby")
		}},
		{"a song already waiting", func() response { return ana.post("/j/"+code+"/requests", "title", "Africa", "to", "standby") }},
		{"over the cap", func() response { return ana.request(code, "Zombie", "") }},
		{"a name too long", func() response { return newcomer.post("/j/"+code+"/join", "name", strings.Repeat("y", 200)) }},
	}
	for _, tag := range []string{"es", "de"} {
		for _, a := range answers {
			t.Run(tag+"/"+a.name, func(t *testing.T) {
				ana.header = http.Header{"Accept-Language": {"en"}}
				newcomer.header = ana.header
				english := a.send()
				ana.header = http.Header{"Accept-Language": {tag}}
				newcomer.header = ana.header
				other := a.send()
				if english.status != other.status {
					t.Fatalf("status %d in English, %d in %s", english.status, other.status, tag)
				}
				allowed := append([]string{"x", "y", "Zombie"}, ours...)
				if tag == "de" {
					allowed = append(allowed, "Code", "(optional)")
				}
				slices.SortFunc(allowed, func(a, b string) int { return len(b) - len(a) })
				if left := englishLeft(pieces(english), pieces(other), allowed); len(left) > 0 {
					t.Errorf("English left in %s (status %d): %q", tag, other.status, left)
				}
			})
		}
	}
}
