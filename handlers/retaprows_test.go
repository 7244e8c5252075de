package handlers_test

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/live"
	"github.com/karaoke-night/karaoke/views"
)

// hostRows are the queue rows the host's stream has now, by key.
func hostRows(t *testing.T, app *testApp, dash string) map[string][]byte {
	t.Helper()
	id, err := strconv.ParseInt(strings.TrimPrefix(dash, "/host/"), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	f, err := handlers.LiveSource(app.store).Frame(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	events, err := f.Events(live.Listener{SessionID: id, Page: live.PageHost})
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]byte{}
	for _, e := range events {
		if strings.HasPrefix(e.Name, strings.TrimSuffix(views.HostRowKey(0), "0")) {
			rows[e.Name] = e.HTML
		}
	}
	return rows
}

// resent are the rows a stream sends again going from before to after:
// those still there whose bytes changed.
func resent(before, after map[string][]byte) []string {
	var out []string
	for k, html := range after {
		if old, ok := before[k]; ok && !bytes.Equal(old, html) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// TestQueueRowKeysKeepRowsStill: a queue row's one-time key is made from
// its singer's songs, so the host's stream sends a row again only when
// that singer's songs change: not for a song added, moved or skipped
// elsewhere in the queue.
func TestQueueRowKeysKeepRowsStill(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	withQueue(app, code) // One (Ana), Three (Bob), Four (Cleo), Two (Ana)
	app.guest(code, "Dan", "Five")
	steps := []struct {
		name string
		do   func()
		want []string
	}{
		{"a guest asks for a song", func() { app.guest(code, "Eve", "Six") }, nil},
		{"the host moves Cleo's song up, past Bob's", func() {
			f := formTo(t, host.get(dash), "/requests/4/up")
			host.do("POST", f.action, f.values)
		}, []string{views.HostRowKey(4)}},
		{"the host skips Dan's song", func() {
			f := formTo(t, host.get(dash), "/requests/5/skip")
			host.do("POST", f.action, f.values)
		}, nil},
		{"the host moves Ana's second song to the top", func() {
			f := formTo(t, host.get(dash), "/requests/2/top")
			host.do("POST", f.action, f.values)
		}, []string{views.HostRowKey(1), views.HostRowKey(2)}},
	}
	for _, step := range steps {
		before := hostRows(t, app, dash)
		step.do()
		if got := resent(before, hostRows(t, app, dash)); !slices.Equal(got, step.want) {
			t.Errorf("%s: rows sent again %v, want %v", step.name, got, step.want)
		}
	}
}

// TestMoveThatChangedNothingKeepsNoKey: Up on the first song changes
// nothing and keeps no answer, so the same form, tapped once another song
// has gone ahead of it, moves it.
func TestMoveThatChangedNothingKeepsNoKey(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	withQueue(app, code) // One, Three, Four, Two
	hx := host.asHTMX()
	up := formTo(t, host.get(dash), "/requests/1/up")
	hx.do("POST", up.action, up.values)
	if got := strings.Join(queueTitles(host.get(dash)), " "); got != "One Three Four Two" {
		t.Fatalf("Up on the first song: %s", got)
	}
	top := formTo(t, host.get(dash), "/requests/4/top")
	hx.do("POST", top.action, top.values)
	if again := formTo(t, host.get(dash), "/requests/1/up"); again.values.Get(views.RetapField) != up.values.Get(views.RetapField) {
		t.Fatal("a move of another singer's song changed the row's key") // then this test proves nothing
	}
	resp := hx.do("POST", up.action, up.values)
	if got := strings.Join(queueTitles(host.get(dash)), " "); got != "One Four Three Two" {
		t.Errorf("Up again, once Four went to the top: %s (repeat: %q)", got, resp.header.Get("Karaoke-Retap"))
	}
}

// TestUndoneSkipSkipsAgain: after an undo puts a skipped song back, its
// row has a new key, and Skip skips it again.
func TestUndoneSkipSkipsAgain(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	withQueue(app, code)
	skip := formTo(t, host.get(dash), "/requests/3/skip")
	host.do("POST", skip.action, skip.values)
	undo := formOn(t, host.get(dash), "undo-form")
	host.do("POST", undo.action, undo.values)
	if got := queueTitles(host.get(dash)); !slices.Contains(got, "Three") {
		t.Fatalf("the undo did not put Three back: %v", got)
	}
	again := formTo(t, host.get(dash), "/requests/3/skip")
	if again.values.Get(views.RetapField) == skip.values.Get(views.RetapField) {
		t.Error("Skip has the key it had before the undo")
	}
	host.do("POST", again.action, again.values)
	if got := queueTitles(host.get(dash)); slices.Contains(got, "Three") {
		t.Errorf("Skip after the undo: Three still waits: %v", got)
	}
}

// TestKeylessTapsAreSafeToRepeat: the posts that carry no key (keyless in
// retaprule_test.go) change the night once when sent twice, and get the
// same answer. (A push subscription sent twice: TestPushSubscribeAndSend.)
func TestKeylessTapsAreSafeToRepeat(t *testing.T) {
	tests := []struct {
		name string
		tap  func(app *testApp, host *browser, dash, code string) (*browser, postForm)
	}{
		{"guest holds their spot", func(app *testApp, host *browser, dash, code string) (*browser, postForm) {
			withQueue(app, code)
			dan := app.guest(code, "Dan", "Five")
			return dan, formTo(t, dan.get("/j/"+code), "/hold")
		}},
		{"host closes the night to new guests", onDashboard("/joining/lock")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			app := newTestApp(t)
			host, dash, code := app.hostNight()
			b, form := tt.tap(app, host, dash, code)
			b.htmx = true
			before := nightState(app, host, dash)
			first := b.do("POST", form.action, form.values)
			once := nightState(app, host, dash)
			second := b.do("POST", form.action, form.values)
			if once == before {
				t.Fatalf("the first tap changed nothing (status %d)", first.status)
			}
			if got := nightState(app, host, dash); got != once {
				t.Errorf("the second tap changed the night:\nonce:\n%s\ntwice:\n%s", once, got)
			}
			if first.status != second.status || first.body != second.body {
				t.Errorf("second answer %d (%d bytes), want the first's %d (%d bytes)", second.status, len(second.body), first.status, len(first.body))
			}
		})
	}
}
