package handlers_test

import (
	"bufio"
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// TestHostPagesHaveNoEnglishLeft renders the host's pages of a busy night
// (the dashboard with a singer on, a queue, a paired TV, the confirmations,
// the history) and a TV's pairing screen in English and in each other
// language, and finds no piece of the English page in the other but the
// night's own names, songs and codes (the same method as the guest's pages).
func TestHostPagesHaveNoEnglishLeft(t *testing.T) {
	ctx := context.Background()
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	sess, err := app.store.SessionByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	app.guest(code, "Ana", "Dancing Queen", "Wonderwall")
	app.guest(code, "Bob", "Africa")
	if _, _, err := app.store.StartNext(ctx, sess.ID, singing(t, app.store, sess.ID)); err != nil {
		t.Fatal(err)
	}
	night, err := app.store.Night(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.store.MoveRequest(ctx, sess.ID, night.Queue()[len(night.Queue())-1].ID, db.MoveUp); err != nil {
		t.Fatal(err)
	}
	if resp := host.upload(dash+"/songbook", "Weekly", "list.csv", []byte(songCSV)); resp.status != http.StatusOK {
		t.Fatalf("importing a songbook: status %d", resp.status)
	}
	tv := app.browser()
	if resp := pairForm(t, host, dash, pairCode(t, tv.get("/tv"))); resp.status >= 400 {
		t.Fatalf("pairing a TV: status %d", resp.status)
	}
	page := host.get(dash)
	remove, _ := page.doc.Find(`#guests a[href*="/guests/"][href$="/remove"]`).First().Attr("href")
	end, _ := page.testid("end-session").Attr("href")
	recent, _ := page.testid("remove-recent").Attr("href")
	history, _ := page.testid("history").Attr("href")
	if remove == "" || end == "" || recent == "" || history == "" {
		t.Fatalf("the dashboard links to remove %q, end %q, remove recent %q, history %q", remove, end, recent, history)
	}
	ours := []string{"Friday", code, "Ana", "Bob", "Dancing Queen", "Wonderwall", "Africa",
		"English", "Español", "Deutsch", "Weekly", page.testid("join-url").Text(), page.testid("this-device").Text()}
	// The offered time zones are IANA names, the same in every language.
	page.doc.Find(`#time-zone option[value!=""]`).Each(func(_ int, o *goquery.Selection) { ours = append(ours, o.Text()) })
	page.doc.Find(`[data-testid="pair-form"] strong`).Each(func(_ int, o *goquery.Selection) { ours = append(ours, o.Text()) })
	second, _ := host.hostSession("Saturday") // offers the songbook imported on Friday
	page2 := host.get(second)
	if page2.testid("songbook-use").Length() == 0 {
		t.Fatal("a second night offers no songbook to use")
	}
	ours = append(ours, "Saturday", page2.testid("join-url").Text(), strings.TrimSpace(page2.testid("join-code").Text()))
	pages := []langPage{
		{"dashboard", host, dash},
		{"second night", host, second},
		{"end", host, end},
		{"remove guest", host, remove},
		{"remove recent", host, recent},
		{"history", host, history},
		{"TV pairing", app.browser(), "/tv"},
	}
	noEnglishLeft(t, pages, ours, "")
}

// TestPushOfferHasNoEnglishLeft: the guest's notification offer, whose
// sentences wait in data attributes for push.js, is in the guest's language.
func TestPushOfferHasNoEnglishLeft(t *testing.T) {
	app, _, _ := pushApp(t)
	_, _, code := app.hostNight()
	ann := app.guest(code, "Ann", "Valerie")
	if ann.get("/j/"+code).testid("push-offer").Length() != 1 {
		t.Fatal("the guest page has no push offer")
	}
	noEnglishLeft(t, []langPage{{"guest with push", ann, "/j/" + code}},
		[]string{"Friday", code, "Ann", "Valerie", "English", "Español", "Deutsch"}, "")
}

// langPage is a page to read in every language, as b sees it.
type langPage struct {
	name string
	b    *browser
	path string
}

// noEnglishLeft reads each page in English and in each other language and
// fails for any piece of the English page left in the other, but for the
// allowed names (and, in German, the words it shares with English), with
// the elements that match strip ("" for none) taken out of both.
func noEnglishLeft(t *testing.T, pages []langPage, ours []string, strip string) {
	t.Helper()
	same := map[string][]string{"de": {"Code", "(optional)"}}
	for _, tag := range lang.Shipped().Tags()[1:] {
		for _, p := range pages {
			t.Run(tag.String()+"/"+p.name, func(t *testing.T) {
				p.b.header = http.Header{"Accept-Language": {"en"}}
				english := p.b.get(p.path)
				p.b.header = http.Header{"Accept-Language": {tag.String()}}
				other := p.b.get(p.path)
				p.b.header = nil
				if english.status != http.StatusOK || other.status != http.StatusOK {
					t.Fatalf("status %d in English, %d in %s", english.status, other.status, tag)
				}
				if got := other.doc.Find("html").AttrOr("lang", ""); got != tag.String() {
					t.Errorf("<html lang=%q>, want %q", got, tag)
				}
				if strip != "" {
					english.doc.Find(strip).Remove()
					other.doc.Find(strip).Remove()
				}
				allowed := append(slices.Clone(ours), same[tag.String()]...)
				slices.SortFunc(allowed, func(a, b string) int { return len(b) - len(a) })
				if left := englishLeft(pieces(english), pieces(other), allowed); len(left) > 0 {
					t.Errorf("English left in %s: %q", tag, left)
				}
			})
		}
	}
}

// TestHostErrorsInTheHostsLanguage: a message the handler or the store
// writes in English (the rules form's limit) reaches a Spanish host in
// Spanish, beside its field, with the form's 422.
func TestHostErrorsInTheHostsLanguage(t *testing.T) {
	app := newTestApp(t)
	host, dash, _ := app.hostNight()
	host.header = http.Header{"Accept-Language": {"es"}}
	for _, f := range postForms(host.get(dash)) {
		if !strings.HasSuffix(f.action, "/settings") {
			continue
		}
		f.values.Set("singer_cap", "muchas")
		resp := host.do("POST", f.action, f.values)
		got := strings.TrimSpace(resp.testid("error-singer_cap").Text())
		if resp.status != http.StatusUnprocessableEntity || !strings.HasPrefix(got, "El límite debe ser un número entero de 1 a") {
			t.Errorf("a cap of %q: %d, %q; want 422 and the Spanish message", "muchas", resp.status, got)
		}
		return
	}
	t.Fatal("the dashboard has no rules form")
}

// TestHostStreamInTheHostsLanguage: the dashboard's live stream renders
// the host's controls in the language of the host who listens, an English
// and a Spanish host of the same night each in theirs.
func TestHostStreamInTheHostsLanguage(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	app.guest(code, "Ana", "Dancing Queen")
	for _, tt := range []struct{ tag, want string }{{"en", "Start next: Ana"}, {"es", "Siguiente: Ana"}, {"de", "Als Nächstes: Ana"}} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		req, err := http.NewRequestWithContext(ctx, "GET", app.server.URL+strings.TrimSuffix(dash, "/")+"/events", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept-Language", tt.tag)
		resp, err := host.client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var live string
		lines := bufio.NewScanner(resp.Body)
		lines.Buffer(make([]byte, 0, 64<<10), 1<<20)
		for event := ""; live == "" && lines.Scan(); {
			line := lines.Text()
			if name, ok := strings.CutPrefix(line, "event: "); ok {
				event = name
			} else if data, ok := strings.CutPrefix(line, "data: "); ok && event == views.EventHostLive {
				live = data
			}
		}
		resp.Body.Close()
		cancel()
		if !strings.Contains(live, tt.want) {
			t.Errorf("%s: the stream's %s event is %q, want %q in it", tt.tag, views.EventHostLive, live, tt.want)
		}
	}
}

// TestImportReportInTheHostsLanguage: what an import found is said in the
// importing host's language, the songbook's reasons for a skipped line too.
func TestImportReportInTheHostsLanguage(t *testing.T) {
	app := newTestApp(t)
	host, dash, _ := app.hostNight()
	host.header = http.Header{"Accept-Language": {"es"}}
	resp := host.upload(dash+"/songbook", "", "list.csv", []byte(songCSV))
	got, want := strings.TrimSpace(resp.testid("songbook-report").Text()), "Se importaron 3 canciones; 1 línea omitida: línea 4 (sin título)."
	if resp.status != http.StatusOK || got != want {
		t.Errorf("import: %d, %q; want 200, %q", resp.status, got, want)
	}
}
