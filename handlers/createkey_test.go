package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/views"
)

// TestCreatingANightTwiceMakesOne: the home page's form to start a night
// carries a one-time key, and the same post sent again (a double tap, a
// resend after a lost answer) makes no second night. A browser that holds
// the night is sent to its dashboard again; a browser that lacks it (the
// first answer, with the host key, was lost) is made its host, while the
// night is not yet under way; another key makes a night of its own.
func TestCreatingANightTwiceMakesOne(t *testing.T) {
	type night struct {
		app  *testApp
		b    *browser
		form url.Values
		dash string
	}
	start := func(t *testing.T, htmx bool) night {
		t.Helper()
		app := newTestApp(t)
		b := app.browser()
		form := startForm(t, b)
		b.htmx = htmx
		first := b.do("POST", "/sessions", form)
		b.htmx = false
		dash := redirectOf(first)
		if !strings.HasPrefix(dash, "/host/") || hostCookie(first) == "" {
			t.Fatalf("first post: status %d, to %q", first.status, dash)
		}
		return night{app, b, form, dash}
	}
	t.Run("the same browser, twice", func(t *testing.T) {
		for _, htmx := range []bool{false, true} {
			n := start(t, htmx)
			link := hostView(n.b, n.dash)
			n.b.htmx = htmx
			again := n.b.do("POST", "/sessions", n.form)
			n.b.htmx = false
			if got := redirectOf(again); got != n.dash || again.header.Get("Karaoke-Retap") != "repeat" {
				t.Errorf("htmx %v: the repeat went to %q (%q), want %s, marked", htmx, got, again.header.Get("Karaoke-Retap"), n.dash)
			}
			if hostCookie(again) != "" {
				t.Errorf("htmx %v: the repeat set a host key", htmx)
			}
			if got := hostView(n.b, n.dash); got != link {
				t.Errorf("htmx %v: the repeat changed the night:\n%s\n%s", htmx, link, got)
			}
			nightsOpen(t, n.app, 1)
		}
	})
	t.Run("the first answer lost", func(t *testing.T) {
		n := start(t, false)
		lost := n.app.browser() // no cookie of the first answer
		again := lost.do("POST", "/sessions", n.form)
		if got := redirectOf(again); got != n.dash || hostCookie(again) == "" {
			t.Fatalf("the repeat: status %d to %q, want %s with a host key", again.status, got, n.dash)
		}
		nightsOpen(t, n.app, 1)
		if resp := lost.get(n.dash); resp.status != http.StatusOK || resp.testid("host-link").Length() != 1 {
			t.Errorf("the browser that lost the answer: dashboard status %d, want its host", resp.status)
		}
		if resp := n.b.get(n.dash); resp.status != http.StatusForbidden {
			t.Errorf("the old host key: status %d, want 403 (replaced, as by a new host link)", resp.status)
		}
		// A third send: that browser holds the night now, so nothing changes.
		link := hostView(lost, n.dash)
		if third := lost.do("POST", "/sessions", n.form); redirectOf(third) != n.dash || hostCookie(third) != "" || hostView(lost, n.dash) != link {
			t.Errorf("a third send changed the host key (status %d)", third.status)
		}
	})
	t.Run("under way", func(t *testing.T) {
		n := start(t, true)
		code := strings.TrimSpace(n.b.get(n.dash).testid("join-code").Text())
		n.app.guest(code, "Ana", "One")
		stranger := n.app.browser()
		again := stranger.do("POST", "/sessions", n.form)
		if got := redirectOf(again); got != n.dash || hostCookie(again) != "" {
			t.Errorf("the repeat of a night under way: to %q, host key set %v", got, hostCookie(again) != "")
		}
		if resp := stranger.get(n.dash); resp.status != http.StatusForbidden {
			t.Errorf("a browser without the night after its repeat: status %d, want 403", resp.status)
		}
		if resp := n.b.get(n.dash); resp.status != http.StatusOK {
			t.Errorf("the host after the repeat: status %d", resp.status)
		}
		nightsOpen(t, n.app, 1)
	})
	t.Run("another key", func(t *testing.T) {
		n := start(t, false)
		other := n.app.browser()
		made := other.do("POST", "/sessions", startForm(t, other))
		if got := redirectOf(made); got == n.dash || hostCookie(made) == "" {
			t.Errorf("another browser's form went to %q", got)
		}
		nightsOpen(t, n.app, 2)
	})
}

// TestHomePageIsNeverShared: each render of the home page carries a key
// of its own, and no cache may keep one for another browser.
func TestHomePageIsNeverShared(t *testing.T) {
	app := newTestApp(t)
	b := app.browser()
	if got := b.get("/").header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("home Cache-Control %q, want no-store", got)
	}
	if got := b.get("/j?code=ZZZZ").header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("home with a wrong code: Cache-Control %q, want no-store", got)
	}
	if startForm(t, b).Get(views.RetapField) == startForm(t, b).Get(views.RetapField) {
		t.Error("two renders of the home page share a key")
	}
}

// startForm is the home page's form to start a night, filled in.
func startForm(t *testing.T, b *browser) url.Values {
	t.Helper()
	form := formTo(t, b.get("/"), "/sessions").values
	if !views.IsRetapKey(form.Get(views.RetapField)) {
		t.Fatalf("the form carries no one-time key: %v", form)
	}
	form.Set("name", "Friday")
	return form
}

// redirectOf is where an answer sends the browser, plain or htmx.
func redirectOf(r response) string {
	if r.status == http.StatusOK {
		return r.header.Get("HX-Redirect")
	}
	if r.status != http.StatusSeeOther {
		return ""
	}
	return r.location
}

// hostCookie is the host key an answer sets, or "".
func hostCookie(r response) string {
	for _, c := range (&http.Response{Header: r.header}).Cookies() {
		if strings.HasPrefix(c.Name, "karaoke_host_") {
			return c.Value
		}
	}
	return ""
}

func nightsOpen(t *testing.T, app *testApp, want int) {
	t.Helper()
	codes, err := app.store.OpenCodes(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(codes) != want {
		t.Errorf("%d nights open, want %d", len(codes), want)
	}
}
