package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

// TestDuplicateMessages: the request form says who has the song already,
// also when an artist was left out, and when a song was sung tonight; each
// time it offers to add it anyway, with htmx and without.
func TestDuplicateMessages(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	ann, bob := app.guest(code, "Ana"), app.guest(code, "Bob")
	ann.request(code, "Zombie", "The Cranberries")
	host.post(dash+"/next", "ends", "none")
	host.post(dash+"/next", "ends", endsValue(t, host.get(dash))) // Ana's Zombie is sung
	ann.request(code, "Africa", "")

	tests := []struct {
		name          string
		htmx          bool
		title, artist string
		says          string
	}{
		{"sung tonight", false, "Zombie", "", "“Zombie” by The Cranberries was sung at "},
		{"sung tonight, htmx", true, "zombie", "the cranberries", "by Ana (just now). Add it again anyway?"},
		{"waiting, artist left out", false, "Africa", "Toto", "Ana already requested “Africa”; it is in the queue."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bob.htmx = tt.htmx
			defer func() { bob.htmx = false }()
			resp := bob.request(code, tt.title, tt.artist)
			if resp.status != http.StatusUnprocessableEntity || resp.isPage() == tt.htmx {
				t.Errorf("status %d, page %v", resp.status, resp.isPage())
			}
			if got := resp.testid("error-title").Text(); !strings.Contains(got, tt.says) {
				t.Errorf("message = %q, want %q", got, tt.says)
			}
			if resp.testid("confirm-duplicate").Length() != 1 {
				t.Error("no way to add it anyway")
			}
		})
	}
}
