package handlers_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

func TestHostRunsTheNight(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	ann, bob, cat := app.guest(code, "Ann"), app.guest(code, "Bob"), app.guest(code, "Cat")
	ann.request(code, "a1", "")
	ann.request(code, "a2", "")
	bob.request(code, "b1", "")
	cat.request(code, "c1", "")

	want := func(step string, titles ...string) {
		t.Helper()
		if got := queueTitles(host.get(dash)); strings.Join(got, " ") != strings.Join(titles, " ") {
			t.Errorf("after %s: queue = %v, want %v", step, got, titles)
		}
	}
	want("requests", "a1", "b1", "c1", "a2")
	ids := map[string]string{}
	host.get(dash).testid("queue-item").Each(func(_ int, s *goquery.Selection) {
		action, _ := s.Find("form").First().Attr("action") // …/requests/{id}/top
		ids[strings.TrimSpace(s.Find(".title").Text())] = strings.TrimSuffix(action, "/top")
	})
	host.post(ids["c1"] + "/up")
	want("c1 up", "a1", "c1", "b1", "a2")
	host.post(ids["a2"] + "/top")
	want("a2 to top", "a2", "a1", "c1", "b1")
	host.post(ids["a1"] + "/back")
	want("a1 to back", "a2", "c1", "b1", "a1")
	host.post(ids["b1"] + "/remove")
	want("b1 removed", "a2", "c1", "a1")
	host.post(dash + "/next")
	if got := host.get(dash).testid("now-singing").Text(); !strings.Contains(got, "a2") {
		t.Errorf("now singing = %q, want a2", got)
	}
	want("next", "c1", "a1")
	host.post(ids["c1"] + "/skip")
	want("c1 skipped", "a1")

	// Pausing shows on the guest's page and refuses requests.
	host.post(dash + "/pause")
	if bob.get("/j/"+code).testid("paused").Length() != 1 {
		t.Error("guest is not told requests are paused")
	}
	host.post(dash + "/resume")
	if resp := bob.request(code, "b2", ""); resp.status != http.StatusSeeOther {
		t.Errorf("request after resume: status %d", resp.status)
	}
	// The cap can be changed, and a bad value is refused beside the field.
	if resp := host.post(dash+"/settings", "singer_cap", "zero"); resp.status != http.StatusUnprocessableEntity || resp.testid("error-singer_cap").Text() == "" {
		t.Errorf("bad cap: status %d", resp.status)
	}
	if resp := host.post(dash+"/settings", "singer_cap", "5"); resp.status != http.StatusSeeOther {
		t.Errorf("cap 5: status %d", resp.status)
	}
	// Ending asks first, then ends: guests see it and cannot request.
	if resp := host.get(dash + "/end"); resp.testid("end-confirm").Length() != 1 {
		t.Error("ending does not ask first")
	}
	host.post(dash + "/end")
	if !strings.Contains(bob.get("/j/"+code).body, "has ended") {
		t.Error("guest is not told the session ended")
	}
	if resp := bob.request(code, "late", ""); resp.status != http.StatusUnprocessableEntity {
		t.Errorf("request after the end: status %d, want 422", resp.status)
	}
}

func TestHostRemovesGuest(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	eve, ann := app.guest(code, "Eve"), app.guest(code, "Ann")
	eve.request(code, "e1", "")
	ann.request(code, "a1", "")
	eve.request(code, "e2", "")

	var href string
	host.get(dash).testid("queue-item").Each(func(_ int, s *goquery.Selection) {
		if strings.Contains(s.Text(), "Eve") {
			href, _ = s.Find(`[data-testid="remove-singer"]`).Attr("href")
		}
	})
	confirm := host.get(href)
	if confirm.status != http.StatusOK || !strings.Contains(confirm.body, "Eve") || !strings.Contains(confirm.body, "2 waiting songs") {
		t.Fatalf("confirmation page: status %d: %.300s", confirm.status, confirm.body)
	}
	action, _ := confirm.testid("remove-guest-confirm").Attr("action")
	if resp := ann.post(action); resp.status != http.StatusForbidden {
		t.Errorf("a guest removing another: status %d, want 403", resp.status)
	}
	if resp := host.post(action); resp.status != http.StatusSeeOther || resp.location != dash {
		t.Fatalf("remove: status %d to %q", resp.status, resp.location)
	}
	if got := queueTitles(host.get(dash)); strings.Join(got, " ") != "a1" {
		t.Errorf("queue = %v, want only Ann's song", got)
	}
	if !strings.Contains(host.get(dash).testid("guests").Text(), "removed") {
		t.Error("the guest list does not show Eve as removed")
	}
	page := eve.get("/j/" + code)
	if page.testid("removed").Length() != 1 || page.testid("request-form").Length() != 0 {
		t.Error("Eve's page does not say she was removed, or still offers the form")
	}
	if resp := eve.request(code, "sneaky", ""); resp.status != http.StatusUnprocessableEntity || !strings.Contains(resp.testid("removed").Text(), "removed") {
		t.Errorf("Eve's request: status %d, notice %q", resp.status, resp.testid("removed").Text())
	}
	eve.htmx = true
	if resp := eve.request(code, "sneaky", ""); resp.status != http.StatusUnprocessableEntity || !strings.Contains(resp.testid("form-error").Text(), "removed") {
		t.Errorf("Eve's request via htmx: status %d, message %q", resp.status, resp.testid("form-error").Text())
	}
	eve.htmx = false
	if resp := eve.post("/j/"+code+"/join", "name", "Eve again"); resp.status != http.StatusUnprocessableEntity || !strings.Contains(resp.testid("error-name").Text(), "removed") {
		t.Errorf("Eve rejoining: status %d, message %q", resp.status, resp.testid("error-name").Text())
	}
	if resp := ann.request(code, "a2", ""); resp.status != http.StatusSeeOther {
		t.Errorf("Ann after Eve's removal: status %d", resp.status)
	}
}
