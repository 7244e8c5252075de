package handlers_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
)

// codesApp is the real router with the wrong-code limit the server ships
// with, behind a trusted proxy so that each test client can come from an
// address of its own (X-Forwarded-For).
func codesApp(t *testing.T) (*testApp, handlers.Rate) {
	t.Helper()
	rate, err := handlers.ParseRate(app.DefaultLimitCodeFailures)
	if err != nil {
		t.Fatal(err)
	}
	return newTestAppWith(t, handlers.Config{TrustProxy: trustProxy(t, "127.0.0.1"), Limits: handlers.Limits{CodeFailures: rate}}), rate
}

// from sends a request as the client at addr and returns its status and
// headers, without waiting for the body: a live stream would never end.
func (a *testApp) from(addr, method, path string) (int, http.Header) {
	a.t.Helper()
	req, err := http.NewRequest(method, a.server.URL+path, nil)
	if err != nil {
		a.t.Fatal(err)
	}
	req.Header.Set("X-Forwarded-For", addr)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		a.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode, resp.Header
}

// wrongCode returns the nth join code that is not code.
func wrongCode(n int, code string) string {
	const alphabet = db.JoinCodeAlphabet
	for {
		c := make([]byte, db.JoinCodeLength)
		for i, m := 0, n; i < len(c); i, m = i+1, m/len(alphabet) {
			c[i] = alphabet[m%len(alphabet)]
		}
		if string(c) != code {
			return string(c)
		}
		n += 1 << 20
	}
}

// codeRoutes are the requests that name a session by its code, %s where the
// code goes: every route of the router with {code} in its path, found by
// walking it (so a new one is attacked too), and the form on the home page.
func codeRoutes(t *testing.T, a *testApp) []string {
	t.Helper()
	routes := []string{"GET /j?code=%s"}
	err := chi.Walk(a.routes.(chi.Routes), func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if strings.Contains(route, "{code}") {
			path := strings.ReplaceAll(strings.TrimSuffix(route, "/"), "{requestID}", "1")
			routes = append(routes, method+" "+strings.ReplaceAll(path, "{code}", "%s"))
		}
		return nil
	})
	slices.Sort(routes)
	if err != nil || len(routes) < 9 {
		t.Fatalf("code routes: %v (%v)", routes, err)
	}
	return routes
}

// TestWalkingTheCodesIsRefused performs issue 11's enumeration on every
// route that takes a code: one address sends 500 wrong codes. Before, each
// was looked up (7,750–8,170 a second: all 31^4 codes in about two
// minutes). Now the address's allowance is looked up and the rest refused
// with 429 and how long to wait; meanwhile the right code from another
// address still works, and so does the join token of the QR code from the
// refused address itself.
func TestWalkingTheCodesIsRefused(t *testing.T) {
	a, rate := codesApp(t)
	host, dash, code := a.hostNight()
	link := host.joinLink(dash)
	token := strings.TrimPrefix(link, "/j/")
	for i, route := range codeRoutes(t, a) {
		t.Run(route, func(t *testing.T) {
			method, path, _ := strings.Cut(route, " ")
			attacker := fmt.Sprintf("198.51.100.%d", i+1)
			lookedUp, firstRefused := 0, 0
			for n := range 500 {
				status, header := a.from(attacker, method, fmt.Sprintf(path, wrongCode(n, code)))
				if status != http.StatusTooManyRequests {
					lookedUp++
					continue
				}
				if firstRefused == 0 {
					firstRefused = n + 1
				}
				if secs, err := strconv.Atoi(header.Get("Retry-After")); err != nil || secs < 1 {
					t.Fatalf("wrong code %d: 429 with Retry-After %q", n+1, header.Get("Retry-After"))
				}
			}
			t.Logf("%s: %d of 500 wrong codes looked up, the first refused was number %d", route, lookedUp, firstRefused)
			// The allowance, one more that starts the back-off, and perhaps
			// one or two as the first short waits run out on a slow machine.
			if firstRefused < rate.Requests+2 || lookedUp > rate.Requests+4 {
				t.Errorf("%d of 500 wrong codes looked up, first refused %d; want the %d free, one more, then refusals",
					lookedUp, firstRefused, rate.Requests)
			}
			if status, _ := a.from(attacker, method, fmt.Sprintf(path, code)); status != http.StatusTooManyRequests {
				t.Errorf("the right code from the refused address: %d, want 429 (or it could tell right from wrong)", status)
			}
			if status, _ := a.from("192.0.2.1", method, fmt.Sprintf(path, code)); !foundSession(status) {
				t.Errorf("the right code from another address: %d", status)
			}
			if status, _ := a.from(attacker, method, fmt.Sprintf(path, token)); !foundSession(status) {
				t.Errorf("the join token from the refused address: %d", status)
			}
		})
	}
}

