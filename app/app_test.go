package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/handlers"
	"github.com/karaoke-night/karaoke/internal/servertest"
	"github.com/karaoke-night/karaoke/qr"
	"github.com/karaoke-night/karaoke/qr/qrtest"
)

// startServer runs the real server, through the same Open and Run as
// cmd/karaoke, on a random loopback port. It stops at the end of the test,
// or earlier through the returned stop.
func startServer(t *testing.T, cfg app.Config) (base string, stop func()) {
	t.Helper()
	_, base, stop = runServer(t, cfg)
	return base, stop
}

// runServer is startServer that also returns the server, to ask it about
// its replication.
func runServer(t *testing.T, cfg app.Config) (srv *app.Server, base string, stop func()) {
	t.Helper()
	srv, stop = servertest.Start(t, cfg)
	return srv, "http://" + srv.Addr(), stop
}

func testConfig(t *testing.T) app.Config {
	dir := t.TempDir()
	return app.Config{Addr: "127.0.0.1:0", DataDir: dir, DatabaseURL: "file:" + filepath.Join(dir, "karaoke.db")}
}

// TestWholeNight walks a night over HTTP against the real server: the host
// creates a session, the QR code scans to the join URL, two guests join and
// request, the rotation holds, the host starts turns, the TV follows.
func TestWholeNight(t *testing.T) {
	base, _ := startServer(t, testConfig(t))
	host := newPhone(t, base)

	home, _ := host.open("GET", "/", nil)
	if home.Find(`[data-testid="create-session"]`).Length() != 1 {
		t.Fatal("no create-session form on /")
	}
	dash, dashURL := host.open("POST", "/sessions", url.Values{"name": {"Friday at The Crown"}})
	if !strings.HasPrefix(dashURL.Path, "/host/") {
		t.Fatalf("after creating, the host is at %s", dashURL)
	}
	src, _ := dash.Find(`[data-testid="join-qr"]`).Attr("src")
	joinURL, err := qrtest.Decode(host.bytes(src))
	if err != nil {
		t.Fatalf("QR code: %v", err)
	}
	// The QR code carries the session's join token: the code is for typing.
	code := dash.Find(`[data-testid="join-code"]`).Text()
	if token, ok := strings.CutPrefix(joinURL, base+"/j/"); !ok || !db.IsJoinToken(token) {
		t.Fatalf("QR code says %q, want %s/j/ and a join token (the code is %s)", joinURL, base, code)
	}
	if shown := dash.Find(`[data-testid="join-url"]`).Text(); shown != joinURL {
		t.Errorf("dashboard shows join URL %q, QR says %q", shown, joinURL)
	}

	ann, bob := newPhone(t, base), newPhone(t, base)
	for _, g := range []struct {
		p    *phone
		name string
	}{{ann, "Ann"}, {bob, "Bob"}} {
		page, _ := g.p.open("GET", joinURL, nil)
		if !strings.Contains(page.Find("h1").Text(), "Friday at The Crown") {
			t.Errorf("join page does not name the session")
		}
		action, _ := page.Find(`[data-testid="join-form"]`).Attr("action")
		g.p.open("POST", action, url.Values{"name": {g.name}})
	}
	ann.open("POST", "/j/"+code+"/requests", url.Values{"title": {"Dancing Queen"}, "artist": {"ABBA"}})
	ann.open("POST", "/j/"+code+"/requests", url.Values{"title": {"Africa"}, "artist": {"Toto"}})
	bob.open("POST", "/j/"+code+"/requests", url.Values{"title": {"Total Eclipse of the Heart"}, "artist": {"Bonnie Tyler"}})

	dash, _ = host.open("GET", dashURL.Path, nil)
	got := strings.Join(texts(dash, `[data-testid="queue-item"] .title`), " | ")
	if want := "Dancing Queen | Total Eclipse of the Heart | Africa"; got != want {
		t.Errorf("rotation: queue = %q, want %q", got, want)
	}
	bobPage, _ := bob.open("GET", "/j/"+code, nil)
	if wait := bobPage.Find(`[data-testid="my-request"] [data-testid="wait"]`).Text(); wait != "about 5 min" {
		// One song ahead: a turn (4 min) and the time between songs (1 min).
		t.Errorf("Bob's estimated wait = %q, want about 5 min", wait)
	}

	action, _ := dash.Find(`[data-testid="next-singer"]`).Attr("action")
	host.open("POST", action, nil)
	display, _ := host.open("GET", "/d/"+code, nil)
	if now := display.Find(`[data-testid="now-singing"]`).Text(); !strings.Contains(now, "Ann") || !strings.Contains(now, "Dancing Queen") {
		t.Errorf("TV now singing = %q", now)
	}
	if next := texts(display, `[data-testid="queue-item"]`); len(next) != 2 || !strings.Contains(next[0], "Bob") {
		t.Errorf("TV up next = %q", next)
	}
	if display.Find(`[data-testid="join-qr"]`).Length() != 1 || display.Find(`[data-testid="join-code"]`).Text() != code {
		t.Error("TV does not show how to join")
	}
	bobPage, _ = bob.open("GET", "/j/"+code, nil)
	if bobPage.Find(`[data-testid="up-next"]`).Length() != 1 {
		t.Error("Bob is not told he is up next")
	}
	health, err := http.Get(base + "/healthz")
	if err != nil || health.StatusCode != http.StatusOK {
		t.Errorf("healthz: %v %v", health, err)
	}
}

