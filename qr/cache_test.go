package qr_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/karaoke-night/karaoke/qr"
	"github.com/karaoke-night/karaoke/qr/qrtest"
)

func TestCacheMakesOnceAndScans(t *testing.T) {
	cache, err := qr.NewCache(filepath.Join(t.TempDir(), "qr-codes"))
	if err != nil {
		t.Fatal(err)
	}
	const url = "https://karaoke.example.com/j/ABCD"
	scannablePNG(t, cache, "ABCD", url)
	info, err := os.Stat(cache.Path("ABCD", url))
	if err != nil {
		t.Fatalf("not kept on disk: %v", err)
	}
	// A second call is served from the file: put another valid image there
	// and it is what comes back.
	planted := scannablePNG(t, cache, "ABCD", "planted")
	if err := os.WriteFile(cache.Path("ABCD", url), planted, info.Mode()); err != nil {
		t.Fatal(err)
	}
	second, err := cache.PNG("ABCD", url)
	if err != nil {
		t.Fatal(err)
	}
	if text, _ := qrtest.Decode(second); text != "planted" {
		t.Errorf("second call decoded to %q: it did not read the file on disk", text)
	}
	if other := cache.Path("ABCD", "https://other.example.com/j/ABCD"); other == cache.Path("ABCD", url) {
		t.Error("two URLs share a file name")
	}
}

func TestCacheRegeneratesABrokenFile(t *testing.T) {
	cache, _ := qr.NewCache(t.TempDir())
	const url = "http://localhost:8080/j/WXYZ"
	good := scannablePNG(t, cache, "ABCD", url)
	for name, broken := range map[string][]byte{
		"truncated": good[:len(good)/2],
		"garbage":   []byte("not a png at all"),
		"empty":     {},
	} {
		t.Run(name, func(t *testing.T) {
			os.WriteFile(cache.Path("ABCD", url), broken, 0o640)
			scannablePNG(t, cache, "ABCD", url)
			onDisk, _ := os.ReadFile(cache.Path("ABCD", url))
			if len(onDisk) != len(good) {
				t.Errorf("the %s file was not replaced on disk", name)
			}
		})
	}
}

func TestCachePrunesByTag(t *testing.T) {
	dir := t.TempDir()
	cache, _ := qr.NewCache(dir)
	for _, tag := range []string{"KEEP", "GONE"} {
		if _, err := cache.PNG(tag, "http://localhost:8080/j/"+tag); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not an image"), 0o640)
	n, err := cache.Prune(func(tag string) bool { return tag == "KEEP" })
	if err != nil || n != 1 {
		t.Fatalf("Prune = %d, %v; want the image of GONE", n, err)
	}
	if _, err := os.Stat(cache.Path("KEEP", "http://localhost:8080/j/KEEP")); err != nil {
		t.Errorf("a kept image went: %v", err)
	}
	if _, err := os.Stat(cache.Path("GONE", "http://localhost:8080/j/GONE")); !os.IsNotExist(err) {
		t.Errorf("a pruned image is still there: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Errorf("a file that is not an image went: %v", err)
	}
	if _, err := cache.PNG("../x", "content"); err == nil {
		t.Error("a tag that is not letters and digits was accepted")
	}
}

// scannablePNG is cache.PNG(tag, url), failing t unless the image scans
// back to url.
func scannablePNG(t *testing.T, cache *qr.Cache, tag, url string) []byte {
	t.Helper()
	png, err := cache.PNG(tag, url)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := qrtest.Decode(png); err != nil || got != url {
		t.Fatalf("decoded %q, %v; want %q", got, err, url)
	}
	return png
}

// TestCacheKeepsOneImagePerTag: a new link for the same join code replaces
// the old image, so no sequence of links can fill the folder.
func TestCacheKeepsOneImagePerTag(t *testing.T) {
	dir := t.TempDir()
	cache, err := qr.NewCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		if _, err := cache.PNG("ABCD", "https://host"+string(rune('a'+i))+".example/j/ABCD"); err != nil {
			t.Fatal(err)
		}
	}
	cache.PNG("ABCDE", "https://k.example/j/ABCDE") // a longer code is another tag
	if files, _ := filepath.Glob(filepath.Join(dir, "ABCD-*.png")); len(files) != 1 {
		t.Errorf("images of ABCD after 20 links = %d, want 1", len(files))
	}
	if _, err := os.Stat(cache.Path("ABCDE", "https://k.example/j/ABCDE")); err != nil {
		t.Errorf("another tag's image went: %v", err)
	}
}

// TestCacheServesWhatItCannotKeep: when the folder cannot take the image (a
// full disk, here a file where the folder should be), the image is still
// made and returned, with an error wrapping ErrNotKept.
func TestCacheServesWhatItCannotKeep(t *testing.T) {
	blocked := filepath.Join(t.TempDir(), "qr-codes")
	if err := os.WriteFile(blocked, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	cache, err := qr.NewCache(blocked)
	if err == nil {
		t.Fatal("NewCache made a folder where a file is")
	}
	b, err := cache.PNG("ABCD", "https://k.example/j/ABCD")
	if !errors.Is(err, qr.ErrNotKept) {
		t.Errorf("err = %v, want ErrNotKept", err)
	}
	if text, _ := qrtest.Decode(b); text != "https://k.example/j/ABCD" {
		t.Errorf("image not kept scans to %q", text)
	}
}
