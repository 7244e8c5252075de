package app_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/qr/qrtest"
	"github.com/karaoke-night/karaoke/sqlitedb"
)

// forgedHosts is how many distinct Host headers the attack sends: before the
// fix each one made and kept another PNG; a few hundred prove the bound.
const forgedHosts = 300

// TestForgedHostsKeepOneQRFile performs issue 11's disk fill: with
// PUBLIC_URL unset, GET /qr/CODE.png with a new Host header each time. The
// join link stays the one pinned by the first request, so the cache keeps
// one file for the code, which scans to the real address.
func TestForgedHostsKeepOneQRFile(t *testing.T) {
	cfg := testConfig(t)
	base, _ := startServer(t, cfg)
	host := newPhone(t, base)
	_, dash := host.open("POST", "/sessions", url.Values{"name": {"Pinned night"}})
	page, _ := host.open("GET", dash.Path, nil)
	src, _ := page.Find(`[data-testid="join-qr"]`).Attr("src")
	image := strings.SplitN(src, "?", 2)[0] // /qr/{token}.png
	code := page.Find(`[data-testid="join-code"]`).Text()

	var last []byte
	for i := range forgedHosts {
		req, _ := http.NewRequest("GET", base+image, nil)
		req.Host = fmt.Sprintf("evil-%d.example", i)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		last, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %s", i, resp.Status)
		}
	}
	files, _ := filepath.Glob(filepath.Join(cfg.DataDir, app.QRDir, code+"-*.png"))
	if len(files) != 1 {
		t.Errorf("after %d forged Host headers, %d QR files for %s, want 1", forgedHosts, len(files), code)
	}
	text, err := qrtest.Decode(last)
	if err != nil {
		t.Fatal(err)
	}
	if want := page.Find(`[data-testid="join-url"]`).Text(); text != want || !strings.HasPrefix(want, base+"/j/") {
		t.Errorf("QR under a forged Host scans to %q, want the pinned %q", text, want)
	}
}

// healthz returns /healthz's status and body.
func healthz(t *testing.T, base string) (int, string) {
	t.Helper()
	return getBody(t, base+"/healthz")
}

// getBody returns a GET's status and body.
func getBody(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestHealthzReportsDiskNearlyFull: below MIN_FREE_DISK_MB free in the data
// directory, /healthz answers 503 and says why; with room, 200.
func TestHealthzReportsDiskNearlyFull(t *testing.T) {
	cfg := testConfig(t)
	cfg.MinFreeDisk = 1 << 62 // more than any disk has: this one is "nearly full"
	base, _ := startServer(t, cfg)
	if status, body := healthz(t, base); status != http.StatusServiceUnavailable || !strings.Contains(body, "disk nearly full") {
		t.Errorf("healthz on a nearly full disk = %d %q, want 503 and the reason", status, body)
	}
	// The machine still serves every page, so the check Fly routes by passes.
	if status, body := getBody(t, base+"/livez"); status != http.StatusOK {
		t.Errorf("livez on a nearly full disk = %d %q, want 200", status, body)
	}
	roomy := testConfig(t)
	roomy.MinFreeDisk = 1 << 10
	base, _ = startServer(t, roomy)
	if status, body := healthz(t, base); status != http.StatusOK {
		t.Errorf("healthz with room = %d %q, want 200", status, body)
	}
}

// TestHealthzReportsDatabaseCannotWrite: while another process holds the
// database's write lock, so nothing can be written, /healthz answers 503
// with the reason instead of 200 because reads still work.
func TestHealthzReportsDatabaseCannotWrite(t *testing.T) {
	cfg := testConfig(t)
	base, _ := startServer(t, cfg)
	if status, body := healthz(t, base); status != http.StatusOK {
		t.Fatalf("healthz before = %d %q", status, body)
	}
	other, err := sqlitedb.Open(cfg.DatabaseURL, "")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(t.Context(), "ROLLBACK")
	if status, body := healthz(t, base); status != http.StatusServiceUnavailable || !strings.Contains(body, "cannot write") {
		t.Errorf("healthz while the database cannot write = %d %q, want 503 and the reason", status, body)
	}
}

// TestFromEnvMinFreeDisk: MIN_FREE_DISK_MB, in megabytes, with its default.
func TestFromEnvMinFreeDisk(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  uint64
		bad   bool
	}{
		{"", app.DefaultMinFreeDiskMB << 20, false},
		{"0", 0, false},
		{"500", 500 << 20, false},
		{"-1", 0, true},
		{"lots", 0, true},
	} {
		got, err := app.FromEnv(func(k string) string { return map[string]string{"MIN_FREE_DISK_MB": tt.value}[k] })
		if (err != nil) != tt.bad || (!tt.bad && got.MinFreeDisk != tt.want) {
			t.Errorf("MIN_FREE_DISK_MB=%q: %d, %v; want %d, error %v", tt.value, got.MinFreeDisk, err, tt.want, tt.bad)
		}
	}
}
