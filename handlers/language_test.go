package handlers_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
)

// TestLanguageSwitchStaysOnTheSite sets the language cookie and goes back
// only to a path of this site, whatever the form says.
func TestLanguageSwitchStaysOnTheSite(t *testing.T) {
	app := newTestApp(t)
	for _, tt := range []struct{ back, want string }{
		{"/j?code=ABC", "/j?code=ABC"},
		{"https://evil.example/", "/"},
		{"//evil.example/", "/"},
		{"/\\evil.example", "/"},
		{"", "/"},
	} {
		b := app.browser()
		resp := b.post("/lang", "lang", "es", "back", tt.back)
		if resp.status != http.StatusSeeOther || resp.location != tt.want {
			t.Errorf("back %q: %d to %q, want 303 to %q", tt.back, resp.status, resp.location, tt.want)
		}
		if got := b.get("/").doc.Find("html").AttrOr("lang", ""); got != "es" {
			t.Errorf("back %q: then <html lang=%q>, want es", tt.back, got)
		}
	}
	b := app.browser()
	b.post("/lang", "lang", "xx", "back", "/")
	if got := b.get("/").doc.Find("html").AttrOr("lang", ""); got != "en" {
		t.Errorf("an unknown language: <html lang=%q>, want en", got)
	}
	page := app.browser().get("/")
	switcher := page.testid("lang-switch")
	if got := switcher.AttrOr("action", ""); got != "/lang" || switcher.Find(`button[name="lang"]`).Length() < 3 {
		t.Errorf("the switcher posts to %q with %d languages", got, switcher.Find("button").Length())
	}
	if got := switcher.Find(`input[name="back"]`).AttrOr("value", ""); got != "/" {
		t.Errorf("the switcher goes back to %q, want /", got)
	}
}

// TestPagesHaveNoEnglishLeft renders the guest's pages of one night in
// English and in each other language, and finds no piece of the English
// page's text (text, title, aria-label, alt, placeholder, the forms' failure
// messages) in the other, but for the night's own names, songs and codes.
func TestPagesHaveNoEnglishLeft(t *testing.T) {
	ctx := context.Background()
	app := newTestApp(t)
	_, _, code := app.hostNight()
	sess, err := app.store.SessionByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	ana := app.guest(code, "Ana", "Dancing Queen", "Wonderwall")
	app.guest(code, "Bob", "Africa")
	if _, _, err := app.store.StartNext(ctx, sess.ID, singing(t, app.store, sess.ID)); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Cy", "Dee", "Eve", "Fay", "Gus", "Hal", "Ivy"} {
		app.guest(code, name, name+" song")
	}
	ana.request(code, "Zombie", "")
	night, err := app.store.Night(ctx, sess.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.store.MoveRequest(ctx, sess.ID, night.Queue()[len(night.Queue())-1].ID, db.MoveUp); err != nil {
		t.Fatal(err)
	}
	ours := []string{"Friday", code, "Ana", "Bob", "Dancing Queen", "Wonderwall", "Africa", "Zombie",
		"English", "Español", "Deutsch"} // the switcher names each language in itself
	for _, n := range []string{"Cy", "Dee", "Eve", "Fay", "Gus", "Hal", "Ivy"} {
		ours = append(ours, n, n+" song")
	}
	stranger := app.browser()
	pages := []struct {
		name string
		b    *browser
		path string
	}{
		{"home", stranger, "/"},
		{"join", stranger, "/j/" + code},
		{"wrong code", stranger, "/j?code=ZZZZZZ"},
		{"no page", stranger, "/nowhere"},
		{"guest", ana, "/j/" + code},
		{"TV", stranger, "/d/" + code},
	}
	// Words that are the same in the language as in English.
	same := map[string][]string{"de": {"Code", "(optional)"}}
	// The TV speaks the night's language, not its browser's.
	nightIn := func(t *testing.T, tag string) {
		t.Helper()
		if err := app.store.SetSettings(ctx, sess.ID, db.Settings{SingerCap: sess.SingerCap, Language: tag}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tag := range lang.Shipped().Tags()[1:] {
		for _, p := range pages {
			t.Run(tag.String()+"/"+p.name, func(t *testing.T) {
				p.b.header = http.Header{"Accept-Language": {"en"}}
				if p.name == "TV" {
					nightIn(t, "en")
				}
				english := p.b.get(p.path)
				p.b.header = http.Header{"Accept-Language": {tag.String()}}
				if p.name == "TV" {
					nightIn(t, tag.String())
					p.b.header = http.Header{"Accept-Language": {"en"}}
				}
				other := p.b.get(p.path)
				p.b.header = nil
				if english.status != other.status {
					t.Fatalf("status %d in English, %d in %s", english.status, other.status, tag)
				}
				if got := other.doc.Find("html").AttrOr("lang", ""); got != tag.String() {
					t.Errorf("<html lang=%q>, want %q", got, tag)
				}
				allowed := append(slices.Clone(ours), same[tag.String()]...)
				// The longest first, so "Cy song" goes before "Cy".
				slices.SortFunc(allowed, func(a, b string) int { return len(b) - len(a) })
				left := englishLeft(pieces(english), pieces(other), allowed)
				if len(left) > 0 {
					t.Errorf("English left in %s: %q", tag, left)
				}
			})
		}
	}
}

// englishLeft is each piece of the English page that the other page has
// too and that is more than the night's names, numbers and marks.
func englishLeft(english, other, allowed []string) []string {
	letters := regexp.MustCompile(`\pL`)
	var out []string
	for _, p := range english {
		rest := p
		for _, a := range allowed {
			rest = strings.ReplaceAll(rest, a, "")
		}
		if letters.MatchString(rest) && slices.Contains(other, p) && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	return out
}

// pieces is what a person reads or hears of a page: its text nodes and the
// attributes that are spoken or shown.
func pieces(r response) []string {
	var out []string
	add := func(s string) {
		if s = strings.Join(strings.Fields(s), " "); s != "" {
			out = append(out, s)
		}
	}
	r.doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		for _, attr := range []string{"aria-label", "title", "alt", "placeholder"} {
			if v, ok := s.Attr(attr); ok {
				add(v)
			}
		}
		// A script says the sentences it finds in data attributes (the
		// forms' failures, the push offer's data-said-*): a data value
		// with a space in it is words, not a key or a URL.
		for _, n := range s.Nodes {
			for _, at := range n.Attr {
				if strings.HasPrefix(at.Key, "data-") && strings.Contains(strings.TrimSpace(at.Val), " ") {
					add(at.Val)
				}
			}
		}
		for _, n := range s.Nodes {
			if n.Data == "noscript" && n.Parent != nil && n.Parent.Data == "head" {
				continue // markup for browsers without script (a refresh), no words
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.TextNode {
					add(c.Data)
				}
			}
		}
	})
	return out
}
