// Package qr makes the PNG QR codes guests scan to join, and keeps each one
// in a folder on disk so that it is made once, not on every page view.
package qr

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image/png"
	"io/fs"
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
// and how, so a new PUBLIC_URL can never be served a stale image. It keeps
// at most one image per tag: a new image for a tag replaces the old one, so
// whatever a request varies, the folder holds no more files than there are
// join codes.
type Cache struct {
	dir string
}

// NewCache returns a cache in dir, creating the folder if need be. When the
// folder cannot be made (a full disk), it returns the cache with the error:
// the cache still answers, making each image afresh, and keeps images once
// the folder can be made.
func NewCache(dir string) (*Cache, error) {
	c := &Cache{dir: dir}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return c, fmt.Errorf("QR cache: %w", err)
	}
	return c, nil
}

// ErrNotKept wraps the error of an image that was made but could not be
// written to disk: PNG returns the image with it, so a full disk costs the
// cache, not the image.
var ErrNotKept = errors.New("QR code not kept on disk")

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
// under the name, and the tag's other images are deleted. When the image
// is made but cannot be written, PNG returns it with an error wrapping
// ErrNotKept.
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
	if err := os.MkdirAll(c.dir, 0o750); err != nil {
		return b, fmt.Errorf("%w: %w", ErrNotKept, err)
	}
	if err := writeAtomic(path, b); err != nil {
		return b, fmt.Errorf("%w: %w", ErrNotKept, err)
	}
	if err := c.removeOthers(tag, path); err != nil {
		return b, fmt.Errorf("QR cache: %w", err)
	}
	return b, nil
}

// removeOthers deletes the images of tag other than the one at keep: the
// old image of a join link that changed, or one written by a server that
// still took its address from each request.
func (c *Cache) removeOthers(tag, keep string) error {
	others, err := filepath.Glob(filepath.Join(c.dir, tag+"-*.png"))
	if err != nil {
		return err
	}
	for _, p := range others {
		if p == keep {
			continue
		}
		if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
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
