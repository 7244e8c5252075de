// Package resilience_test checks in a real browser what happens when
// something goes wrong or comes from outside the page: the server
// restarted (the real binary, SIGTERM and SIGKILL), a proxy that refuses,
// a phone offline, a store that fails, answers lost and taps repeated,
// and push notifications with their fallbacks. Headless Chromium, driven
// with chromedp, against the real server on a random loopback port
// (internal/e2etest).
package resilience_test
