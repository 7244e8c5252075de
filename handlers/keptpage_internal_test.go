package handlers

import (
	"bytes"
	"compress/gzip"
	"io"
	"strings"
	"testing"

	"github.com/karaoke-night/karaoke/views"
)

// gunzip is b decompressed by the standard library's reader, which checks
// the trailer's CRC and size.
func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	zr.Multistream(false)
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestKeptPageGzipIsThePlainPage: a kept page's gzip answer decompresses
// to the very bytes of its plain answer with the same fills, for pages
// with no slot, slots at either end, slots side by side, and parts longer
// than a stored block holds.
func TestKeptPageGzipIsThePlainPage(t *testing.T) {
	long := strings.Repeat("<li>Song number 12 · Singer 3</li>", 4000) // 136 KB
	for name, page := range map[string]string{
		"none":        "<p>nothing to fill</p>",
		"empty":       "",
		"ends":        views.RetapSlot + "<form>" + views.SecretSlot,
		"side":        "<a>" + views.RetapSlot + views.SecretSlot + views.RetapSlot + views.DeviceSlot + "</a>",
		"long":        long + views.RetapSlot + long + views.SecretSlot + long,
		"secret only": "<input value=\"" + views.SecretSlot + "\">",
	} {
		t.Run(name, func(t *testing.T) {
			kp, err := keepPage([]byte(page))
			if err != nil {
				t.Fatal(err)
			}
			fills := kp.fills(`https://k.example/host/1/claim/a&b"<c>`, "iPhone · K7QF")
			var plain, gz bytes.Buffer
			kp.writePlain(&plain, fills)
			kp.writeGzip(&gz, fills)
			if got := gunzip(t, gz.Bytes()); !bytes.Equal(got, plain.Bytes()) {
				t.Fatalf("gzip gives %d bytes, the plain answer is %d", len(got), plain.Len())
			}
			if strings.Contains(plain.String(), views.RetapSlot) || strings.Contains(plain.String(), views.SecretSlot) {
				t.Error("a slot was left unfilled")
			}
			if strings.Contains(page, views.SecretSlot) && !strings.Contains(plain.String(), "a&amp;b&#34;&lt;c&gt;") {
				t.Errorf("the secret is not there, escaped: %q", plain.String())
			}
		})
	}
}

// TestSecretDoesNotChangeTheCompressedSize is BREACH's measure on the
// dashboard's shape: a secret beside text a guest chose. Whether the
// guest's text repeats the secret's start or not, the compressed answer is
// as long for one secret as for another of its length; and a guest's text
// that repeats itself still compresses (the page is compressed at all).
func TestSecretDoesNotChangeTheCompressedSize(t *testing.T) {
	secrets := []string{"https://k.example/host/7/claim/AAAAAAAAAAAAAAAAAAAAAAAAAA", "https://k.example/host/7/claim/QWERTYUIOPASDFGHJKLZXCVBNM"}
	for _, guess := range []string{"claim/AAAA", "claim/QWER", "claim/ZZZZ"} {
		page := strings.Repeat("<li>"+guess+" Dancing Queen</li>", 50) + `<input value="` + views.SecretSlot + `">` + strings.Repeat("<li>"+guess+"</li>", 50)
		kp, err := keepPage([]byte(page))
		if err != nil {
			t.Fatal(err)
		}
		var sizes []int
		for _, s := range secrets {
			var gz bytes.Buffer
			kp.writeGzip(&gz, kp.fills(s, ""))
			sizes = append(sizes, gz.Len())
			if gz.Len() > len(page)/4 {
				t.Errorf("%s: %d bytes compressed of %d", guess, gz.Len(), len(page))
			}
		}
		if sizes[0] != sizes[1] {
			t.Errorf("guess %q: %d bytes with one secret, %d with the other", guess, sizes[0], sizes[1])
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"": false, "gzip": true, "gzip, deflate, br, zstd": true, "br, zstd": false, "identity": false,
		"gzip;q=0": false, "gzip; q=0.5": true, "GZIP": true, "*": true, "deflate, gzip;q=0.0": false,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}
