package app_test

import (
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/internal/wait"
)

// TestRemoteMachineKilled kills machine A with SIGKILL while guests send
// requests through it: machine B serves the night, with every request A
// acknowledged.
func TestRemoteMachineKilled(t *testing.T) {
	_, ms := remoteMachines(t, 2, "LIMIT_DEVICE_WRITES=1000/1m", "LIMIT_ADDRESS_WRITES=10000/1m")
	a, b := ms[0], ms[1]
	n := newNight(t, a.base, 4)
	n.host.open("POST", n.dash+"/settings", url.Values{"singer_cap": {"20"}})
	var mu sync.Mutex
	var acked []string
	var wg sync.WaitGroup
	for gi, g := range n.guests {
		wg.Go(func() {
			for i := range 15 {
				title := fmt.Sprintf("Guest %d song %02d", gi, i)
				if g.post("/j/"+n.code+"/requests", url.Values{"title": {title}}) == http.StatusSeeOther {
					mu.Lock()
					acked = append(acked, title)
					mu.Unlock()
				}
			}
		})
	}
	wait.Eventually(t, 10*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 8 },
		"no requests were acknowledged")
	a.kill()
	killed := time.Now()
	wg.Wait() // the rest fail: A is gone
	// A transaction A had begun holds the database's write lock until the
	// server drops A's stream: B's writes wait for that, then go on.
	b.waitHealthy(15 * time.Second)
	t.Logf("B could write again %v after the kill", time.Since(killed).Round(100*time.Millisecond))
	dash, _ := n.host.on(b).open("GET", n.dash, nil)
	html, _ := dash.Html()
	for _, title := range acked {
		if !strings.Contains(html, title) {
			t.Errorf("%q was acknowledged by A and is not on the dashboard served by B", title)
		}
	}
	t.Logf("%d requests acknowledged before the kill, all served by B", len(acked))
	n.request(n.guests[0].on(b), "After the kill") // the night goes on
}

// TestRemoteDatabaseAway stops the database for 10 s: pages answer 503 with
// a message and /healthz 503, and everything works again by itself.
func TestRemoteDatabaseAway(t *testing.T) {
	srv, ms := remoteMachines(t, 1)
	m := ms[0]
	n := newNight(t, m.base, 1)
	guest := n.guests[0]
	n.request(guest, "Before")

	srv.Stop()
	stopped := time.Now()
	if got := m.health(); got != http.StatusServiceUnavailable {
		t.Errorf("/healthz = %d with the database stopped, want 503", got)
	}
	resp, err := guest.client.Get(m.base + "/j/" + n.code)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), html.EscapeString(handlers.MessageDatabaseAway)) {
		t.Errorf("the guest page with the database stopped: %d, want 503 with the message; body:\n%.400s", resp.StatusCode, body)
	}
	if got := guest.post("/j/"+n.code+"/requests", url.Values{"title": {"While away"}}); got != http.StatusServiceUnavailable {
		t.Errorf("a request with the database stopped answered %d, want 503", got)
	}
	// Away for 10 s on purpose: longer than the libSQL server keeps an
	// idle stream, so the pool's connections are all stale by then.
	time.Sleep(10*time.Second - time.Since(stopped))
	srv.Restart()
	m.waitHealthy(5 * time.Second)
	n.request(guest, "After")
	page, _ := guest.open("GET", "/j/"+n.code, nil)
	if got := strings.Join(texts(page, `[data-testid="my-requests"]`), " "); !strings.Contains(got, "Before") || !strings.Contains(got, "After") {
		t.Errorf("after the database came back the guest's songs are %q, want Before and After", got)
	}
}

// TestFromEnvRemote reads remote mode from DATABASE_URL, and refuses what
// does not go with it.
func TestFromEnvRemote(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cfg, err := app.FromEnv(env("DATABASE_URL", "libsql://k-org.turso.io", "TURSO_AUTH_TOKEN", "tok", "FLY_APP_NAME", "k"))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RemoteURL != "libsql://k-org.turso.io" || cfg.RemoteToken != "tok" || cfg.DatabaseURL != "" || cfg.TursoURL != "" || cfg.RequireVolume {
		t.Errorf("remote config = %+v", cfg)
	}
	for _, c := range []struct {
		name string
		env  func(string) string
		want string
	}{
		{"replication too", env("DATABASE_URL", "http://127.0.0.1:8080", "TURSO_DATABASE_URL", "libsql://x-y.turso.io"), "unset TURSO_DATABASE_URL"},
		{"Turso without a token", env("DATABASE_URL", "libsql://k-org.turso.io"), "set TURSO_AUTH_TOKEN"},
	} {
		if _, err := app.FromEnv(c.env); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: FromEnv = %v, want an error saying %q", c.name, err, c.want)
		}
	}
}
