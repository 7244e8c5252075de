// Package guest_test walks a night through a real browser from the guests'
// side: joining, requesting, the guest page, the songbook, languages,
// holds and standby songs, and every page with axe-core. Headless
// Chromium, driven with chromedp, against the real server on a random
// loopback port (internal/e2etest).
package guest_test
