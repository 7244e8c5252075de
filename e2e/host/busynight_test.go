package host_test

import (
	"testing"

	"github.com/karaoke-night/karaoke/internal/e2etest"
)

// TestBusyNightIsSeeded checks the seed itself: a host's dashboard on a phone
// shows the whole seeded queue, learnt by the version poll.
func TestBusyNightIsSeeded(t *testing.T) {
	s := e2etest.StartServer(t)
	b := e2etest.StartBrowser(t)
	host := b.Person(1366, 900)
	dashURL, _ := e2etest.HostCreates(t, s, host, "Busy night")
	e2etest.HostOnPhone(t, host)
	e2etest.SeedBusyNight(t, s, dashURL, 40, 60)
	e2etest.WaitFor(t, host, "the 60 seeded songs on the dashboard", `document.querySelectorAll('#host-queue [data-testid="queue-item"]').length === 60`)
	height := e2etest.Eval[int](t, host, `document.documentElement.scrollHeight`)
	buttons := e2etest.Eval[int](t, host, `document.querySelectorAll('button').length`)
	t.Logf("phone dashboard at 60 songs: %d px tall, %d buttons", height, buttons)
}
