package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/internal/tursotest"
)

var appTables = []string{"sessions", "guests", "requests"}

var statusLine = regexp.MustCompile(`<p class="replication[^"]*" role="status" data-testid="replication-status">[^<]*</p>`)

// startReplicated runs the real server with replication to the Turso server
// at tursoURL, and returns it too, to read its replication status.
func startReplicated(t *testing.T, cfg app.Config) (*app.Server, string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	srv, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}
	t.Cleanup(stop)
	return srv, "http://" + srv.Addr(), stop
}

func replicatedConfig(t *testing.T, tursoURL string) app.Config {
	cfg := testConfig(t)
	cfg.TursoURL = tursoURL
	cfg.PublicURL = &url.URL{Scheme: "https", Host: "karaoke.example.com"} // the same join links and QR codes on every server
	return cfg
}

// caughtUp waits until nothing waits in the outbox.
func caughtUp(t *testing.T, srv *app.Server, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		st, err := srv.ReplicationStatus(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if st.Waiting == 0 && !st.LastSuccess.IsZero() {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("replication did not catch up within %v: %+v", within, st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func sameAsTurso(t *testing.T, cfg app.Config, tursoURL string) {
	t.Helper()
	local := tursotest.Dump(t, tursotest.Open(t, cfg.DatabaseURL), appTables...)
	remote := tursotest.Dump(t, tursotest.Open(t, tursoURL), appTables...)
	if !reflect.DeepEqual(local, remote) {
		t.Fatalf("Turso's copy differs from the database:\nlocal:  %v\nremote: %v", local, remote)
	}
}

// hostNight runs a night over HTTP: the host, two guests, their requests and
// a turn. It returns the host's phone, the dashboard path and the join code.
func hostNight(t *testing.T, base string) (*phone, string, string, []*phone) {
	host := newPhone(t, base)
	dash, dashURL := host.open("POST", "/sessions", url.Values{"name": {"Friday at The Crown"}})
	code := dash.Find(`[data-testid="join-code"]`).Text()
	host.open("POST", dashURL.Path+"/settings", url.Values{"singer_cap": {"20"}})
	var guests []*phone
	for _, name := range []string{"Ann", "Bob"} {
		g := newPhone(t, base)
		g.open("POST", "/j/"+code+"/join", url.Values{"name": {name}})
		guests = append(guests, g)
	}
	guests[0].open("POST", "/j/"+code+"/requests", url.Values{"title": {"Dancing Queen"}, "artist": {"ABBA"}})
	guests[1].open("POST", "/j/"+code+"/requests", url.Values{"title": {"Total Eclipse of the Heart"}, "artist": {"Bonnie Tyler"}, "note": {"key of E"}})
	guests[0].open("POST", "/j/"+code+"/requests", url.Values{"title": {"Africa"}, "artist": {"Toto"}})
	host.open("POST", dashURL.Path+"/next", nil)
	return host, dashURL.Path, code, guests
}

// TestTursoDownTheNightGoesOn: with the Turso server stopped, guests'
// requests are answered as fast as without replication, /healthz stays 200
// and the host's dashboard says Turso cannot be reached; once the server is
// back, the copy catches up.
func TestTursoDownTheNightGoesOn(t *testing.T) {
	turso := tursotest.Start(t)
	cfg := replicatedConfig(t, turso.URL)
	srv, base, _ := startReplicated(t, cfg)
	host, dash, code, guests := hostNight(t, base)
	caughtUp(t, srv, 20*time.Second)

	turso.Stop()
	var took []time.Duration
	for i := range 30 { // 15 each: under the singer cap of 20
		start := time.Now()
		guests[i%2].open("POST", "/j/"+code+"/requests", url.Values{"title": {"Down " + string(rune('A'+i%26)) + time.Now().Format(".000000")}})
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	median, worst := took[len(took)/2], took[len(took)-1]
	t.Logf("30 requests (POST, redirect, GET) with Turso down: median %v, slowest %v", median, worst)
	if median > 50*time.Millisecond {
		t.Errorf("with Turso down a request takes %v (median): it waits on the network", median)
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz with Turso down: %v %v", resp, err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		page, _ := host.open("GET", dash, nil)
		line := page.Find(`[data-testid="replication-status"]`).Text()
		if strings.Contains(line, "cannot be reached") && strings.Contains(line, "waiting") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the dashboard does not say Turso is down: %q", line)
		}
		time.Sleep(100 * time.Millisecond)
	}

	turso.Restart()
	caughtUp(t, srv, 90*time.Second)
	sameAsTurso(t, cfg, turso.URL)
	page, _ := host.open("GET", dash, nil)
	if line := page.Find(`[data-testid="replication-status"]`).Text(); !strings.Contains(line, "up to date") {
		t.Errorf("after catching up the dashboard says %q", line)
	}
}

// TestFreshDataDirComesBackFromTurso: a server on a new, empty DATA_DIR
// pointed at the same Turso database restores every session, guest and
// request before it serves, and its pages look the same as before.
func TestFreshDataDirComesBackFromTurso(t *testing.T) {
	turso := tursotest.Start(t)
	cfg := replicatedConfig(t, turso.URL)
	srv, base, stop := startReplicated(t, cfg)
	host, dash, code, guests := hostNight(t, base)
	caughtUp(t, srv, 20*time.Second)
	pages := func(base string) []string {
		var out []string
		for _, p := range []struct {
			who  *phone
			path string
		}{{host, "/d/" + code}, {host, dash}, {guests[1], "/j/" + code}} {
			p.who.base = base
			// The status line says when the copy was last sent, which differs.
			out = append(out, statusLine.ReplaceAllString(string(p.who.bytes(p.path)), ""))
		}
		return out
	}
	before := pages(base)
	stop()

	fresh := replicatedConfig(t, turso.URL)
	srv2, base2, _ := startReplicated(t, fresh)
	after := pages(base2)
	for i, name := range []string{"display", "dashboard", "guest page"} {
		if before[i] != after[i] {
			t.Errorf("the %s after the restore differs from before:\nbefore: %s\nafter:  %s", name, before[i], after[i])
		}
	}
	if !strings.Contains(after[0], "Dancing Queen") || !strings.Contains(after[0], "Bonnie Tyler") {
		t.Error("the display page after the restore lacks the night")
	}
	local := tursotest.Dump(t, tursotest.Open(t, cfg.DatabaseURL), appTables...)
	if restored := tursotest.Dump(t, tursotest.Open(t, fresh.DatabaseURL), appTables...); !reflect.DeepEqual(local, restored) {
		t.Errorf("restored rows differ:\n%v\n%v", local, restored)
	}

	// The restored server carries on the copy.
	guests[0].base = base2
	guests[0].open("POST", "/j/"+code+"/requests", url.Values{"title": {"After the restore"}})
	caughtUp(t, srv2, 20*time.Second)
	sameAsTurso(t, fresh, turso.URL)
}
