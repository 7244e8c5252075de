package app_test

import (
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/app"
	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/qr/qrtest"
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
