// Package browsertest runs headless Chromium for tests, through chromedp:
// one browser per test, a fresh profile, and a separate browser context
// (its own cookies) for each person a test plays. A missing Chromium fails
// the test with a message saying how to install it; it never skips.
package browsertest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Flags are the command-line switches Chromium starts with, besides a
// fresh user-data directory.
var Flags = []string{"headless", "no-sandbox", "disable-gpu", "disable-background-networking",
	"disable-component-update", "no-first-run"}

// ChromiumPath returns the Chromium to run: $CHROMIUM if set, else the first
// of chromium, chromium-browser and google-chrome on the PATH. On a fresh
// Debian machine where the tests run as root, it installs Debian's chromium
// package first, so that `go test ./...` works there as it stands.
func ChromiumPath() (string, error) {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p, nil
	}
	if p, ok := findChromium(); ok {
		return p, nil
	}
	if err := installChromium(); err != nil {
		return "", fmt.Errorf("no Chromium found, and installing it failed (%v): install Debian's chromium package "+
			"(apt-get install -y chromium), or set CHROMIUM to its path", err)
	}
	if p, ok := findChromium(); ok {
		return p, nil
	}
	return "", errors.New("no Chromium found: install Debian's chromium package (apt-get install -y chromium), or set CHROMIUM to its path")
}

func findChromium() (string, bool) {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

// installChromium runs apt-get for Debian's chromium, once at a time across
// the test binaries that go test runs side by side (a lock file serialises
// them; the second finds it installed).
func installChromium() error {
	if os.Geteuid() != 0 {
		return errors.New("not root, so apt-get cannot install it")
	}
	if _, err := exec.LookPath("apt-get"); err != nil {
		return errors.New("no apt-get on this machine")
	}
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "karaoke-chromium-install.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return err
	}
	defer lock.Close()
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	if _, ok := findChromium(); ok {
		return nil
	}
	for _, args := range [][]string{{"update"}, {"install", "-y", "chromium"}} {
		cmd := exec.Command("apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get %s: %v: %s", strings.Join(args, " "), err, lastLines(out, 5))
		}
	}
	return nil
}

func lastLines(out []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// Browser is a running headless Chromium.
type Browser struct {
	t   *testing.T
	ctx context.Context

	mu      sync.Mutex
	console []string // errors the pages logged
}

// Start starts Chromium for the test, with a fresh profile in t.TempDir();
// it is stopped when the test ends.
func Start(t *testing.T) *Browser {
	t.Helper()
	path, err := ChromiumPath()
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{chromedp.ExecPath(path), chromedp.UserDataDir(t.TempDir())}
	for _, f := range Flags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser, for the life of the test
		t.Fatalf("start Chromium (%s): %v", path, err)
	}
	return &Browser{t: t, ctx: ctx}
}

// Person opens a tab in a new browser context: a person with cookies of
// their own, on a screen of the given size. Console errors and uncaught
// exceptions on their pages are recorded; see ConsoleErrors.
func (b *Browser) Person(width, height int64) context.Context {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height)); err != nil {
		b.t.Fatalf("open a tab: %v", err)
	}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			if m.IsException() || m.Type == "error" {
				b.mu.Lock()
				b.console = append(b.console, m.String()+" ("+m.URL+")")
				b.mu.Unlock()
			}
		}
	}()
	return ctx
}

// PhoneUserAgent is the user agent a Phone's browser sends.
const PhoneUserAgent = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"

// Phone opens a tab as Person does, on a phone: 390×844, touch, a mobile
// viewport and a phone's user agent. (Device pixel ratio 1 keeps its
// screenshots small.)
func (b *Browser) Phone() context.Context {
	b.t.Helper()
	ctx := b.Person(390, 844)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: PhoneUserAgent})
			return err
		}),
	)
	if err != nil {
		b.t.Fatalf("make the tab a phone: %v", err)
	}
	return ctx
}

// ConsoleErrors returns the errors and uncaught exceptions pages logged.
func (b *Browser) ConsoleErrors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

// Do runs actions in a person's tab, failing the test if one fails or takes
// longer than timeout.
func Do(t *testing.T, ctx context.Context, timeout time.Duration, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := chromedp.Do(tctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// WaitFor waits until a JavaScript expression is true in a person's tab.
func WaitFor(t *testing.T, ctx context.Context, timeout time.Duration, what, expression string) {
	t.Helper()
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if _, err := chromedp.Run(tctx, chromedp.Poll[bool](expression, chromedp.WithPollingInterval(50*time.Millisecond))); err != nil {
		text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		t.Fatalf("waiting for %s: %v\nthe page says:\n%s", what, err, text)
	}
}

// Eval evaluates a JavaScript expression in a person's tab.
func Eval[T any](t *testing.T, ctx context.Context, expression string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expression))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expression, err)
	}
	return v
}

// ArtifactDir returns the module's test-artifacts folder (git-ignored),
// creating it.
func ArtifactDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	out := filepath.Join(dir, "test-artifacts")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return out
}

// Screenshot saves what a person's tab shows as test-artifacts/name.png and
// returns the file's path.
func Screenshot(t *testing.T, ctx context.Context, name string) string {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(ArtifactDir(t), strings.TrimSuffix(name, ".png")+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
