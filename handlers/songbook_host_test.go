package handlers_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"
)

const songCSV = "Title;Artist;Year\nBohemian Rhapsody;Queen;1975\nHalo;Beyoncé;2008\n;No Title;1999\nDon't Stop Believin';Journey;1981\n"

const songLines = "SC8125-01 - Queen - Bohemian Rhapsody.cdg\nABBA - Waterloo.mp4\nnot a song line\n"

// upload posts a song list to path as the browser's import form does: the
// name, then the file.
func (b *browser) upload(path, name, filename string, content []byte) response {
	b.app.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	if err := mw.WriteField("name", name); err != nil {
		b.app.t.Fatal(err)
	}
	fw, err := mw.CreateFormFile("file", filename)
	if err != nil {
		b.app.t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	req, err := http.NewRequest("POST", b.app.server.URL+path, &body)
	if err != nil {
		b.app.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.send(req)
}

func text(r response, id string) string {
	return strings.Join(strings.Fields(r.testid(id).Text()), " ")
}

func TestSongbookImportShowsCountAndReport(t *testing.T) {
	app := newTestApp(t)
	host, dash, _ := app.hostNight()
	if got := host.get(dash).testid("songbook-none").Length(); got != 1 {
		t.Fatalf("a new night shows %d no-songbook lines, want 1", got)
	}
	tests := []struct {
		name, file, content, count, report string
	}{
		{"csv", "list.csv", songCSV, "3 songs", "Imported 3 songs; 1 line skipped: line 4 ("},
		{"lines", "songs.txt", songLines, "2 songs", "Imported 2 songs; 1 line skipped: line 3 ("},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, htmx := range []bool{false, true} {
				host.htmx = htmx
				resp := host.upload(dash+"/songbook", "", tt.file, []byte(tt.content))
				host.htmx = false
				if resp.status != http.StatusOK || resp.isPage() == htmx {
					t.Fatalf("htmx=%v: status %d, page %v: %.300s", htmx, resp.status, resp.isPage(), resp.body)
				}
				if got := text(resp, "songbook-count"); got != tt.count {
					t.Errorf("htmx=%v: count %q, want %q", htmx, got, tt.count)
				}
				if got := text(resp, "songbook-report"); !strings.HasPrefix(got, tt.report) {
					t.Errorf("htmx=%v: report %q, want it to start %q", htmx, got, tt.report)
				}
			}
			if got := text(host.get(dash), "songbook-count"); got != tt.count {
				t.Errorf("dashboard shows %q, want %q", got, tt.count)
			}
		})
	}
}

func TestSongbookImportRefusesWhatIsNotASongList(t *testing.T) {
	app := newTestApp(t)
	host, dash, _ := app.hostNight()
	if resp := host.upload(dash+"/songbook", "Friday list", "list.csv", []byte(songCSV)); resp.status != http.StatusOK {
		t.Fatalf("import: status %d", resp.status)
	}
	png, err := os.ReadFile("../songbook/testdata/image.png")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range []struct {
		name    string
		content []byte
	}{{"photo.csv", png}, {"empty.txt", nil}} {
		for _, htmx := range []bool{false, true} {
			host.htmx = htmx
			resp := host.upload(dash+"/songbook", "Oops", file.name, file.content)
			host.htmx = false
			if resp.status != http.StatusUnprocessableEntity {
				t.Fatalf("%s htmx=%v: status %d, want 422", file.name, htmx, resp.status)
			}
			msg := resp.testid("error-file")
			if msg.Length() != 1 || msg.Text() == "" {
				t.Errorf("%s htmx=%v: no message beside the file field: %.300s", file.name, htmx, resp.testid("songbook-import").Text())
			}
			if v, _ := resp.doc.Find(`#songbook-name`).Attr("value"); v != "Oops" {
				t.Errorf("%s: name field %q, want what was typed", file.name, v)
			}
			if got := text(resp, "songbook-count"); got != "3 songs" {
				t.Errorf("%s: count %q after a refused file, want the old 3 songs", file.name, got)
			}
		}
	}
	if got := text(host.get(dash), "songbook"); !strings.Contains(got, "Friday list: 3 songs") {
		t.Errorf("dashboard after refused files: %q", got)
	}
}

