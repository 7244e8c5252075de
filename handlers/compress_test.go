package handlers_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/karaoke-night/karaoke/views"
)

// retapValue is a form's one-time key, random at each render: two renders
// of one page differ only there.
var retapValue = regexp.MustCompile(`name="` + views.RetapField + `" value="[^"]*"`)

// getEncoded is b's GET of path asking for the encoding enc ("" for none),
// with the body as it came over the wire and its Content-Encoding.
func (b *browser) getEncoded(path, enc string) (body []byte, encoding string, resp response) {
	b.app.t.Helper()
	req, err := http.NewRequest("GET", b.app.server.URL+path, nil)
	if err != nil {
		b.app.t.Fatal(err)
	}
	// Set by hand, so the client hands back the bytes as sent rather than
	// decompressing them itself.
	req.Header.Set("Accept-Encoding", enc)
	if enc == "" {
		req.Header.Set("Accept-Encoding", "identity")
	}
	resp = b.send(req)
	return []byte(resp.body), resp.header.Get("Content-Encoding"), resp
}

func decode(t *testing.T, enc string, body []byte) []byte {
	t.Helper()
	var r io.Reader
	switch enc {
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	case "zstd":
		zr, err := zstd.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer zr.Close()
		r = zr
	default:
		t.Fatalf("unexpected encoding %q", enc)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode %s: %v", enc, err)
	}
	return out
}

// TestCompressedPagesDecompressToTheSameBytes asks for the guest's page
// and fragment, the join page and the TV's page plain and compressed
// (gzip, zstd): each compressed answer is smaller and decompresses to the
// plain one's bytes (the forms' one-time keys aside, which every render
// makes afresh).
func TestCompressedPagesDecompressToTheSameBytes(t *testing.T) {
	app := newTestApp(t)
	_, _, code := app.hostNight()
	guest := app.guest(code, "Ana", "Dancing Queen", "Wonderwall")
	app.guest(code, "Ben", "Valerie")
	stranger := app.browser()
	htmx := app.htmxBrowser()
	htmx.client.Jar = guest.client.Jar

	tests := []struct {
		name string
		b    *browser
		path string
	}{
		{"guest page", guest, "/j/" + code + "/"},
		{"guest fragment", htmx, "/j/" + code + "/"},
		{"join page", stranger, "/j/" + code + "/"},
		{"display", stranger, "/d/" + code + "/"},
		{"home", stranger, "/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, enc, resp := tt.b.getEncoded(tt.path, "")
			if resp.status != http.StatusOK || enc != "" {
				t.Fatalf("plain: status %d, Content-Encoding %q", resp.status, enc)
			}
			want := retapValue.ReplaceAll(plain, nil)
			for _, accept := range []string{"gzip", "zstd", "gzip, deflate, br, zstd"} {
				body, enc, resp := tt.b.getEncoded(tt.path, accept)
				if resp.status != http.StatusOK || enc == "" {
					t.Fatalf("Accept-Encoding %q: status %d, not compressed", accept, resp.status)
				}
				if len(body) >= len(plain) {
					t.Errorf("%s: %d bytes, plain %d", enc, len(body), len(plain))
				}
				if got := retapValue.ReplaceAll(decode(t, enc, body), nil); !bytes.Equal(got, want) {
					t.Errorf("%s decompresses to %d bytes that differ from the plain %d", enc, len(got), len(want))
				}
				if vary := resp.header.Values("Vary"); len(vary) < 2 {
					t.Errorf("Vary %q: want Accept-Encoding and %s", vary, "HX-Request")
				}
			}
		})
	}
}

