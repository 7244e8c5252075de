package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestHostAddsWalkupSingers(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	app.guest(code, "Ann", "a1")

	if resp := host.post(dash+"/walkups", "name", "Wanda", "title", "w1", "artist", "Amy", "note", "key -2"); resp.status != http.StatusSeeOther {
		t.Fatalf("add a walk-up: status %d", resp.status)
	}
	page := host.get(dash)
	if got, want := strings.Join(queueTitles(page), " "), "a1 w1"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
	if got := page.testid("queue-item").Last().Find(`[data-testid="added-by-host"]`).Length(); got != 1 {
		t.Error("the walk-up's row does not say the host added them")
	}
	if got := page.testid("guests").Find(`[data-testid="added-by-host"]`).Length(); got != 1 {
		t.Error("the guest list does not say the host added Wanda")
	}
	option := page.doc.Find(`select[name="walkup"] option[value!=""]`)
	if option.Length() != 1 || !strings.Contains(option.Text(), "Wanda") {
		t.Fatalf("tonight's walk-ups = %q, want Wanda", option.Text())
	}
	wanda, _ := option.Attr("value")
	tv, _ := page.testid("display-link").Attr("href")
	if got := host.get(tv).body; !strings.Contains(got, "Wanda") {
		t.Error("the TV does not show the walk-up")
	}

	// Picked from the list, over htmx: the form comes back cleared, with
	// a confirmation and Wanda still to pick.
	hx := *host
	hx.htmx = true
	resp := hx.post(dash+"/walkups", "walkup", wanda, "title", "w2")
	if resp.status != http.StatusOK || resp.isPage() || !strings.Contains(resp.testid("walkup-added").Text(), "“w2” for Wanda") {
		t.Errorf("picked walk-up: status %d, added %q", resp.status, resp.testid("walkup-added").Text())
	}
	// The cap holds for a walk-up as for anyone.
	host.post(dash+"/settings", "singer_cap", "2")
	resp = hx.post(dash+"/walkups", "walkup", wanda, "title", "w3")
	if resp.status != http.StatusUnprocessableEntity || !strings.Contains(resp.testid("error-title").Text(), "Wanda already has 2 songs") {
		t.Errorf("past the cap: status %d, %q", resp.status, resp.testid("error-title").Text())
	}

	tests := []struct {
		name  string
		form  []string
		field string
	}{
		{"no name", []string{"name", " ", "title", "x"}, "error-name"},
		{"no title", []string{"name", "Bob", "title", ""}, "error-title"},
		{"a walk-up and another name", []string{"walkup", wanda, "name", "Bob", "title", "x"}, "error-name"},
		{"not a walk-up", []string{"walkup", "12345", "title", "x"}, "error-walkup"},
		{"a song already waiting", []string{"name", "Bob", "title", "a1"}, "walkup-confirm-duplicate"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, b := range []*browser{host, &hx} {
				resp := b.post(dash+"/walkups", tt.form...)
				if resp.status != http.StatusUnprocessableEntity || resp.testid(tt.field).Length() != 1 {
					t.Errorf("htmx %v: status %d, %s missing", b.htmx, resp.status, tt.field)
				}
				if b.htmx == resp.isPage() {
					t.Errorf("htmx %v: a page %v", b.htmx, resp.isPage())
				}
			}
		})
	}
	if got, want := strings.Join(queueTitles(host.get(dash)), " "), "a1 w1 w2"; got != want {
		t.Errorf("queue = %q, want %q: refused walk-ups wrote nothing", got, want)
	}
	// Confirmed, the same song goes in.
	if resp := host.post(dash+"/walkups", "name", "Bob", "title", "a1", "duplicate_ok", "1"); resp.status != http.StatusSeeOther {
		t.Errorf("confirmed duplicate: status %d", resp.status)
	}
}

// pendingActions returns the approve and decline URLs of the dashboard's
// held requests, by title.
func pendingActions(page response) map[string][2]string {
	out := map[string][2]string{}
	page.testid("pending-item").Each(func(_ int, s *goquery.Selection) {
		approve, _ := s.Find(`form:has([data-testid="approve"])`).Attr("action")
		decline, _ := s.Find(`form:has([data-testid="decline"])`).Attr("action")
		out[strings.TrimSpace(s.Find(".title").Text())] = [2]string{approve, decline}
	})
	return out
}

