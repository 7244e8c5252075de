package app_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/tursotest"
	"github.com/karaoke-night/karaoke/qr/qrtest"
	"github.com/karaoke-night/karaoke/sqlitedb"
)

// TestGuessingCodesOnTheRealServer performs issue 11's enumeration against
// the real server with the limits it ships with: 500 wrong codes from one
// address on the home page's form. Before, every one was looked up. Now the
// allowance is, and the rest are refused with how long to wait; the QR code
// scans to the join link with the session's token, which still works from
// the refused address.
func TestGuessingCodesOnTheRealServer(t *testing.T) {
	shipped, err := app.FromEnv(func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t)
	cfg.Limits = shipped.Limits
	base, _ := startServer(t, cfg)
	host := newPhone(t, base)
	dash, _ := host.open("POST", "/sessions", url.Values{"name": {"Guarded night"}})
	code := dash.Find(`[data-testid="join-code"]`).Text()
	link := dash.Find(`[data-testid="join-url"]`).Text()
	host.bytes("/qr/" + code + ".png")

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	status := func(path string) int {
		t.Helper()
		resp, err := client.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	lookedUp := 0
	for n := range 500 {
		wrong := []byte("2222")
		for i, m := 0, n; i < 4; i, m = i+1, m/len(db.JoinCodeAlphabet) {
			wrong[i] = db.JoinCodeAlphabet[m%len(db.JoinCodeAlphabet)]
		}
		if string(wrong) == code {
			continue
		}
		if status("/j?code="+string(wrong)) != http.StatusTooManyRequests {
			lookedUp++
		}
	}
	t.Logf("%d of 500 wrong codes looked up", lookedUp)
	if lookedUp > shipped.Limits.CodeFailures.Requests+4 {
		t.Errorf("%d of 500 wrong codes looked up, want about the allowance of %d", lookedUp, shipped.Limits.CodeFailures.Requests)
	}
	if got := status("/j?code=" + code); got != http.StatusTooManyRequests {
		t.Errorf("the right code from the refused address: %d, want 429", got)
	}

	src, _ := dash.Find(`[data-testid="join-qr"]`).Attr("src")
	scanned, err := qrtest.Decode(host.bytes(src))
	if err != nil {
		t.Fatal(err)
	}
	token, ok := strings.CutPrefix(scanned, base+"/j/")
	if scanned != link || !ok || !db.IsJoinToken(token) {
		t.Fatalf("QR code says %q, the dashboard %q; want %s/j/ and the join token", scanned, link, base)
	}
	if got := status("/j/" + token); got != http.StatusOK {
		t.Errorf("the scanned link from the refused address: %d, want 200", got)
	}
	// By code (asked before the attack) or by token, the session has one
	// QR image on disk.
	if files, _ := filepath.Glob(filepath.Join(cfg.DataDir, app.QRDir, "*.png")); len(files) != 1 {
		t.Errorf("QR images on disk: %v, want one", files)
	}
}

// TestOldSessionsTokensReachTurso: a replicated database from before join
// tokens (schema 0003, a session in it) is opened by this program. The
// session is given a token, and Turso, which runs migration 0004 itself,
// ends up with the same token, not one of its own making: a restore from
// Turso keeps the printed QR codes working.
func TestOldSessionsTokensReachTurso(t *testing.T) {
	turso := tursotest.Start(t)
	cfg := replicatedConfig(t, turso.URL)
	old, err := db.Open(context.Background(), cfg.DatabaseURL, db.OnlyMigrations([]int{1, 2, 3}), db.Replication(true))
	if err != nil {
		t.Fatal(err)
	}
	file, err := sqlitedb.Open(cfg.DatabaseURL, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := file.Exec(`INSERT INTO sessions (id, name, code, host_secret_hash, created_at) VALUES (4242424242, 'Old night', 'ABCD', x'00', 1)`); err != nil {
		t.Fatal(err)
	}
	file.Close()
	old.Close()

	srv, _, _ := runServer(t, cfg)
	caughtUp(t, srv, 20*time.Second)
	sameAsTurso(t, cfg, turso.URL)
	var token string
	if err := tursotest.Open(t, turso.URL).QueryRow(`SELECT join_token FROM sessions WHERE code = 'ABCD'`).Scan(&token); err != nil || !db.IsJoinToken(token) {
		t.Errorf("Turso's copy of the old session has join token %q (%v)", token, err)
	}
}
