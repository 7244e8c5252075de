package handlers_test

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/db"
)

// pairCode is the code a TV's pairing screen shows, digits only.
func pairCode(t *testing.T, r response) string {
	t.Helper()
	code := strings.Join(strings.Fields(r.testid("pair-code").Text()), "")
	if r.status != http.StatusOK || !regexp.MustCompile(`^[0-9]{6}$`).MatchString(code) {
		t.Fatalf("the TV shows status %d, code %q; want 200 and six digits", r.status, code)
	}
	return code
}

// pairForm posts code to the dashboard's pairing form, with its one-time key.
func pairForm(t *testing.T, host *browser, dash, code string) response {
	t.Helper()
	htmx := host.htmx
	host.htmx = false // the dashboard itself, not its live part
	page := host.get(dash)
	host.htmx = htmx
	for _, f := range postForms(page) {
		if strings.HasSuffix(f.action, "/tvs") {
			f.values.Set("code", code)
			return host.do("POST", f.action, f.values)
		}
	}
	t.Fatal("the dashboard has no pairing form")
	return response{}
}

// TestTVPairsByCode: a TV's code, typed on the dashboard, makes it show the
// night, across reloads, and once only; unpaired, it shows a new code.
func TestTVPairsByCode(t *testing.T) {
	a := newTestApp(t)
	host, dash, _ := a.hostNight()
	host.htmx = true
	tv := a.browser()

	first := tv.get("/tv")
	code := pairCode(t, first)
	if got := first.header.Get("Cache-Control"); got != "no-store" {
		t.Errorf("the pairing screen's Cache-Control = %q, want no-store", got)
	}
	for _, c := range first.header.Values("Set-Cookie") {
		if !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "Path=/tv") {
			t.Errorf("TV cookie %q: want HttpOnly, for /tv only", c)
		}
	}
	if again := pairCode(t, tv.get("/tv")); again != code {
		t.Errorf("a reload shows code %s, want the same %s", again, code)
	}
	// Another TV shows another code.
	if other := pairCode(t, a.browser().get("/tv")); other == code {
		t.Errorf("two TVs show the same code %s", code)
	}
	waiting := tv.get("/tv/state").body

	wrong := pairForm(t, host, dash, wrongPairCode(code))
	if wrong.status != http.StatusUnprocessableEntity || wrong.testid("error-code").Text() != db.MessagePairCodeWrong || wrong.isPage() {
		t.Errorf("a wrong code: status %d, message %q, page %v; want 422 and the card with its message", wrong.status, wrong.testid("error-code").Text(), wrong.isPage())
	}
	if shape := pairForm(t, host, dash, "12345"); shape.status != http.StatusUnprocessableEntity || shape.testid("error-code").Length() != 1 {
		t.Errorf("five digits: status %d", shape.status)
	}

	paired := pairForm(t, host, dash, code[:3]+" "+code[3:])
	if paired.status != http.StatusOK || paired.testid("pair-done").Length() != 1 || paired.testid("tv-screen").Length() != 1 {
		t.Fatalf("pairing: status %d, %q", paired.status, paired.testid("tv-screens").Text())
	}
	if got := tv.get("/tv/state").body; got == waiting || !strings.HasPrefix(got, "night-") {
		t.Errorf("the TV's state after pairing is %q (was %q)", got, waiting)
	}
	for range 2 { // a reload keeps it paired
		page := tv.get("/tv")
		if page.testid("now-singing").Length() != 1 || page.testid("join-code").Length() != 1 || page.testid("pair-code").Length() != 0 {
			t.Fatalf("the paired TV does not show the night: %s", page.doc.Find("main").Text())
		}
	}
	if again := pairForm(t, host, dash, code); again.status != http.StatusUnprocessableEntity {
		t.Errorf("a used code: status %d, want 422", again.status)
	}

	// Unpair, twice: the second tap changes nothing; the TV shows a new code.
	unpair, _ := paired.testid("tv-unpair").Parents().Filter("form").Attr("action")
	for range 2 {
		if r := host.post(unpair); r.status != http.StatusOK || r.testid("tv-screen").Length() != 0 {
			t.Errorf("unpair: status %d, %d TVs listed", r.status, r.testid("tv-screen").Length())
		}
	}
	if next := pairCode(t, tv.get("/tv")); next == code {
		t.Errorf("after unpairing the TV shows its old code %s", code)
	}
}

