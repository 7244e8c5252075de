// Package tv_test checks the TV in a real browser: pairing a TV by its
// code, a TV without JavaScript, an old smart TV's browser, and a screen
// in any orientation. Headless Chromium, driven with chromedp, against the
// real server on a random loopback port (internal/e2etest).
package tv_test
