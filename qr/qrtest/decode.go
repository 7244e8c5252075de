// Package qrtest reads QR codes back, for tests that check an image really
// scans to the right address.
package qrtest

import (
	"bytes"
	"fmt"
	"image"
	_ "image/png" // the app's QR images are PNGs

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Decode returns the text of the QR code in an encoded image (PNG).
func Decode(encoded []byte) (string, error) {
	img, _, err := image.Decode(bytes.NewReader(encoded))
	if err != nil {
		return "", fmt.Errorf("decode image: %w", err)
	}
	return DecodeImage(img)
}

// DecodeImage returns the text of the QR code found in img. gozxing's
// finder misses about one clean code in two hundred (measured on the app's
// own 512-pixel join codes), which a phone's camera, seeing it again from
// another distance, would not: so a code not found is looked for again as
// a pure barcode (the image is the code and its margin) and then at half
// the size, before it counts as unreadable.
func DecodeImage(img image.Image) (string, error) {
	var first error
	for _, try := range []struct {
		img  image.Image
		hint gozxing.DecodeHintType
	}{{img, gozxing.DecodeHintType_TRY_HARDER}, {img, gozxing.DecodeHintType_PURE_BARCODE}, {half(img), gozxing.DecodeHintType_TRY_HARDER}} {
		bmp, err := gozxing.NewBinaryBitmapFromImage(try.img)
		if err != nil {
			return "", err
		}
		res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{try.hint: true})
		if err == nil {
			return res.GetText(), nil
		}
		if first == nil {
			first = err
		}
	}
	return "", fmt.Errorf("no QR code found: %w", first)
}

// half is img at half its width and height, a pixel of four.
func half(img image.Image) image.Image {
	b := img.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dx()/2, b.Dy()/2))
	for y := range b.Dy() / 2 {
		for x := range b.Dx() / 2 {
			out.Set(x, y, img.At(b.Min.X+2*x, b.Min.Y+2*y))
		}
	}
	return out
}