func TestSongbookRoutesAreTheHostsOnly(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	host.upload(dash+"/songbook", "", "list.csv", []byte(songCSV))
	stranger := app.guest(code, "Eve")
	if resp := stranger.upload(dash+"/songbook", "", "list.csv", []byte(songLines)); resp.status != http.StatusForbidden {
		t.Errorf("stranger import: status %d, want 403", resp.status)
	}
	if resp := stranger.post(dash + "/songbook/drop"); resp.status != http.StatusForbidden {
		t.Errorf("stranger drop: status %d, want 403", resp.status)
	}
	if got := text(host.get(dash), "songbook-count"); got != "3 songs" {
		t.Errorf("count %q after a stranger's tries, want 3 songs", got)
	}
}

func TestSongbookReuseIsTheImportingBrowsers(t *testing.T) {
	app := newTestApp(t)
	host, dash, _ := app.hostNight()
	resp := host.upload(dash+"/songbook", "Weekly", "list.csv", []byte(songCSV))
	var owner *http.Cookie
	for _, c := range (&http.Response{Header: resp.header}).Cookies() {
		if c.Name == "karaoke_songbooks" {
			owner = c
		}
	}
	if owner == nil || !owner.HttpOnly || owner.SameSite != http.SameSiteLaxMode || owner.Path != "/host/" || len(owner.Value) < 22 {
		t.Fatalf("owner cookie %+v, want an HttpOnly, Lax key for /host/", owner)
	}

	// The same browser, a later night: one tap attaches it.
	dash2, _ := host.hostSession("Next week")
	page := host.get(dash2)
	use := page.testid("songbook-use")
	if use.Length() != 1 || !strings.HasPrefix(strings.TrimSpace(use.Text()), "Use my songbook “Weekly”: 3 songs, imported ") {
		t.Fatalf("later night offers %q", use.Text())
	}
	id, _ := use.Find(`input[name="songbook"]`).Attr("value")
	if resp := host.post(dash2+"/songbook/use", "songbook", id); resp.status != http.StatusSeeOther {
		t.Fatalf("use: status %d", resp.status)
	}
	if got := text(host.get(dash2), "songbook-count"); got != "3 songs" {
		t.Errorf("later night's count %q, want 3 songs", got)
	}

	// Another browser neither sees nor attaches it.
	other, dash3, _ := app.hostNight()
	if n := other.get(dash3).testid("songbook-use").Length(); n != 0 {
		t.Errorf("another browser is offered %d songbooks", n)
	}
	if resp := other.post(dash3+"/songbook/use", "songbook", id); resp.status != http.StatusNotFound {
		t.Errorf("another browser's use: status %d, want 404", resp.status)
	}
	if n := other.get(dash3).testid("songbook-count").Length(); n != 0 {
		t.Error("another browser attached the songbook")
	}

	// Removing it from the night keeps it for the next.
	if resp := host.post(dash2 + "/songbook/drop"); resp.status != http.StatusSeeOther {
		t.Fatalf("drop: status %d", resp.status)
	}
	page = host.get(dash2)
	if page.testid("songbook-count").Length() != 0 || page.testid("songbook-use").Length() != 1 {
		t.Errorf("after drop: %q", text(page, "songbook"))
	}
}

// bigSongList is a song list of 5 MB, far past the 64 KB of every other
// form: 3,000 songs, each many times over.
func bigSongList() []byte {
	var list bytes.Buffer
	for i := 0; list.Len() < 5<<20; i++ {
		fmt.Fprintf(&list, "Artist %d - Song number %d.mp4\n", i%100, i%3000)
	}
	return list.Bytes()
}

// Imports are limited per night: past the limit the form says so, with 429.
func TestSongbookImportsAreLimited(t *testing.T) {
	app := newTestApp(t)
	host, dash, _ := app.hostNight()
	for i := range 6 {
		if resp := host.upload(dash+"/songbook", "", "list.csv", []byte(songCSV)); resp.status != http.StatusOK {
			t.Fatalf("import %d: status %d", i+1, resp.status)
		}
	}
	resp := host.upload(dash+"/songbook", "", "songs.txt", []byte(songLines))
	if resp.status != http.StatusTooManyRequests || resp.testid("songbook-import").Find(`[data-testid="form-error"]`).Length() != 1 {
		t.Fatalf("7th import: status %d, want 429 with the form's message: %.300s", resp.status, resp.body)
	}
	if got := text(resp, "songbook-count"); got != "3 songs" {
		t.Errorf("count %q after a refused import, want 3 songs", got)
	}
}
