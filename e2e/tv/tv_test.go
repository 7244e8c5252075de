package tv_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/karaoke-night/karaoke/internal/e2etest"
)

// apart is JavaScript that says how the name and the song of the element
// sel sit: "" when both are shown without overlapping and each long one is
// cut with an ellipsis, else what is wrong.
func apart(sel, name, song string, stacked bool) string {
	overlap := `a.right > b.left + 1 && a.bottom > b.top + 1`
	if stacked {
		overlap = `a.bottom > b.top + 1`
	}
	return fmt.Sprintf(`(function(){var out=[];document.querySelectorAll(%q).forEach(function(row,i){
		var n=row.querySelector(%q), s=row.querySelector(%q);
		if(!n||!s){out.push(i+': missing');return}
		var a=n.getBoundingClientRect(), b=s.getBoundingClientRect();
		if(a.width<50||b.width<50) out.push(i+': name '+a.width+' px, song '+b.width+' px wide');
		if(%s) out.push(i+': name and song overlap');
		[n,s].forEach(function(e){if(e.scrollWidth>e.clientWidth+1 && getComputedStyle(e).textOverflow!=='ellipsis') out.push(i+': cut without an ellipsis')});
		if(a.right>innerWidth+1||b.right>innerWidth+1) out.push(i+': past the screen\'s edge');
	});return out.join('; ')})()`, sel, name, song, overlap)
}

// TestTVReadsInAnyOrientation: with long names and titles, the TV shows
// name and song apart, each cut with an ellipsis, in portrait (1080×1920)
// and landscape (1920×1080); the glow marks a singer just started, not a
// reload; the singing request's note shows once the host turns notes on.
func TestTVReadsInAnyOrientation(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	laptop := b.Person(1366, 900)
	_, joinURL := e2etest.HostCreates(t, s, laptop, "Long names night")
	tv := b.Person(1080, 1920)
	e2etest.Do(t, tv, "open the TV in portrait", chromedp.Navigate(strings.Replace(joinURL, "/j/", "/d/", 1)))

	long := []struct{ name, title, artist, note string }{
		{"Maximiliana Konstantinopoulou-Ferreira", "I Wanna Dance with Somebody (Who Loves Me)", "Whitney Houston", "key -2, duet with Cleo"},
		{"Bartholomew Featherstonehaugh-Smythe III", "Gimme! Gimme! Gimme! (A Man After Midnight)", "ABBA", ""},
		{"Ann", "Africa", "Toto", ""},
	}
	for _, g := range long {
		phone := b.Phone()
		e2etest.GuestJoins(t, phone, joinURL, g.name)
		if g.note != "" {
			e2etest.Do(t, phone, "write a note", chromedp.SendKeys(chromedp.CSS("#note"), g.note))
		}
		e2etest.Request(t, phone, g.title, g.artist)
	}
	e2etest.Do(t, laptop, "show notes on the TV",
		chromedp.Click(chromedp.CSS(`#show-notes`)),
		chromedp.Click(chromedp.CSS(`[data-testid="settings-form"] button[type="submit"]`)))
	e2etest.WaitFor(t, laptop, "the settings saved", `!!document.querySelector('#show-notes:checked') && /Saved/.test(document.querySelector('[data-testid="settings-form"]').textContent)`)

	e2etest.WaitFor(t, tv, "three songs on the TV", `document.querySelectorAll('#display-next [data-testid="queue-item"]').length === 3`)
	if bad := e2etest.Eval[string](t, tv, apart(`#display-next [data-testid="queue-item"]`, ".singer", ".song", true)); bad != "" {
		t.Errorf("portrait up next: %s", bad)
	}
	if e2etest.Eval[bool](t, tv, `!!document.querySelector('#display-now.new-singer')`) {
		t.Error("the TV glows before anyone sings")
	}

	e2etest.StartTurn(t, laptop)
	e2etest.WaitText(t, tv, "the first singer on the TV", e2etest.TVNow, long[0].name)
	if !e2etest.Eval[bool](t, tv, `!!document.querySelector('#display-now.new-singer')`) {
		t.Error("no glow for a new singer")
	}
	if bad := e2etest.Eval[string](t, tv, apart(`#display-now`, ".display-singer", ".display-song", true)); bad != "" {
		t.Errorf("portrait now singing: %s", bad)
	}
	if got := e2etest.Eval[string](t, tv, e2etest.Texts(`[data-testid="display-note"]`)); got != long[0].note {
		t.Errorf("the TV's note reads %q, want %q", got, long[0].note)
	}
	if e2etest.Eval[bool](t, tv, `document.documentElement.scrollHeight > innerHeight + 1`) {
		t.Errorf("portrait TV scrolls: %d px in a %d px screen", e2etest.Eval[int](t, tv, `document.documentElement.scrollHeight`), e2etest.Eval[int](t, tv, `innerHeight`))
	}

	e2etest.Do(t, tv, "reload the TV", chromedp.Reload())
	e2etest.WaitText(t, tv, "the singer after a reload", e2etest.TVNow, long[0].name)
	if e2etest.Eval[bool](t, tv, `!!document.querySelector('#display-now.new-singer')`) {
		t.Error("the glow replays on a reload")
	}

	e2etest.Do(t, tv, "turn the TV to landscape", chromedp.EmulateViewport(1920, 1080))
	e2etest.WaitFor(t, tv, "landscape", `innerWidth === 1920`)
	if bad := e2etest.Eval[string](t, tv, apart(`#display-next [data-testid="queue-item"]`, ".singer", ".song", false)); bad != "" {
		t.Errorf("landscape up next: %s", bad)
	}
	if bad := e2etest.Eval[string](t, tv, apart(`#display-now`, ".display-singer", ".display-song", true)); bad != "" {
		t.Errorf("landscape now singing: %s", bad)
	}
	if e2etest.Eval[bool](t, tv, `document.documentElement.scrollHeight > innerHeight + 1`) {
		t.Errorf("landscape TV scrolls: %d px", e2etest.Eval[int](t, tv, `document.documentElement.scrollHeight`))
	}
}