func TestFromEnv(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		want app.Config
		bad  bool
	}{
		{"defaults", nil, app.Config{Addr: ":8080", DataDir: "./data", DatabaseURL: "file:data/karaoke.db", BackupsKept: 7}, false},
		{"data dir moves the database", map[string]string{"DATA_DIR": "/srv/k", "PORT": "9000"},
			app.Config{Addr: ":9000", DataDir: "/srv/k", DatabaseURL: "file:/srv/k/karaoke.db", BackupsKept: 7}, false},
		{"explicit database and public URL", map[string]string{"DATABASE_URL": "file:/x.db", "PUBLIC_URL": "https://k.example"},
			app.Config{Addr: ":8080", DataDir: "./data", DatabaseURL: "file:/x.db", PublicURL: &url.URL{Scheme: "https", Host: "k.example"}, BackupsKept: 7}, false},
		{"public URL: scheme and host only", map[string]string{"PUBLIC_URL": "http://k.example:8080/join?x=1#top"},
			app.Config{Addr: ":8080", DataDir: "./data", DatabaseURL: "file:data/karaoke.db", PublicURL: &url.URL{Scheme: "http", Host: "k.example:8080"}, BackupsKept: 7}, false},
		{"bad public URL", map[string]string{"PUBLIC_URL": "karaoke.example.com"}, app.Config{}, true},
		{"on Fly the data lives on the volume, which must be there", map[string]string{"FLY_APP_NAME": "karaoke"},
			app.Config{Addr: ":8080", DataDir: "/data", DatabaseURL: "file:/data/karaoke.db", BackupsKept: 7, RequireVolume: true,
				PublicURL: &url.URL{Scheme: "https", Host: "karaoke.fly.dev"}}, false},
		{"on Fly PUBLIC_URL wins over the app's name", map[string]string{"FLY_APP_NAME": "karaoke", "PUBLIC_URL": "https://sing.example"},
			app.Config{Addr: ":8080", DataDir: "/data", DatabaseURL: "file:/data/karaoke.db", BackupsKept: 7, RequireVolume: true,
				PublicURL: &url.URL{Scheme: "https", Host: "sing.example"}}, false},
		{"the volume check can be overridden", map[string]string{"FLY_APP_NAME": "karaoke", "ALLOW_EPHEMERAL_DATA": "1", "BACKUPS_KEPT": "3"},
			app.Config{Addr: ":8080", DataDir: "/data", DatabaseURL: "file:/data/karaoke.db", BackupsKept: 3, RequireVolume: true, AllowEphemeral: true,
				PublicURL: &url.URL{Scheme: "https", Host: "karaoke.fly.dev"}}, false},
		{"bad backup count", map[string]string{"BACKUPS_KEPT": "0"}, app.Config{}, true},
		{"bad port", map[string]string{"PORT": "eighty"}, app.Config{}, true},
		{"stream cap", map[string]string{"MAX_STREAMS": "500"},
			app.Config{Addr: ":8080", DataDir: "./data", DatabaseURL: "file:data/karaoke.db", BackupsKept: 7, MaxStreams: 500}, false},
		{"bad stream cap", map[string]string{"MAX_STREAMS": "0"}, app.Config{}, true},
		{"time zone", map[string]string{"TZ": "Europe/Lisbon"},
			app.Config{Addr: ":8080", DataDir: "./data", DatabaseURL: "file:data/karaoke.db", BackupsKept: 7}, false},
		{"unknown time zone", map[string]string{"TZ": "Europe/Atlantis"}, app.Config{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := app.FromEnv(func(k string) string { return tt.env[k] })
			if (err != nil) != tt.bad {
				t.Fatalf("err = %v, want error %v", err, tt.bad)
			}
			got.TrustProxy, got.Limits, got.Retention = handlers.TrustProxy{}, handlers.Limits{}, 0 // TestFromEnvSecurity
			got.MinFreeDisk = 0                                                                     // TestFromEnvMinFreeDisk
			got.VAPID, got.PushAllow = nil, nil                                                     // TestFromEnvPush
			if !tt.bad && !reflect.DeepEqual(got, tt.want) {
				t.Errorf("config = %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestQRFollowsPublicURL: a new PUBLIC_URL gives a new QR file, which scans
// to the new address and replaces the old one.
func TestQRFollowsPublicURL(t *testing.T) {
	cfg := testConfig(t)
	var decoded []string
	host := newPhone(t, "")
	var dash string
	for _, public := range []string{"https://karaoke.example.com", "https://sing.example.org"} {
		cfg.PublicURL, _ = url.Parse(public)
		base, stop := startServer(t, cfg)
		host.base = base
		if dash == "" {
			_, u := host.open("POST", "/sessions", url.Values{"name": {"Moving night"}})
			dash = u.Path
		}
		page, _ := host.open("GET", dash, nil)
		src, _ := page.Find(`[data-testid="join-qr"]`).Attr("src")
		text, err := qrtest.Decode(host.bytes(src))
		if err != nil {
			t.Fatal(err)
		}
		decoded = append(decoded, text)
		stop()
	}
	code := decoded[0][strings.LastIndex(decoded[0], "/")+1:]
	if want := "https://karaoke.example.com/j/" + code; decoded[0] != want {
		t.Errorf("first QR = %q, want %q", decoded[0], want)
	}
	if want := "https://sing.example.org/j/" + code; decoded[1] != want {
		t.Errorf("QR after the change = %q, want %q", decoded[1], want)
	}
	files, _ := filepath.Glob(filepath.Join(cfg.DataDir, app.QRDir, "*.png"))
	if len(files) != 1 {
		t.Errorf("QR files = %v, want only the new URL's", files)
	}
}

func TestFromEnvSecurity(t *testing.T) {
	day := 24 * time.Hour
	defaults := handlers.Limits{
		DeviceWrites:    handlers.Rate{Requests: 10, Window: time.Minute},
		AddressWrites:   handlers.Rate{Requests: 300, Window: time.Minute},
		AddressSessions: handlers.Rate{Requests: 10, Window: time.Hour},
		CodeFailures:    handlers.Rate{Requests: 40, Window: time.Hour},
		AddressJoins:    handlers.Rate{Requests: 40, Window: 5 * time.Minute},
	}
	tests := []struct {
		name      string
		env       map[string]string
		trust     string
		limits    handlers.Limits
		retention time.Duration
		bad       bool
	}{
		{"defaults", nil, "none", defaults, 30 * day, false},
		{"on Fly the proxy is Fly's", map[string]string{"FLY_APP_NAME": "karaoke"}, "fly", defaults, 30 * day, false},
		{"an explicit proxy wins on Fly", map[string]string{"FLY_APP_NAME": "karaoke", "TRUST_PROXY": "none"}, "none", defaults, 30 * day, false},
		{"proxy addresses", map[string]string{"TRUST_PROXY": "127.0.0.1, 10.0.0.0/8"}, "127.0.0.1/32,10.0.0.0/8", defaults, 30 * day, false},
		{"limits set and off", map[string]string{"LIMIT_DEVICE_WRITES": "5/30s", "LIMIT_ADDRESS_WRITES": "off", "LIMIT_ADDRESS_SESSIONS": "0", "LIMIT_CODE_FAILURES": "off", "LIMIT_ADDRESS_JOINS": "off"}, "none",
			handlers.Limits{DeviceWrites: handlers.Rate{Requests: 5, Window: 30 * time.Second}}, 30 * day, false},
		{"wrong codes", map[string]string{"LIMIT_CODE_FAILURES": "20/30m"}, "none",
			handlers.Limits{DeviceWrites: defaults.DeviceWrites, AddressWrites: defaults.AddressWrites, AddressSessions: defaults.AddressSessions,
				CodeFailures: handlers.Rate{Requests: 20, Window: 30 * time.Minute}, AddressJoins: defaults.AddressJoins}, 30 * day, false},
		{"joins per address", map[string]string{"LIMIT_ADDRESS_JOINS": "100/1h"}, "none",
			handlers.Limits{DeviceWrites: defaults.DeviceWrites, AddressWrites: defaults.AddressWrites, AddressSessions: defaults.AddressSessions,
				CodeFailures: defaults.CodeFailures, AddressJoins: handlers.Rate{Requests: 100, Window: time.Hour}}, 30 * day, false},
		{"retention", map[string]string{"RETENTION_DAYS": "7"}, "none", defaults, 7 * day, false},
		{"bad proxy", map[string]string{"TRUST_PROXY": "my-proxy"}, "", defaults, 0, true},
		{"bad rate", map[string]string{"LIMIT_DEVICE_WRITES": "ten a minute"}, "", defaults, 0, true},
		{"bad window", map[string]string{"LIMIT_ADDRESS_WRITES": "10/1ms"}, "", defaults, 0, true},
		{"bad wrong-code rate", map[string]string{"LIMIT_CODE_FAILURES": "40"}, "", defaults, 0, true},
		{"bad retention", map[string]string{"RETENTION_DAYS": "-1"}, "", defaults, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := app.FromEnv(func(k string) string { return tt.env[k] })
			if (err != nil) != tt.bad {
				t.Fatalf("err = %v, want error %v", err, tt.bad)
			}
			if tt.bad {
				return
			}
			if got.TrustProxy.String() != tt.trust || got.Limits != tt.limits || got.Retention != tt.retention {
				t.Errorf("got proxy %q, limits %+v, retention %v; want %q, %+v, %v",
					got.TrustProxy, got.Limits, got.Retention, tt.trust, tt.limits, tt.retention)
			}
		})
	}
}

func TestPurge(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	store, err := db.Open(ctx, "file:"+filepath.Join(dir, "karaoke.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	images, _ := qr.NewCache(filepath.Join(dir, app.QRDir))
	now := time.Date(2026, 11, 26, 20, 0, 0, 0, time.UTC)
	store.Now = func() time.Time { return now }

	old, _, _ := store.CreateSession(ctx, "long ago")
	store.EndSession(ctx, old.ID)
	now = now.Add(25 * 24 * time.Hour)
	recent, _, _ := store.CreateSession(ctx, "last week")
	store.EndSession(ctx, recent.ID)
	tonight, _, _ := store.CreateSession(ctx, "tonight")
	now = now.Add(7 * 24 * time.Hour)
	for _, s := range []db.Session{old, recent, tonight} {
		if _, err := images.PNG(s.Code, "http://localhost/j/"+s.Code); err != nil {
			t.Fatal(err)
		}
	}

	if err := app.Purge(ctx, store, images, 30*24*time.Hour, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		s         db.Session
		wantKept  bool
		wantImage bool
	}{{old, false, false}, {recent, true, false}, {tonight, true, true}} {
		_, err := store.Session(ctx, tt.s.ID)
		if kept := err == nil; kept != tt.wantKept {
			t.Errorf("session %q kept = %v, want %v", tt.s.Name, kept, tt.wantKept)
		}
		if tt.s.ID != tonight.ID && tt.s.Code == tonight.Code {
			continue // an ended session's code, given again tonight: the image is tonight's
		}
		_, err = os.Stat(images.Path(tt.s.Code, "http://localhost/j/"+tt.s.Code))
		if image := err == nil; image != tt.wantImage {
			t.Errorf("session %q QR image kept = %v, want %v", tt.s.Name, image, tt.wantImage)
		}
	}
}
