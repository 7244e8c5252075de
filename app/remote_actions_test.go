package app_test

import (
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/karaoke-night/karaoke/internal/sse"
	"github.com/karaoke-night/karaoke/live"
	"github.com/karaoke-night/karaoke/views"
)

// TestRemoteHostActionsAcrossMachines runs the rest of a night with the
// host on machine A and the guests on machine B: a guest's withdrawal on B
// reaches A's dashboard, the host's Skip and its Undo on A reach the
// guest's page on B, and the night ended on A ends that page on B, each
// within liveWithin.
func TestRemoteHostActionsAcrossMachines(t *testing.T) {
	_, ms := remoteMachines(t, 2)
	a, b := ms[0], ms[1]
	n := newNight(t, a.base, 0) // the host on A
	ann, bob := newPhone(t, b.base), newPhone(t, b.base)
	ann.open("POST", "/j/"+n.code+"/join", url.Values{"name": {"Ann"}})
	bob.open("POST", "/j/"+n.code+"/join", url.Values{"name": {"Bob"}})
	n.request(ann, "Toxic")
	n.request(bob, "Africa")
	n.request(bob, "Zombie")
	n.host.startNext(n.dash) // Ann sings; Bob's Africa is next, then his Zombie
	hostStream := n.host.listen("host on A", n.dash, nil)
	bobStream := bob.listen("Bob on B", "/j/"+n.code, nil)

	// Bob withdraws Zombie through B: its row leaves the order on A.
	page, _ := bob.open("GET", "/j/"+n.code, nil)
	withdraw := formIn(t, page, `[data-testid="my-request"]:contains("Zombie") form[action$="/withdraw"]`)
	zombie := path.Base(path.Dir(withdraw.action)) // …/requests/{id}/withdraw
	start := time.Now()
	bob.open("POST", withdraw.action, withdraw.values)
	hears(t, hostStream, "Bob's withdrawal on B", start, func(ev sse.Event) bool {
		return ev.Name == views.EventHostOrder && !slices.Contains(strings.Fields(ev.Data), zombie)
	})

	// The host skips Africa on A: Bob's page on B says so; the Undo on A
	// puts it back in his songs.
	dash, _ := n.host.open("GET", n.dash, nil)
	skip := formIn(t, n.host.openRow(dash.Find(`[data-testid="queue-item"]:contains("Africa")`)), `[data-testid="row-menu"] [formaction$="/skip"]`)
	start = time.Now()
	dash, _ = n.host.open("POST", skip.action, skip.values)
	hears(t, bobStream, "the host's Skip on A", start, func(ev sse.Event) bool {
		return ev.Name == views.EventGuestStatus && strings.Contains(ev.Data, `data-testid="host-did"`) && strings.Contains(ev.Data, "Africa")
	})
	undo := formIn(t, dash, `[data-testid="undo-form"]`)
	start = time.Now()
	n.host.open("POST", undo.action, undo.values)
	hears(t, bobStream, "the host's Undo on A (Africa back in his songs)", start, func(ev sse.Event) bool {
		return ev.Name == views.EventGuestMine && strings.Contains(ev.Data, "Africa")
	})

	// The host ends the night on A: Bob's page on B says so, and its
	// stream ends.
	start = time.Now()
	n.host.open("POST", n.dash+"/end", nil)
	hears(t, bobStream, "the night ended on A", start, func(ev sse.Event) bool {
		return ev.Name == views.EventGuestStatus && strings.Contains(ev.Data, `data-testid="ended"`)
	})
	hears(t, bobStream, "the end of its stream", start, func(ev sse.Event) bool { return ev.Name == live.EndedEvent })
	page, _ = bob.open("GET", "/j/"+n.code, nil)
	if page.Find(`[data-testid="ended"]`).Length() == 0 {
		t.Error("Bob's page served by B does not say the night has ended")
	}
}

// hears waits for s to hear what, an event match accepts, within
// liveWithin of start (just before the change was sent), and logs how soon
// it did.
func hears(t *testing.T, s *stream, what string, start time.Time, match func(sse.Event) bool) {
	t.Helper()
	if !s.waitUntil(time.Until(start.Add(liveWithin)), match) {
		t.Errorf("%s did not hear %s within %v", s.name, what, liveWithin)
		return
	}
	t.Logf("%s heard %s after %v", s.name, what, time.Since(start).Round(time.Millisecond))
}

// pageForm is a form found on a page: where it posts, and its fields.
type pageForm struct {
	action string
	values url.Values
}

// formIn returns what a tap on the one element selector finds on page
// sends: a form, or a button with a formaction of its own in a form that
// holds several, with the values of the form's inputs (a one-time key
// among them), as a browser would send it.
func formIn(t *testing.T, page *goquery.Document, selector string) pageForm {
	t.Helper()
	sel := page.Find(selector)
	if sel.Length() != 1 {
		t.Fatalf("%d elements match %s, want 1", sel.Length(), selector)
	}
	form := sel.Closest("form")
	f := pageForm{values: url.Values{}}
	f.action, _ = form.Attr("action")
	if own, ok := sel.Attr("formaction"); ok {
		f.action = own
	}
	form.Find("input[name]").Each(func(_ int, in *goquery.Selection) {
		name, _ := in.Attr("name")
		value, _ := in.Attr("value")
		f.values.Add(name, value)
	})
	return f
}

// waitUntil reads events until one matches, or within passes. Like
// waitFor it returns the moment the event arrives, so the times logged
// are the events'.
func (s *stream) waitUntil(within time.Duration, match func(sse.Event) bool) bool {
	deadline := time.After(within)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				return false
			}
			if match(ev) {
				return true
			}
		case <-deadline:
			return false
		}
	}
}
