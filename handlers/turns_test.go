package handlers_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// secondHost is a new browser made a host of the session by its host link.
func secondHost(t *testing.T, app *testApp, host *browser, dash string) *browser {
	t.Helper()
	link, _ := host.get(dash).testid("host-link").Attr("value")
	other := app.browser()
	if resp := other.get(mustURL(t, link).Path); resp.status != http.StatusSeeOther {
		t.Fatalf("claim the host link: status %d", resp.status)
	}
	return other
}

// endsValue is the turn a dashboard's Start next form says it ends.
func endsValue(t *testing.T, page response) string {
	t.Helper()
	v, ok := page.testid("next-singer").Find(`input[name="ends"]`).Attr("value")
	if !ok {
		t.Fatal("the Start next form has no ends field")
	}
	return v
}

func nowSingingText(r response) string {
	return strings.Join(strings.Fields(r.testid("now-singing").Text()), " ")
}

// TestTwoHostsPressStartNextAtOnce: two host devices (two cookie jars), each
// pressing Start next from the page it shows, several times at once, start
// exactly one singer a round; nobody's turn is skipped, and each press that
// lost says why.
func TestTwoHostsPressStartNextAtOnce(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	for i := range 8 {
		name := fmt.Sprintf("Singer%d", i)
		app.guest(code, name, name+" song 1", name+" song 2", name+" song 3")
	}
	hosts := []*browser{host, secondHost(t, app, host, dash)}
	order := queueTitles(host.get(dash))
	const rounds = 20
	if len(order) < rounds {
		t.Fatalf("%d songs waiting, want at least %d", len(order), rounds)
	}
	for round := range rounds {
		presses := 2 + round%7 // 2 to 8 at once
		pages := []response{hosts[0].get(dash), hosts[1].get(dash)}
		var (
			wg       sync.WaitGroup
			mu       sync.Mutex
			statuses []int
			notices  int
			failures []error
		)
		for p := range presses {
			b, ends := hosts[p%2], endsValue(t, pages[p%2])
			wg.Go(func() {
				resp, err := b.client.PostForm(app.server.URL+dash+"/next", url.Values{"ends": {ends}})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					failures = append(failures, err)
					return
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				statuses = append(statuses, resp.StatusCode)
				if strings.Contains(string(body), `data-testid="host-notice"`) && strings.Contains(string(body), "had already started on another device") {
					notices++
				}
			})
		}
		wg.Wait()
		if len(failures) > 0 {
			t.Fatalf("round %d: %v", round, failures)
		}
		advanced := 0
		for _, s := range statuses {
			if s == http.StatusSeeOther {
				advanced++
			}
		}
		if advanced != 1 || notices != presses-1 {
			t.Errorf("round %d, %d presses: %d advanced (statuses %v) and %d told another device had started, want 1 and %d",
				round, presses, advanced, statuses, notices, presses-1)
		}
		if got, want := nowSingingText(host.get(dash)), order[round]; !strings.Contains(got, want) {
			t.Fatalf("round %d: now singing %q, want %q: a turn was skipped or not started", round, got, want)
		}
	}
}

// TestTurnConflictSaysWhatHappened: a press from a page another device has
// overtaken changes nothing and shows the night as it stands with a short
// message, to htmx (the live part and the message slot) and to a plain post
// (the whole page).
func TestTurnConflictSaysWhatHappened(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	app.guest(code, "Ana", "Zombie")
	app.guest(code, "Ben", "Africa")
	app.guest(code, "Cleo", "Jolene")
	other := secondHost(t, app, host, dash)
	stale := endsValue(t, host.get(dash)) // nobody singing
	other.post(dash+"/next", "ends", endsValue(t, other.get(dash)))
	singing := endsValue(t, host.get(dash)) // Ana

	tests := []struct {
		name  string
		htmx  bool
		path  string
		form  []string
		says  string
		still string // who sings afterwards
	}{
		{"start next, plain", false, "/next", []string{"ends", stale}, "Ana's turn had already started on another device.", "Zombie"},
		{"start next, htmx", true, "/next", []string{"ends", stale}, "Ana's turn had already started on another device.", "Zombie"},
		{"an old page without the field", false, "/next", nil, "Ana's turn had already started on another device.", "Zombie"},
		{"stop from an old page", true, "/stop", nil, "This page was out of date", "Zombie"},
		{"stop a turn that had ended", false, "/stop", []string{"ends", "999"}, "That request is not in this session.", "Zombie"},
		{"start next after another device moved on", true, "/next", []string{"ends", "999"}, "Ana's turn had already started on another device.", "Zombie"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := hostView(host, dash)
			host.htmx = tt.htmx
			resp := host.post(dash+tt.path, tt.form...)
			host.htmx = false
			if resp.status != http.StatusOK || resp.isPage() == tt.htmx {
				t.Errorf("status %d, page %v; want 200, page %v", resp.status, resp.isPage(), !tt.htmx)
			}
			if got := resp.testid("host-notice").Text(); !strings.Contains(got, tt.says) {
				t.Errorf("notice = %q, want %q", got, tt.says)
			}
			if tt.htmx && resp.doc.Find(`#host-notice[hx-swap-oob]`).Length() != 1 {
				t.Error("htmx answer has no out-of-band notice")
			}
			if got := nowSingingText(resp); !strings.Contains(got, tt.still) {
				t.Errorf("answer's now singing = %q, want %q", got, tt.still)
			}
			if after := hostView(host, dash); after != before {
				t.Errorf("the press changed the night:\n%s\n%s", before, after)
			}
		})
	}

	// The page's own Stop, with the turn it shows, works; pressed again from
	// the other device's page, which still shows Ana, it says she is done.
	otherPage := other.get(dash)
	if resp := host.post(dash+"/stop", "ends", singing); resp.status != http.StatusSeeOther {
		t.Fatalf("stop: status %d", resp.status)
	}
	resp := other.post(dash+"/stop", "ends", endsValue(t, otherPage))
	if got := resp.testid("host-notice").Text(); !strings.Contains(got, "Ana's “Zombie” had already been skipped.") {
		t.Errorf("second stop: notice %q", got)
	}
	// A successful htmx press clears the notice.
	other.htmx = true
	if resp := other.post(dash+"/next", "ends", "none"); resp.doc.Find(`#host-notice[hx-swap-oob]`).Length() != 1 || resp.testid("host-notice").Length() != 0 {
		t.Errorf("htmx next: notice not cleared: %s", resp.body)
	}
}
