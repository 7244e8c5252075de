// Package host_test walks a night through a real browser from the host's
// side: the dashboard (on a laptop and on a phone), turns, undo, walk-ups,
// the songbook import, history, closing time, a busy bar night, and the
// README's screenshots. Headless Chromium, driven with chromedp, against
// the real server on a random loopback port (internal/e2etest).
package host_test
