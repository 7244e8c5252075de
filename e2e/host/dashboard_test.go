package host_test

import (
	"context"
	"fmt"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/e2etest"
)

// busyDashboard is a host running a bar night from a phone: 40 guests, 60
// songs seeded, the first of them being sung, so 59 wait.
func busyDashboard(t *testing.T) (s *e2etest.Server, host context.Context, dashURL string) {
	t.Helper()
	s = e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	host = b.Person(1366, 900)
	dashURL, _ = e2etest.HostCreates(t, s, host, "Busy night")
	e2etest.HostOnPhone(t, host)
	e2etest.SeedBusyNight(t, s, dashURL, 40, 60)
	e2etest.WaitFor(t, host, "the 60 seeded songs on the dashboard", `document.querySelectorAll('#host-queue [data-testid="queue-item"]').length === 60`)
	e2etest.StartTurn(t, host)
	e2etest.WaitFor(t, host, "59 songs waiting", `document.querySelectorAll('#host-queue [data-testid="queue-item"]').length === 59`)
	return s, host, dashURL
}

// asOtherDevice writes to the night as another process would (a second
// host device, a guest on another machine): the dashboard learns of it by
// its stream.
func asOtherDevice(t *testing.T, s *e2etest.Server, dashURL string, write func(ctx context.Context, store *db.Store, sessionID int64) error) {
	t.Helper()
	u, err := url.Parse(dashURL)
	if err != nil {
		t.Fatal(err)
	}
	id, err := strconv.ParseInt(path.Base(path.Clean(u.Path)), 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	store, err := db.Open(ctx, s.Cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	if err := write(ctx, store, id); err != nil {
		t.Fatal(err)
	}
}

// firstScreen measures the phone's first screen: whether now singing and
// Start next show, how many queue rows show whole below the sticky top,
// and the controls on it smaller than a fingertip.
const firstScreen = `(function(){
	var h = window.innerHeight, top = document.querySelector('.dash-top').getBoundingClientRect().bottom;
	function shown(e){ var r = e.getBoundingClientRect(); return r.height > 0 && r.top >= 0 && r.bottom <= h; }
	var rows = Array.from(document.querySelectorAll('#host-queue > li > details > summary')).filter(function(e){
		var r = e.getBoundingClientRect(); return r.top >= top && r.bottom <= h; });
	var small = Array.from(document.querySelectorAll('button, a, summary, input')).filter(function(e){
		var r = e.getBoundingClientRect(); return shown(e) && r.height < 44; }).map(function(e){ return e.textContent.trim().slice(0, 30); });
	return {now: shown(document.querySelector('#host-live [data-testid="now-singing"] .singer')),
		next: shown(document.querySelector('[data-testid="next-singer"] button')),
		rows: rows.length, small: small};
})()`

type screen struct {
	Now, Next bool
	Rows      int
	Small     []string
}

// TestPhoneDashboardAtSixtySongs: on a 390×844 phone at 60 songs, the
// first screen shows who sings, Start next and at least 8 queue rows, with
// no control under 44 px; every section is one tap away in the menu.
func TestPhoneDashboardAtSixtySongs(t *testing.T) {
	_, host, _ := busyDashboard(t)
	got := e2etest.Eval[screen](t, host, firstScreen)
	if !got.Now || !got.Next || got.Rows < 8 {
		t.Errorf("the first screen shows now singing %v, Start next %v and %d queue rows; want both and at least 8", got.Now, got.Next, got.Rows)
	}
	if len(got.Small) > 0 {
		t.Errorf("controls under 44 px on the first screen: %q", got.Small)
	}
	// A phone widens its page to fit what does not: then everything shrinks.
	if w := e2etest.Eval[int](t, host, `Math.max(window.innerWidth, document.documentElement.scrollWidth)`); w != 390 {
		t.Errorf("the phone dashboard is %d px wide, not 390", w)
	}
	// The section menu is one row with every section on show: a link cut
	// off at the edge is one the host does not know is there.
	if over := e2etest.Eval[int](t, host, `(function(){ var n = document.querySelector('[data-testid="dash-nav"]'); return n.scrollWidth - n.clientWidth; })()`); over > 0 {
		t.Errorf("the section menu is %d px wider than the phone shows: its last links are cut off", over)
	}
	height := e2etest.Eval[int](t, host, `document.documentElement.scrollHeight`)
	buttons := e2etest.Eval[int](t, host, `document.querySelectorAll('button').length`)
	visible := e2etest.Eval[int](t, host, `Array.from(document.querySelectorAll('button, summary, a.button')).filter(function(e){return e.checkVisibility()}).length`)
	t.Logf("phone dashboard at 59 waiting: %d px tall, %d buttons in the page, %d controls visible until a menu opens (buttons, row lines, links styled as buttons), %d rows on the first screen",
		height, buttons, visible, got.Rows)

	// Each section is one tap from the menu at the top, and then in view.
	for _, section := range []string{"guests", "rules", "join", "host-link", "end", "queue"} {
		e2etest.Do(t, host, "tap "+section+" in the menu", chromedp.Click(chromedp.CSS(`[data-testid="dash-nav"] a[href="#`+section+`"]`)))
		e2etest.WaitFor(t, host, section+" in view below the sticky top", fmt.Sprintf(`(function(){
			var r = document.getElementById(%q).getBoundingClientRect();
			return r.top >= document.querySelector('.dash-top').getBoundingClientRect().bottom - 1 && r.top < window.innerHeight; })()`, section))
	}
}

// TestHostTapHitsTheIntendedSong: the host opens a row's menu; meanwhile a
// guest requests and another host device moves a song to the top. The open
// row does not move or change, and Remove removes the song the host chose;
// once the menu closes the queue shows the others' changes.
func TestHostTapHitsTheIntendedSong(t *testing.T) {
	s, host, dashURL := busyDashboard(t)
	row := e2etest.Eval[string](t, host, `Array.from(document.querySelectorAll('#host-queue > li')).filter(function(li){
		return li.querySelector('summary .title').textContent === 'I Will Survive'; })[0].id`)
	summary := "#" + row + " > details > summary"
	e2etest.Do(t, host, "open I Will Survive's menu", chromedp.Click(chromedp.CSS(summary)))
	where := fmt.Sprintf(`document.querySelector(%q).getBoundingClientRect().top`, summary)
	before := e2etest.Eval[float64](t, host, where)
	// Its place in the list too: Chrome's scroll anchoring would keep a moved
	// row still on screen, but its number would change.
	place := fmt.Sprintf(`Array.prototype.indexOf.call(document.getElementById('host-queue').children, document.getElementById(%q))`, row)
	placeBefore := e2etest.Eval[int](t, host, place)

	lastID := e2etest.Eval[string](t, host, `document.querySelector('#host-queue > li:last-child').getAttribute('data-id')`)
	lastTitle := e2etest.Eval[string](t, host, `document.querySelector('#host-queue > li:last-child summary .title').textContent`)
	asOtherDevice(t, s, dashURL, func(ctx context.Context, store *db.Store, sessionID int64) error {
		device, err := store.NewDeviceToken(ctx)
		if err != nil {
			return err
		}
		g, err := store.JoinSession(ctx, sessionID, device, "Latecomer")
		if err != nil {
			return err
		}
		if _, err := store.CreateRequest(ctx, db.NewRequest{SessionID: sessionID, GuestID: g.ID, Title: "Late Song"}); err != nil {
			return err
		}
		id, _ := strconv.ParseInt(lastID, 10, 64)
		return store.MoveRequest(ctx, sessionID, id, db.MoveTop)
	})
	// The guest list is the stream's last event: by then the rows and the
	// order have arrived too.
	e2etest.WaitFor(t, host, "the latecomer in the guest list", `document.getElementById('guests').textContent.indexOf('Latecomer') >= 0`)
	if after := e2etest.Eval[float64](t, host, where); after != before {
		t.Errorf("the open row moved from %.0f px to %.0f px under the host's finger", before, after)
	}
	if after := e2etest.Eval[int](t, host, place); after != placeBefore {
		t.Errorf("the open row moved from place %d to %d while its menu was open", placeBefore+1, after+1)
	}

	e2etest.Do(t, host, "tap Remove…, then the confirm button",
		chromedp.Click(chromedp.CSS("#"+row+" .dangers details.confirm:nth-of-type(2) > summary")),
		chromedp.Click(chromedp.CSS("#"+row+` .dangers button[formaction$="/remove"]`)))
	// The count alone would pass before the held changes land (59 rows
	// without the latecomer's song): wait for the removal itself.
	e2etest.WaitFor(t, host, "the queue after the removal", fmt.Sprintf(`(function(){
		var titles = Array.from(document.querySelectorAll(%q)).map(function(e){ return e.textContent; });
		return titles.length === 59 && titles.indexOf('I Will Survive') < 0 && titles.indexOf('Late Song') >= 0; })()`, e2etest.HostQueue))
	titles := e2etest.Eval[string](t, host, e2etest.Texts(e2etest.HostQueue))
	for _, want := range []string{"Late Song", lastTitle} {
		if !contains(titles, want) {
			t.Errorf("%q is gone from the queue: %s", want, titles)
		}
	}
	if contains(titles, "I Will Survive") {
		t.Errorf("I Will Survive is still in the queue: %s", titles)
	}
	if first := e2etest.Eval[string](t, host, `document.querySelector('#host-queue > li summary .title').textContent`); first != lastTitle {
		t.Errorf("the first song is %q, want %q, moved to the top by the other device", first, lastTitle)
	}
}

// contains reports whether s is one of the texts texts() joined.
func contains(list, s string) bool {
	return slices.Contains(strings.Split(list, " | "), s)
}
