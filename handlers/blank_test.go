package handlers_test

import (
	"net/http"
	"testing"
)

// TestBlankLookingNamesAreRefused types names made of filler and zero-width
// characters into every form that needs a name or a title: each is refused
// as an empty one would be, with the form again (422) and nothing stored.
func TestBlankLookingNamesAreRefused(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	singer := app.guest(code, "Ann")
	for _, blank := range []string{"\u3164", "\u2800", "\u115F\u1160", "\uFFA0\u3000", "\u200B\u3164\u2800"} {
		for _, try := range []struct {
			form string
			send func() response
		}{
			{"new session", func() response { return app.browser().post("/sessions", "name", blank) }},
			{"join", func() response { return app.browser().post("/j/"+code+"/join", "name", blank) }},
			{"request", func() response { return singer.request(code, blank, "") }},
		} {
			if resp := try.send(); resp.status != http.StatusUnprocessableEntity {
				t.Errorf("%s with %+q: status %d, want 422", try.form, blank, resp.status)
			}
		}
	}
	page := host.get(dash)
	if got := page.testid("queue-item").Length(); got != 0 {
		t.Errorf("queue holds %d songs, want none", got)
	}
}