func TestApprovalMode(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	if resp := host.post(dash+"/settings", "singer_cap", "3", "approval", "1"); resp.status != http.StatusSeeOther {
		t.Fatalf("approval on: status %d", resp.status)
	}
	ann, bob := app.guest(code, "Ann", "a1"), app.guest(code, "Bob", "b1")
	app.guest(code, "Cat", "c1")
	annPage := ann.get("/j/" + code)
	if annPage.testid("held-pending").Length() != 1 || annPage.testid("status-held").Length() != 1 {
		t.Errorf("Ann's page does not say her song waits for the host's OK")
	}
	page := host.get(dash)
	if got := len(queueTitles(page)); got != 0 {
		t.Errorf("queue has %d songs, want none before the host's OK", got)
	}
	held := pendingActions(page)
	if len(held) != 3 {
		t.Fatalf("pending = %v, want a1 b1 c1", held)
	}
	hx := *host
	hx.htmx = true
	resp := hx.post(held["a1"][0])
	if resp.status != http.StatusOK || resp.testid("pending-item").Length() != 2 {
		t.Errorf("approve: status %d, %d left", resp.status, resp.testid("pending-item").Length())
	}
	if resp := host.post(held["b1"][1]); resp.status != http.StatusSeeOther {
		t.Errorf("decline: status %d", resp.status)
	}
	if got := bob.get("/j/" + code).testid("held-declined").Text(); got != "The host passed on “b1”." {
		t.Errorf("Bob's page says %q", got)
	}
	if ann.get("/j/"+code).testid("up-next").Length() != 1 {
		t.Error("Ann, approved into an empty queue, is not told she is up next")
	}
	// Another host device answers again: nothing changes, and it says why.
	resp = hx.post(held["b1"][0])
	if resp.status != http.StatusOK || !strings.Contains(resp.testid("host-notice").Text(), "already been declined") {
		t.Errorf("approving a declined song: status %d, notice %q", resp.status, resp.testid("host-notice").Text())
	}
	// Off approves nothing; Approve all does.
	host.post(dash+"/settings", "singer_cap", "3")
	bob.request(code, "b2", "")
	if got, want := strings.Join(queueTitles(host.get(dash)), " "), "a1 b2"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
	page = host.get(dash)
	approveAll, _ := page.testid("approve-all").Attr("action")
	if page.testid("pending-item").Length() != 1 || approveAll == "" {
		t.Fatalf("c1 no longer waits for the host once approval is off")
	}
	host.post(approveAll)
	if got, want := strings.Join(queueTitles(host.get(dash)), " "), "a1 b2 c1"; got != want {
		t.Errorf("queue = %q, want %q", got, want)
	}
}

func TestGuestWithdrawsASongWaitingForTheOK(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	host.post(dash+"/settings", "singer_cap", "1", "approval", "1")
	ann := app.guest(code, "Ann")
	hx := *ann
	hx.htmx = true
	resp := hx.request(code, "a1", "")
	if resp.status != http.StatusOK || !strings.Contains(resp.testid("request-added").Text(), "Sent “a1” to the host") {
		t.Errorf("held request over htmx: status %d, %q", resp.status, resp.testid("request-added").Text())
	}
	if resp := ann.request(code, "a2", ""); resp.status != http.StatusUnprocessableEntity {
		t.Errorf("a 2nd song with a cap of 1 and one held: status %d, want 422", resp.status)
	}
	withdraw, _ := ann.get("/j/" + code).doc.Find(`[data-testid="held-pending"] form`).Attr("action")
	resp = hx.post(withdraw)
	if resp.status != http.StatusOK || resp.testid("held-pending").Length() != 0 {
		t.Errorf("withdraw: status %d, %d held", resp.status, resp.testid("held-pending").Length())
	}
	if host.get(dash).testid("pending-item").Length() != 0 {
		t.Error("the host still sees the withdrawn song")
	}
	if resp := ann.request(code, "a2", ""); resp.status != http.StatusSeeOther {
		t.Errorf("after withdrawing: status %d", resp.status)
	}
}
