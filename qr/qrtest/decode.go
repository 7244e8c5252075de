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

// DecodeImage returns the text of the QR code found in img.
func DecodeImage(img image.Image) (string, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return "", err
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "", fmt.Errorf("no QR code found: %w", err)
	}
	return res.GetText(), nil
}
