package handlers_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// undoForm returns the dashboard's Undo: where it posts and the action it names.
func undoForm(t *testing.T, page response) (string, string) {
	t.Helper()
	form := page.testid("undo-form")
	action, _ := form.Attr("action")
	id, ok := form.Find(`input[name="action"]`).Attr("value")
	if action == "" || !ok {
		t.Fatalf("the dashboard offers no Undo: %q", strings.Join(strings.Fields(page.testid("now-singing").Parent().Text()), " "))
	}
	return action, id
}

func texts(r response, testid string) []string {
	var out []string
	r.testid(testid).Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.Join(strings.Fields(s.Text()), " "))
	})
	return out
}

// TestUndoASkipFromTheDashboard: a host skips a singer; the log says who
// did it, the singer's page says so, and the dashboard's Undo puts the
// queue back exactly; a second tap of the same Undo changes nothing and
// says why; the undo is in the log.
func TestUndoASkipFromTheDashboard(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	app.guest(code, "Ann", "a1")
	bob := app.guest(code, "Bob", "b1")
	app.guest(code, "Cleo", "c1")
	host.post(dash+"/next", "ends", "none")
	before := hostView(host, dash)
	bobBefore := texts(bob.get("/j/"+code), "status-position")

	page := host.get(dash)
	skip, _ := page.doc.Find(`[data-testid="queue-item"]:first-child [formaction$="/skip"]`).Attr("formaction")
	if resp := host.post(skip); resp.status != http.StatusSeeOther {
		t.Fatalf("skip: status %d", resp.status)
	}
	page = host.get(dash)
	if got := queueTitles(page); strings.Join(got, " ") != "c1" {
		t.Fatalf("queue after the skip = %v", got)
	}
	log := texts(page, "audit-item")
	device := strings.TrimSpace(page.testid("this-device").Text())
	if len(log) < 2 || !strings.Contains(log[0], "Skipped Bob's “b1”: 1st in line → skipped") || !strings.Contains(log[0], device) ||
		!regexp.MustCompile(`^\d\d:\d\d `).MatchString(log[0]) {
		t.Fatalf("log = %q, want the skip first, by %q, with its time", log, device)
	}
	if got := texts(bob.get("/j/"+code), "host-did"); len(got) != 1 || got[0] != "The host skipped your song “b1”." {
		t.Errorf("Bob's page says %q", got)
	}

	undo, id := undoForm(t, page)
	if got, _ := page.testid("undo").Attr("aria-label"); got != "Undo: Skipped Bob's “b1”: 1st in line → skipped" {
		t.Errorf("Undo's accessible name = %q", got)
	}
	htmx := *host
	htmx.htmx = true
	resp := htmx.post(undo, "action", id)
	if resp.status != http.StatusOK || resp.isPage() || resp.testid("host-notice").Length() != 0 {
		t.Fatalf("undo: status %d, page %v, notice %q", resp.status, resp.isPage(), resp.testid("host-notice").Text())
	}
	if got := hostView(host, dash); got != before {
		t.Errorf("after the undo the host sees\n%s\nwant, as before the skip,\n%s", got, before)
	}
	if got := texts(bob.get("/j/"+code), "status-position"); strings.Join(got, "|") != strings.Join(bobBefore, "|") {
		t.Errorf("Bob's place after the undo = %q, want %q", got, bobBefore)
	}
	// The second tap of a double tap names the same action: nothing changes.
	resp = htmx.post(undo, "action", id)
	if resp.status != http.StatusOK || !strings.Contains(resp.testid("host-notice").Text(), "already undone") {
		t.Errorf("second tap: status %d, notice %q", resp.status, resp.testid("host-notice").Text())
	}
	if got := hostView(host, dash); got != before {
		t.Errorf("the second tap changed the night:\n%s", got)
	}
	log = texts(host.get(dash), "audit-item")
	if len(log) < 3 || !strings.HasPrefix(log[0][6:], device) || !strings.Contains(log[0], "Undid: Skipped Bob's “b1”") {
		t.Errorf("log = %q, want the undo first", log)
	}
}

// TestUndoRefusedSaysWhy: the guest whose song the host moved is told;
// when their change makes the host's latest action impossible to undo,
// the dashboard says why instead of offering it.
func TestUndoRefusedSaysWhy(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	app.guest(code, "Ann", "a1")
	cleo := app.guest(code, "Cleo", "c1")
	page := host.get(dash)
	up, _ := page.doc.Find(`[data-testid="queue-item"]:last-child [formaction$="/up"]`).Attr("formaction")
	host.post(up)
	_, id := undoForm(t, host.get(dash))
	if got := texts(cleo.get("/j/"+code), "host-did"); len(got) != 1 || got[0] != "The host moved your song “c1” up." {
		t.Errorf("Cleo's page says %q", got)
	}
	withdraw, _ := cleo.get("/j/" + code).doc.Find(`form[action$="/withdraw"]`).Attr("action")
	cleo.post(withdraw)
	page = host.get(dash)
	if got := strings.TrimSpace(page.testid("undo-cannot").Text()); got != "Can't undo: Cleo withdrew “c1” since." {
		t.Errorf("the dashboard says %q", got)
	}
	if page.testid("undo").Length() != 0 {
		t.Error("the dashboard offers an Undo it cannot do")
	}
	if resp := host.post(dash+"/undo", "action", id); !strings.Contains(resp.testid("host-notice").Text(), "Can't undo") {
		t.Errorf("an undo sent anyway: status %d, notice %q", resp.status, resp.testid("host-notice").Text())
	}
}

// TestHostDevicesAreToldApart: two host devices sharing the host key have
// different names in the log.
func TestHostDevicesAreToldApart(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	app.guest(code, "Ann", "a1")
	other := secondHost(t, app, host, dash)
	host.post(dash + "/pause")
	other.post(dash + "/resume")
	mine, theirs := host.get(dash).testid("this-device").Text(), other.get(dash).testid("this-device").Text()
	if mine == theirs || mine == "" {
		t.Fatalf("both devices are %q and %q", mine, theirs)
	}
	log := texts(host.get(dash), "audit-item")
	if len(log) != 2 || !strings.Contains(log[0], theirs+" Requests: paused → open") || !strings.Contains(log[1], mine+" Requests: open → paused") {
		t.Errorf("log = %q", log)
	}
}