// foundSession reports whether a route's answer came from its handler with
// a session found: not refused, not "no such session", not a failure. (An
// empty join form, say, is 422.)
func foundSession(status int) bool {
	return status != http.StatusNotFound && status != http.StatusTooManyRequests && status < 500
}

// TestWrongTokensCount: a wrong join token counts like a wrong code, so
// guessing tokens is no way round the limit.
func TestWrongTokensCount(t *testing.T) {
	a, rate := codesApp(t)
	a.hostNight()
	for n := range rate.Requests + 1 {
		wrong := strings.Repeat("a", db.JoinTokenLength-2) + string(rune('a'+n/26%26)) + string(rune('a'+n%26))
		if status, _ := a.from("198.51.100.1", "GET", "/d/"+wrong); status != http.StatusNotFound {
			t.Fatalf("wrong token %d: %d, want 404", n+1, status)
		}
	}
	if status, _ := a.from("198.51.100.1", "GET", "/d/"+strings.Repeat("z", db.JoinTokenLength)); status != http.StatusTooManyRequests {
		t.Errorf("a wrong token past the allowance: %d, want 429", status)
	}
}

// TestCodeFormSaysHowLongToWait: the home page's code form, refused, comes
// back with the code typed and, beside the field, how long to wait. It is a
// plain GET form, so with JavaScript or without the browser shows the same.
func TestCodeFormSaysHowLongToWait(t *testing.T) {
	a, rate := codesApp(t)
	_, _, code := a.hostNight()
	b := a.browser()
	b.header = http.Header{"X-Forwarded-For": {"198.51.100.9"}}
	for n := range rate.Requests + 1 {
		if resp := b.get("/j?code=" + wrongCode(n, code)); resp.status != http.StatusNotFound {
			t.Fatalf("wrong code %d: %d", n+1, resp.status)
		}
	}
	resp := b.get("/j?code=" + url.QueryEscape(strings.ToLower(code)))
	if resp.status != http.StatusTooManyRequests || resp.header.Get("Retry-After") == "" {
		t.Fatalf("status %d, Retry-After %q; want 429 with Retry-After", resp.status, resp.header.Get("Retry-After"))
	}
	msg := resp.testid("error-code").Text()
	if !regexp.MustCompile(`Wait (a second|\d+ seconds|about \d+ minutes), then try again`).MatchString(msg) {
		t.Errorf("message beside the code field = %q, want how long to wait", msg)
	}
	if typed, _ := resp.doc.Find(`input[name="code"]`).Attr("value"); typed != strings.ToLower(code) {
		t.Errorf("the field holds %q, want what was typed", typed)
	}
	if id, _ := resp.doc.Find(`input[name="code"]`).Attr("aria-describedby"); id != "code-error" {
		t.Errorf("the field is not tied to its message: aria-describedby=%q", id)
	}
	// Any other route answers a short page that says the same.
	page := b.get("/d/" + code)
	if page.status != http.StatusTooManyRequests || !strings.Contains(page.body, "then try again") {
		t.Errorf("/d/CODE refused: %d %q", page.status, page.body)
	}
}

// TestABarBehindOneAddressGetsIn: 300 phones behind one public address type
// the code, one in ten with a typo first; every one of them gets in.
func TestABarBehindOneAddressGetsIn(t *testing.T) {
	a, _ := codesApp(t)
	_, _, code := a.hostNight()
	for n := range 300 {
		if n%10 == 0 {
			if status, _ := a.from("203.0.113.1", "GET", "/j?code="+wrongCode(n, code)); status != http.StatusNotFound {
				t.Fatalf("phone %d's typo: %d, want 404", n+1, status)
			}
		}
		if status, header := a.from("203.0.113.1", "GET", "/j?code="+code); status != http.StatusSeeOther {
			t.Fatalf("phone %d: %d to %q, want in", n+1, status, header.Get("Location"))
		}
	}
}

// TestOnlyLookUpSessionFindsSessionsByCode: the rule behind the limit. A
// handler that found a session by code or token itself would count nothing.
func TestOnlyLookUpSessionFindsSessionsByCode(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "joincodes.go" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if regexp.MustCompile(`\.SessionBy(Code|Token)\(|URLParam\(r, "code"\)`).Match(src) {
			t.Errorf("%s looks up a session by code or token itself: use sessionOf(r) behind loadSession, or lookUpSession", f)
		}
	}
}
