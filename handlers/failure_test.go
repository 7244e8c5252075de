package handlers_test

import (
	"database/sql"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/static"
	"github.com/karaoke-night/karaoke/views"
)

// newAppWithFile is newTestApp, and the path of its database file.
func newAppWithFile(t *testing.T) (*testApp, string) {
	t.Helper()
	dir := t.TempDir()
	store, routes := newRoutesIn(t, dir, handlers.Config{})
	srv := httptest.NewServer(routes)
	t.Cleanup(srv.Close)
	return &testApp{t: t, server: srv, store: store, routes: routes}, filepath.Join(dir, "karaoke.db")
}

// breakTable makes every write to table fail inside the running store, the
// way a failing disk or a broken database would: another connection to the
// same SQLite file renames the table away. Reads of the other tables still
// work, so the page around a form can still be shown.
func breakTable(t *testing.T, dbPath, table string) {
	t.Helper()
	raw, err := sql.Open("sqlite", dbPath)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`ALTER TABLE ` + table + ` RENAME TO ` + table + `_broken`); err != nil {
		t.Fatal(err)
	}
}

// TestFormsSayTheServerFailed: when the store fails a form's write, the
// guest gets the form again with what they typed and a message that nothing
// was saved, never an unchanged page or a bare error page: htmx a fragment
// marked for swapping, a plain post the whole page.
func TestFormsSayTheServerFailed(t *testing.T) {
	tests := []struct {
		name   string
		table  string // the table whose writes fail
		form   string // the form's data-testid
		field  string // the field whose value must come back
		typed  string
		post   func(b *browser, code string) response
		joined bool // the browser has joined the session first
	}{
		{"request a song", "requests", "request-form", "title", "Dancing Queen",
			func(b *browser, code string) response { return b.request(code, "Dancing Queen", "ABBA") }, true},
		{"join", "guests", "join-form", "name", "Ann",
			func(b *browser, code string) response { return b.post("/j/"+code+"/join", "name", "Ann") }, false},
		{"create a session", "sessions", "create-session", "name", "Saturday",
			func(b *browser, _ string) response { return b.post("/sessions", "name", "Saturday") }, false},
	}
	for _, tt := range tests {
		for _, htmx := range []bool{true, false} {
			name := tt.name + "/plain post"
			if htmx {
				name = tt.name + "/htmx"
			}
			t.Run(name, func(t *testing.T) {
				app, dbPath := newAppWithFile(t)
				_, code := app.browser().hostSession("Friday")
				b := app.browser()
				if tt.joined {
					b.join(code, "Ann")
					b.request(code, "Waterloo", "ABBA") // a confirmation that must not stay
					b.get("/j/" + code)                 // the page as the guest last saw it
				}
				b.htmx = htmx

				breakTable(t, dbPath, tt.table)
				resp := tt.post(b, code)

				if got, want := resp.status, http.StatusInternalServerError; got != want {
					t.Fatalf("status = %d, want %d\n%s", got, want, resp.body)
				}
				if got, want := resp.isPage(), !htmx; got != want {
					t.Errorf("whole page = %v, want %v", got, want)
				}
				if got := resp.header.Get(handlers.FormHeader); htmx && got == "" {
					t.Error("the htmx answer is not marked as the form, so the page would not swap it in")
				}
				if resp.testid(tt.form).Length() != 1 {
					t.Fatalf("the %s form is not in the answer:\n%s", tt.form, resp.body)
				}
				if got, want := strings.TrimSpace(resp.testid("form-error").Text()), views.MessageServerFailed; got != want {
					t.Errorf("form message = %q, want %q", got, want)
				}
				if got, _ := resp.doc.Find(`[name="` + tt.field + `"]`).Attr("value"); got != tt.typed {
					t.Errorf("%s field = %q, want what was typed, %q", tt.field, got, tt.typed)
				}
				if n := resp.testid("request-added").Length(); n != 0 {
					t.Error(`a stale "Added …" confirmation is shown`)
				}
			})
		}
	}
}

// TestWithdrawSaysTheServerFailed: when the store fails a withdrawal, the
// guest's list (what the button swaps) comes back with the message, the song
// still in it: htmx the fragment marked for swapping, a plain post the page.
func TestWithdrawSaysTheServerFailed(t *testing.T) {
	for _, htmx := range []bool{true, false} {
		t.Run(map[bool]string{true: "htmx", false: "plain post"}[htmx], func(t *testing.T) {
			app, dbPath := newAppWithFile(t)
			_, code := app.browser().hostSession("Friday")
			g := app.guest(code, "Ann", "Waterloo")
			action, _ := g.get("/j/" + code).doc.Find(`[data-testid="my-request"] form`).Attr("action")
			g.htmx = htmx

			breakTable(t, dbPath, "requests")
			resp := g.post(action)

			if got, want := resp.status, http.StatusInternalServerError; got != want {
				t.Fatalf("status = %d, want %d", got, want)
			}
			if got, want := resp.isPage(), !htmx; got != want {
				t.Errorf("whole page = %v, want %v", got, want)
			}
			if htmx && resp.header.Get(handlers.FormHeader) == "" {
				t.Error("the htmx answer is not marked for swapping")
			}
			if got, want := strings.TrimSpace(resp.testid("notice").Text()), views.MessageServerFailed; got != want {
				t.Errorf("notice = %q, want %q", got, want)
			}
			if got := strings.TrimSpace(resp.testid("my-request").Find(".title").Text()); got != "Waterloo" {
				t.Errorf("the guest's songs = %q, want Waterloo still there", got)
			}
		})
	}
}

// TestFormScriptReadsTheFormHeader: the page's script swaps a 5xx in only
// when it carries the header the handlers set; the name is written in both
// the Go and the JavaScript, so this keeps them the same.
func TestFormScriptReadsTheFormHeader(t *testing.T) {
	resp := newTestApp(t).browser().get(static.Path("forms.js"))
	if want := strconv.Quote(handlers.FormHeader); resp.status != http.StatusOK || !strings.Contains(resp.body, want) {
		t.Errorf("status %d; /static/forms.js does not name the header %s", resp.status, want)
	}
}