// TestDashboardKeepsTheHostLinkOutOfCompression: the dashboard shows the
// host link beside guests' text (BREACH), so it comes compressed with the
// link in a stored block of its own: the gzip answer decompresses to the
// plain page, and the link is there in it as plain bytes. A host action's
// answer is not compressed at all, whatever the browser takes, and the
// mark that says so does not leave the server.
func TestDashboardKeepsTheHostLinkOutOfCompression(t *testing.T) {
	app := newTestApp(t)
	host, dash, code := app.hostNight()
	app.guest(code, "Ana", "Dancing Queen")
	htmxHost := app.htmxBrowser()
	htmxHost.client.Jar = host.client.Jar

	plain, _, resp := host.getEncoded(dash, "")
	link, _ := resp.testid("host-link").Attr("value")
	if resp.status != http.StatusOK || link == "" {
		t.Fatalf("dashboard: status %d, host link %q", resp.status, link)
	}
	for _, b := range []*browser{host, htmxHost} {
		body, enc, resp := b.getEncoded(dash, "gzip, deflate, br, zstd")
		if resp.status != http.StatusOK || enc != "gzip" {
			t.Fatalf("dashboard: status %d, Content-Encoding %q", resp.status, enc)
		}
		if got := resp.header.Get("No-Gzip-Compression"); got != "" {
			t.Errorf("the mark left the server: %q", got)
		}
		if got := resp.header.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", got)
		}
		if b == host {
			// A multipart form's key is in its URL's query.
			anyKey := regexp.MustCompile(retapValue.String() + `|` + views.RetapField + `=[A-Z2-7]{26}`)
			if got, want := anyKey.ReplaceAll(decode(t, enc, body), nil), anyKey.ReplaceAll(plain, nil); !bytes.Equal(got, want) {
				t.Errorf("gzip decompresses to %d bytes that differ from the plain %d", len(got), len(want))

			}
			if !bytes.Contains(body, []byte(link)) {
				t.Error("the host link is not stored as it is in the gzip answer")
			}
			if len(body) >= len(plain)/2 {
				t.Errorf("%d bytes compressed, plain %d", len(body), len(plain))
			}
		}
	}
	answer := htmxHost.postEncoded(dash+"/pause", "gzip, deflate, br, zstd")
	if answer.status != http.StatusOK || answer.header.Get("Content-Encoding") != "" || len(answer.body) < 1024 {
		t.Errorf("a host action's answer: status %d, Content-Encoding %q, %d bytes", answer.status, answer.header.Get("Content-Encoding"), len(answer.body))
	}
	if got := answer.header.Get("No-Gzip-Compression"); got != "" {
		t.Errorf("the mark left the server: %q", got)
	}
}

// TestEventStreamsAreNeverCompressed opens the guest's, the join page's and
// the TV's live streams taking every encoding, as EventSource asks for them
// and without its Accept header: none comes compressed, and the first
// event arrives at once rather than waiting in a compressor's buffer.
func TestEventStreamsAreNeverCompressed(t *testing.T) {
	app := newTestApp(t)
	_, _, code := app.hostNight()
	guest := app.guest(code, "Ana", "Dancing Queen")
	for _, path := range []string{"/j/" + code + "/events", "/d/" + code + "/events"} {
		for _, accept := range []string{"text/event-stream", ""} {
			t.Run(path+" "+accept, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
				defer cancel()
				req, err := http.NewRequestWithContext(ctx, "GET", app.server.URL+path, nil)
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Accept-Encoding", "gzip, deflate, br, zstd")
				if accept != "" {
					req.Header.Set("Accept", accept)
				}
				resp, err := guest.client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				if got := resp.Header.Get("Content-Type"); got != "text/event-stream" {
					t.Fatalf("Content-Type %q", got)
				}
				if got := resp.Header.Get("Content-Encoding"); got != "" {
					t.Errorf("stream compressed with %s", got)
				}
				first := make([]byte, len("retry:"))
				if _, err := io.ReadFull(resp.Body, first); err != nil || string(first) != "retry:" {
					t.Errorf("first bytes %q, %v: want the plain retry line at once", first, err)
				}
			})
		}
	}
}

// postEncoded is b's POST of an empty form to path asking for the
// encoding enc, with the body as it came over the wire.
func (b *browser) postEncoded(path, enc string) response {
	b.app.t.Helper()
	req, err := http.NewRequest("POST", b.app.server.URL+path, strings.NewReader(""))
	if err != nil {
		b.app.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept-Encoding", enc)
	return b.send(req)
}
