package handlers_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"
)

// pendingTitles returns the titles of the dashboard's held requests.
func pendingTitles(page response) string {
	var out []string
	for title := range pendingActions(page) {
		out = append(out, title)
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// TestUndoAnswersFromTheDashboard: an approval, a decline, an approve all
// and a walk-up are each in the host's log and undone by the dashboard's
// Undo: the queue and the held songs are back as before, the walk-up stays
// in tonight's list, and each guest's page says what the host did and
// that it was undone.
func TestUndoAnswersFromTheDashboard(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	if resp := host.post(dash+"/settings", "singer_cap", "3", "approval", "1"); resp.status != http.StatusSeeOther {
		t.Fatalf("approval on: status %d", resp.status)
	}
	ann, bob := app.guest(code, "Ann", "a1"), app.guest(code, "Bob", "b1")
	hx := *host
	hx.htmx = true
	before := hostView(host, dash)
	undo := func(want string) {
		t.Helper()
		page := host.get(dash)
		if got, _ := page.testid("undo").Attr("aria-label"); got != "Undo: "+want {
			t.Errorf("Undo's accessible name = %q, want %q", got, "Undo: "+want)
		}
		if log := texts(page, "audit-item"); len(log) == 0 || !strings.HasSuffix(log[0], want) {
			t.Errorf("log = %q, want %q first", log, want)
		}
		url, id := undoForm(t, page)
		if resp := hx.post(url, "action", id); resp.status != http.StatusOK || resp.testid("host-notice").Length() != 0 {
			t.Fatalf("undo %q: status %d, notice %q", want, resp.status, resp.testid("host-notice").Text())
		}
		if log := texts(host.get(dash), "audit-item"); len(log) == 0 || !strings.HasSuffix(log[0], "Undid: "+want) {
			t.Errorf("log = %q, want the undo of %q first", log, want)
		}
	}
	waitsAgain := "The host undid that: your song is waiting for the host's OK again."

	// Approve: Ann's song joins the queue and she is told; undone, it waits again.
	if resp := hx.post(pendingActions(host.get(dash))["a1"][0]); resp.status != http.StatusOK || resp.testid("host-notice").Length() != 0 {
		t.Fatalf("approve: status %d, notice %q", resp.status, resp.testid("host-notice").Text())
	}
	if got := texts(ann.get("/j/"+code), "host-did"); len(got) != 1 || got[0] != "The host approved “a1”." {
		t.Errorf("Ann's page says %q", got)
	}
	undo("Approved Ann's “a1”: waiting for OK → 1st in line")
	if got := hostView(host, dash); got != before {
		t.Errorf("after the undo the host sees\n%s\nwant\n%s", got, before)
	}
	if got := pendingTitles(host.get(dash)); got != "a1 b1" {
		t.Errorf("pending after the undo = %q, want a1 b1", got)
	}
	annPage := ann.get("/j/" + code)
	if got := texts(annPage, "host-did"); len(got) != 1 || got[0] != waitsAgain || annPage.testid("held-pending").Length() != 1 {
		t.Errorf("after the undo Ann's page says %q, %d songs waiting for the OK", got, annPage.testid("held-pending").Length())
	}

	// Decline: Bob is told the host passed; undone, his song waits again.
	host.post(pendingActions(host.get(dash))["b1"][1])
	if bob.get("/j/"+code).testid("held-declined").Length() != 1 {
		t.Error("Bob's page does not say the host passed on b1")
	}
	undo("Declined Bob's “b1”: waiting for OK → declined")
	bobPage := bob.get("/j/" + code)
	if bobPage.testid("held-declined").Length() != 0 || bobPage.testid("held-pending").Length() != 1 {
		t.Error("after the undo Bob's page does not show b1 waiting for the OK again")
	}
	if got := texts(bobPage, "host-did"); len(got) != 1 || got[0] != waitsAgain {
		t.Errorf("after the undo Bob's page says %q", got)
	}

	// Approve all: both are told; undone, both wait again.
	approveAll, _ := host.get(dash).testid("approve-all").Attr("action")
	host.post(approveAll)
	if got := strings.Join(queueTitles(host.get(dash)), " "); got != "a1 b1" {
		t.Errorf("queue after approve all = %q", got)
	}
	if got := texts(bob.get("/j/"+code), "host-did"); len(got) != 1 || got[0] != "The host approved “b1”." {
		t.Errorf("after approve all Bob's page says %q", got)
	}
	undo("Approved all: 2 waiting songs → the queue")
	if got := hostView(host, dash); got != before {
		t.Errorf("after approve all's undo the host sees\n%s\nwant\n%s", got, before)
	}
	if got := texts(ann.get("/j/"+code), "host-did"); len(got) != 1 || got[0] != waitsAgain {
		t.Errorf("after approve all's undo Ann's page says %q", got)
	}

	// A walk-up: undone, the song leaves the queue and Wanda stays on the list.
	host.post(dash+"/walkups", "name", "Wanda", "title", "w1")
	undo("Walk-up Wanda's “w1” → 1st in line")
	page := host.get(dash)
	if got := strings.Join(queueTitles(page), " "); got != "" {
		t.Errorf("queue after the walk-up's undo = %q, want empty", got)
	}
	if option := page.doc.Find(`select[name="walkup"] option[value!=""]`); !strings.Contains(option.Text(), "Wanda") {
		t.Errorf("tonight's walk-ups after the undo = %q, want Wanda still", option.Text())
	}
}

// TestUndoOfAnApprovalRefusedOnceItStarted: the dashboard says why it
// cannot undo an approval whose song is on stage, and an undo sent anyway
// changes nothing.
func TestUndoOfAnApprovalRefusedOnceItStarted(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	host.post(dash+"/settings", "singer_cap", "3", "approval", "1")
	app.guest(code, "Ann", "a1")
	host.post(pendingActions(host.get(dash))["a1"][0])
	_, id := undoForm(t, host.get(dash))
	host.post(dash+"/next", "ends", "none")
	// Start next is the latest action now: the approval's undo comes from
	// a page loaded before it.
	before := hostView(host, dash)
	resp := host.post(dash+"/undo", "action", id)
	if got := resp.testid("host-notice").Text(); !strings.Contains(got, "Can't undo: Ann's song has started since.") {
		t.Errorf("an undo of the approval after a1 started: status %d, notice %q", resp.status, got)
	}
	if got := hostView(host, dash); got != before {
		t.Errorf("a refused undo changed the night:\n%s\nwant\n%s", got, before)
	}
}
