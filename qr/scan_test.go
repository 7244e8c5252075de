package qr_test

import (
	"crypto/rand"
	"encoding/base64"
	"testing"

	"github.com/karaoke-night/karaoke/qr"
	"github.com/karaoke-night/karaoke/qr/qrtest"
)

// TestJoinCodesScan: the images the app makes for join links of random
// tokens all read back as their link. The tests that scan the TV's and the
// dashboard's code rely on it: gozxing alone missed about one in two
// hundred of these clean images (qrtest.DecodeImage tries again).
func TestJoinCodesScan(t *testing.T) {
	cache, err := qr.NewCache(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 300 {
		b := make([]byte, 24)
		rand.Read(b)
		link := "http://127.0.0.1:41811/j/" + base64.RawURLEncoding.EncodeToString(b)
		png, err := cache.PNG("ABCD", link)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := qrtest.Decode(png); err != nil || got != link {
			t.Errorf("code %d, for %s: read %q, %v", i, link, got, err)
		}
	}
}