// TestTVCodeRunsOut: a code pairs for 10 minutes; the TV shows a new one
// before then, and an expired one pairs nothing.
func TestTVCodeRunsOut(t *testing.T) {
	a := newTestApp(t)
	host, dash, _ := a.hostNight()
	host.htmx = true
	now := time.Now()
	a.store.Now = func() time.Time { return now }
	tv := a.browser()
	code := pairCode(t, tv.get("/tv"))
	state := tv.get("/tv/state").body

	now = now.Add(db.PairCodeLife - 2*time.Minute)
	if got := tv.get("/tv/state").body; got != state {
		t.Errorf("with 2 minutes left the state moved: %q, was %q", got, state)
	}
	now = now.Add(90 * time.Second)
	if got := tv.get("/tv/state").body; got == state {
		t.Error("with 30 s left the state says to keep the code")
	}
	now = now.Add(time.Minute)
	if r := pairForm(t, host, dash, code); r.status != http.StatusUnprocessableEntity {
		t.Errorf("an expired code: status %d, want 422", r.status)
	}
	next := pairCode(t, tv.get("/tv"))
	if r := pairForm(t, host, dash, next); r.status != http.StatusOK {
		t.Errorf("the renewed code: status %d", r.status)
	}
}

// TestTVShowsACodeAgainWhenTheNightEnds: the night ends, and the TV paired
// with it is a TV waiting for a night again.
func TestTVShowsACodeAgainWhenTheNightEnds(t *testing.T) {
	a := newTestApp(t)
	host, dash, _ := a.hostNight()
	tv := a.browser()
	code := pairCode(t, tv.get("/tv"))
	if r := pairForm(t, host, dash, code); r.status != http.StatusSeeOther {
		t.Fatalf("pairing by a plain post: status %d, want a redirect", r.status)
	}
	id := strings.TrimPrefix(dash, "/host/")
	if err := a.store.EndSession(context.Background(), mustID(t, id)); err != nil {
		t.Fatal(err)
	}
	if n := host.get(dash).testid("tv-screen").Length(); n != 0 {
		t.Errorf("the ended night's dashboard lists %d TVs", n)
	}
	if got := tv.get("/tv/state").body; got != "new 0" {
		t.Errorf("the TV of an ended night has state %q, want a new code", got)
	}
	pairCode(t, tv.get("/tv"))
}

// TestPairCodesCannotBeWalked: one address that types wrong codes is
// refused (429, beside the field) once past the allowance, the right code
// too; another address pairs.
func TestPairCodesCannotBeWalked(t *testing.T) {
	a, rate := codesApp(t)
	host, dash, _ := a.hostNight()
	host.htmx = true
	code := pairCode(t, a.browser().get("/tv"))
	host.header = http.Header{"X-Forwarded-For": {"203.0.113.9"}}
	tries := 0
	for ; tries < 2*rate.Requests; tries++ {
		r := pairForm(t, host, dash, wrongPairCode(code))
		if r.status == http.StatusTooManyRequests {
			if r.testid("error-code").Length() != 1 || r.header.Get("Retry-After") == "" {
				t.Errorf("the refusal is not beside the field, or has no Retry-After: %s", r.body)
			}
			break
		}
	}
	if tries != rate.Requests+1 {
		t.Errorf("refused after %d wrong codes, want the allowance of %d and one more", tries, rate.Requests)
	}
	if r := pairForm(t, host, dash, code); r.status != http.StatusTooManyRequests {
		t.Errorf("the right code from the refused address: status %d, want 429", r.status)
	}
	host.header.Set("X-Forwarded-For", "198.51.100.7")
	if r := pairForm(t, host, dash, code); r.status != http.StatusOK {
		t.Errorf("the right code from another address: status %d, want 200", r.status)
	}
}

func wrongPairCode(code string) string {
	if code == "000000" {
		return "000001"
	}
	return "000000"
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestNewTVsPerAddressAreLimited: one address makes at most 30 TVs an hour
// (each a row and a code); a TV that keeps its cookie is not counted again.
func TestNewTVsPerAddressAreLimited(t *testing.T) {
	a := newTestApp(t)
	tv := a.browser()
	pairCode(t, tv.get("/tv"))
	for range 29 {
		pairCode(t, a.browser().get("/tv"))
	}
	if r := a.browser().get("/tv"); r.status != http.StatusTooManyRequests {
		t.Errorf("the 31st new TV: status %d, want 429", r.status)
	}
	pairCode(t, tv.get("/tv")) // the first TV, again
}
