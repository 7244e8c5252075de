// Package qr makes the PNG QR codes guests scan to join, and keeps each one
// in a folder on disk so that it is made once, not on every page view.
package qr

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// Size is the width and height of a QR image in pixels.
const Size = 512

// level is the error correction: Medium still scans across a dim bar from a
// TV, and keeps the modules large.
const level = qrcode.Medium

// Cache is a folder of QR images, each named by a hash of what it encodes
// and how, so a new PUBLIC_URL can never be served a stale image.
type Cache struct {
	dir string
}

// NewCache returns a cache in dir, creating the folder if need be.
func NewCache(dir string) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("QR cache: %w", err)
	}
	return &Cache{dir: dir}, nil
}

// Key names the image of content: it changes whenever the content, the size
// or the error correction does.
func Key(content string) string {
	sum := sha256.Sum256([]byte(strconv.Itoa(Size) + "\x00" + strconv.Itoa(int(level)) + "\x00" + content))
	return hex.EncodeToString(sum[:16])
}

// Each image is filed under a tag, the join code of the session it is for,
// so that the images of sessions that are gone can be found and deleted
// (see Prune) whatever address they encode.

// validTag reports whether tag can name images: letters and digits only, so
// it is safe in a file name.
func validTag(tag string) bool {
	if tag == "" || len(tag) > 32 {
		return false
	}
	for i := 0; i < len(tag); i++ {
		c := tag[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// Path returns where the image of content, filed under tag, is kept.
func (c *Cache) Path(tag, content string) string {
	return filepath.Join(c.dir, tag+"-"+Key(content)+".png")
}

// PNG returns the image of content, filed under tag: from disk when a whole
// PNG is there, otherwise made afresh and written to disk atomically
// (temporary file, fsync, rename), so a crash never leaves half an image
// under the name.
func (c *Cache) PNG(tag, content string) ([]byte, error) {
	if !validTag(tag) {
		return nil, fmt.Errorf("QR cache: tag %q is not letters and digits", tag)
	}
	path := c.Path(tag, content)
	if b, err := os.ReadFile(path); err == nil && validPNG(b) {
		return b, nil
	}
	b, err := qrcode.Encode(content, level, Size)
	if err != nil {
		return nil, fmt.Errorf("make QR code: %w", err)
	}
	if err := writeAtomic(path, b); err != nil {
		return nil, fmt.Errorf("keep QR code: %w", err)
	}
	return b, nil
}

// Prune deletes every image whose tag keep refuses, and returns how many
// went. Files that are not the cache's own images are left alone.
func (c *Cache) Prune(keep func(tag string) bool) (int, error) {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return 0, fmt.Errorf("QR cache: %w", err)
	}
	removed := 0
	for _, e := range entries {
		tag, rest, ok := strings.Cut(e.Name(), "-")
		if !ok || !e.Type().IsRegular() || !validTag(tag) || !strings.HasSuffix(rest, ".png") || keep(tag) {
			continue
		}
		if err := os.Remove(filepath.Join(c.dir, e.Name())); err != nil && !os.IsNotExist(err) {
			return removed, fmt.Errorf("QR cache: %w", err)
		}
		removed++
	}
	return removed, nil
}

// pngEnd is the IEND chunk every complete PNG file ends with.
var pngEnd = []byte{0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82}

// validPNG reports whether b looks like a whole PNG: a header that decodes
// and the closing chunk, so a truncated or scribbled file is made again.
func validPNG(b []byte) bool {
	if !bytes.HasSuffix(b, pngEnd) {
		return false
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	return err == nil && cfg.Width > 0
}

func writeAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*.png")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o640); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	// The rename is durable once the folder itself is synced.
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		dir.Sync()
		dir.Close()
	}
	return nil
}
