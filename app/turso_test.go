package app_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/tursotest"
	"github.com/karaoke-night/karaoke/internal/wait"
	"github.com/karaoke-night/karaoke/views"
)

var appTables = []string{"sessions", "guests", "requests"}

var statusLine = regexp.MustCompile(`<p class="replication[^"]*" role="status" data-testid="replication-status">[^<]*</p>`)

// retapValue is a form's one-time key, which differs at every render: in a
// hidden field, or in a multipart form's URL.
// vapidKey is the Web Push public key, which a server on a fresh DATA_DIR
// makes anew: it is kept in DATA_DIR only, replicated nowhere.
var vapidKey = regexp.MustCompile(`data-vapid-key="[^"]*"`)

var retapValue = regexp.MustCompile(`name="` + views.RetapField + `" value="[A-Z2-7]+"|` + views.RetapField + `=[A-Z2-7]+`)

// replicated is a night over HTTP on the real server, copied to the real
// Turso server: the host, two guests, their requests and a turn.
type replicated struct {
	*night
	turso *tursotest.Server
	cfg   app.Config
	srv   *app.Server
	stop  func()
}

// startReplicated starts Turso and the server, runs the night, and waits
// until Turso has all of it.
func startReplicated(t *testing.T) *replicated {
	t.Helper()
	r := &replicated{turso: tursotest.Start(t)}
	r.cfg = replicatedConfig(t, r.turso.URL)
	var base string
	r.srv, base, r.stop = runServer(t, r.cfg)
	r.night = newNight(t, base, 2)
	host, guests := r.host, r.guests
	host.open("POST", r.dash+"/settings", url.Values{"singer_cap": {"20"}})
	guests[0].open("POST", "/j/"+r.code+"/requests", url.Values{"title": {"Dancing Queen"}, "artist": {"ABBA"}})
	guests[1].open("POST", "/j/"+r.code+"/requests", url.Values{"title": {"Total Eclipse of the Heart"}, "artist": {"Bonnie Tyler"}, "note": {"key of E"}})
	guests[0].open("POST", "/j/"+r.code+"/requests", url.Values{"title": {"Africa"}, "artist": {"Toto"}})
	host.startNext(r.dash)
	caughtUp(t, r.srv, 20*time.Second)
	return r
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
	var st db.OutboxStatus
	wait.Eventually(t, within, func() bool {
		var err error
		if st, err = srv.ReplicationStatus(context.Background()); err != nil {
			t.Fatal(err)
		}
		return st.Waiting == 0 && !st.LastSuccess.IsZero()
	}, "replication did not catch up (last status %+v)", &st)
}

func sameAsTurso(t *testing.T, cfg app.Config, tursoURL string) {
	t.Helper()
	local := tursotest.Dump(t, tursotest.Open(t, cfg.DatabaseURL), appTables...)
	remote := tursotest.Dump(t, tursotest.Open(t, tursoURL), appTables...)
	if !reflect.DeepEqual(local, remote) {
		t.Fatalf("Turso's copy differs from the database:\nlocal:  %v\nremote: %v", local, remote)
	}
}

// TestTursoDownTheNightGoesOn: with the Turso server stopped, guests'
// requests are answered as fast as without replication, /healthz stays 200
// and the host's dashboard says Turso cannot be reached; once the server is
// back, the copy catches up.
func TestTursoDownTheNightGoesOn(t *testing.T) {
	r := startReplicated(t)
	host, dash, code, guests := r.host, r.dash, r.code, r.guests

	r.turso.Stop()
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
	resp, err := http.Get(r.base + "/healthz")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz with Turso down: %v %v", resp, err)
	}
	var line strings.Builder // what the dashboard said last
	wait.Eventually(t, 10*time.Second, func() bool {
		page, _ := host.open("GET", dash, nil)
		line.Reset()
		line.WriteString(page.Find(`[data-testid="replication-status"]`).Text())
		return strings.Contains(line.String(), "cannot be reached") && strings.Contains(line.String(), "waiting")
	}, "the dashboard does not say Turso is down: %q", &line)

	r.turso.Restart()
	caughtUp(t, r.srv, 90*time.Second)
	sameAsTurso(t, r.cfg, r.turso.URL)
	page, _ := host.open("GET", dash, nil)
	if line := page.Find(`[data-testid="replication-status"]`).Text(); !strings.Contains(line, "up to date") {
		t.Errorf("after catching up the dashboard says %q", line)
	}
}

// TestFreshDataDirComesBackFromTurso: a server on a new, empty DATA_DIR
// pointed at the same Turso database restores every session, guest and
// request before it serves, and its pages look the same as before.
func TestFreshDataDirComesBackFromTurso(t *testing.T) {
	r := startReplicated(t)
	host, dash, code, guests := r.host, r.dash, r.code, r.guests
	pages := func(base string) []string {
		var out []string
		for _, p := range []struct {
			who  *phone
			path string
		}{{host, "/d/" + code}, {host, dash}, {guests[1], "/j/" + code}} {
			p.who.base = base
			// The status line says when the copy was last sent, which differs.
			// A form's one-time key is made afresh at every render.
			page := statusLine.ReplaceAllString(string(p.who.bytes(p.path)), "")
			out = append(out, vapidKey.ReplaceAllString(retapValue.ReplaceAllString(page, ""), ""))
		}
		return out
	}
	before := pages(r.base)
	r.stop()

	fresh := replicatedConfig(t, r.turso.URL)
	srv2, base2, _ := runServer(t, fresh)
	after := pages(base2)
	for i, name := range []string{"display", "dashboard", "guest page"} {
		if before[i] != after[i] {
			t.Errorf("the %s after the restore differs from before:\nbefore: %s\nafter:  %s", name, before[i], after[i])
		}
	}
	if !strings.Contains(after[0], "Dancing Queen") || !strings.Contains(after[0], "Bonnie Tyler") {
		t.Error("the display page after the restore lacks the night")
	}
	local := tursotest.Dump(t, tursotest.Open(t, r.cfg.DatabaseURL), appTables...)
	if restored := tursotest.Dump(t, tursotest.Open(t, fresh.DatabaseURL), appTables...); !reflect.DeepEqual(local, restored) {
		t.Errorf("restored rows differ:\n%v\n%v", local, restored)
	}

	// The restored server carries on the copy.
	guests[0].base = base2
	guests[0].open("POST", "/j/"+code+"/requests", url.Values{"title": {"After the restore"}})
	caughtUp(t, srv2, 20*time.Second)
	sameAsTurso(t, fresh, r.turso.URL)
}
