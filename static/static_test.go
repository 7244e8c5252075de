package static_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"github.com/karaoke-night/karaoke/static"
)

func get(t *testing.T, srv *httptest.Server, path, encoding string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.URL.Opaque = path // sent as written, not cleaned by the client
	req.Header.Set("Accept-Encoding", encoding)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// TestDirectoriesAreNotListed asks for the files' directory under the
// spellings the file server accepts, following its redirects: none lists
// the files, and the files themselves are served by their hashed names
// only.
func TestDirectoriesAreNotListed(t *testing.T) {
	srv := httptest.NewServer(http.StripPrefix("/static/", static.Handler()))
	t.Cleanup(srv.Close)
	tests := []struct {
		path string
		want int
	}{
		{"/static/", http.StatusNotFound},
		{"/static/.", http.StatusNotFound},
		{"/static/./", http.StatusNotFound},
		{"/static/app.css/..", http.StatusNotFound},
		{"/static/index.html", http.StatusNotFound},
		{"/static/compressed", http.StatusNotFound},
		{"/static/app.css", http.StatusNotFound},
		{"/static/htmx.min.js", http.StatusNotFound},
		{static.Path("app.css"), http.StatusOK},
		{static.Path("htmx.min.js"), http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			resp, _ := get(t, srv, tt.path, "identity")
			if got := resp.StatusCode; got != tt.want {
				t.Errorf("GET %s: status %d, want %d", tt.path, got, tt.want)
			}
		})
	}
}

// TestHashedNamesFollowTheContent: the name a page uses is the file's name
// with the hash of what is in the file now, a changed file gets a new name,
// and the name an older build used is not found.
func TestHashedNamesFollowTheContent(t *testing.T) {
	srv := httptest.NewServer(http.StripPrefix("/static/", static.Handler()))
	t.Cleanup(srv.Close)
	for name := range static.Assets() {
		body, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := static.Path(name), "/static/"+static.HashedName(name, body); got != want {
			t.Errorf("Path(%q) = %q, want %q", name, got, want)
		}
		changed := static.HashedName(name, append(bytes.Clone(body), '\n'))
		if changed == static.HashedName(name, body) {
			t.Errorf("%s: a changed file keeps its name %s", name, changed)
		}
		ext := filepath.Ext(name)
		if !strings.HasPrefix(changed, strings.TrimSuffix(name, ext)+".") || !strings.HasSuffix(changed, ext) {
			t.Errorf("hashed name %s does not keep the name and extension of %s", changed, name)
		}
		if resp, _ := get(t, srv, "/static/"+changed, "identity"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET an older %s: status %d, want 404", name, resp.StatusCode)
		}
	}
}

// TestCompressedFormsAreCurrent: every file has its brotli and gzip forms
// under its current hashed name, they decompress to the file, and nothing
// else is in the directory.
func TestCompressedFormsAreCurrent(t *testing.T) {
	want := map[string]bool{"README.md": true}
	for name, a := range static.Assets() {
		for ext, open := range decoders {
			path := filepath.Join(static.CompressedDir, a.Hashed+ext)
			want[filepath.Base(path)] = true
			data, err := os.ReadFile(path)
			if err != nil {
				t.Errorf("%s has no %s form (%v): run go generate ./static", name, ext, err)
				continue
			}
			if got := decompress(t, open, data); !bytes.Equal(got, a.Body()) {
				t.Errorf("%s does not decompress to %s: run go generate ./static", path, name)
			}
		}
	}
	entries, err := os.ReadDir(static.CompressedDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !want[e.Name()] {
			t.Errorf("%s is the form of no current file: run go generate ./static", e.Name())
		}
	}
}

var decoders = map[string]func(io.Reader) (io.Reader, error){
	".br": func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
	".gz": func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
}

func decompress(t *testing.T, open func(io.Reader) (io.Reader, error), data []byte) []byte {
	t.Helper()
	r, err := open(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFilesAreServedPrecompressedForAYear asks for each file taking
// brotli, gzip and neither: each answer decompresses to the file, and is
// kept for a year.
func TestFilesAreServedPrecompressedForAYear(t *testing.T) {
	srv := httptest.NewServer(http.StripPrefix("/static/", static.Handler()))
	t.Cleanup(srv.Close)
	for name, a := range static.Assets() {
		for _, tt := range []struct{ accept, want, ext string }{
			{"gzip, deflate, br, zstd", "br", ".br"},
			{"gzip, br;q=0", "gzip", ".gz"},
			{"identity", "", ""},
		} {
			resp, body := get(t, srv, static.Path(name), tt.accept)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("%s: status %d", name, resp.StatusCode)
			}
			if got := resp.Header.Get("Content-Encoding"); got != tt.want {
				t.Errorf("%s, Accept-Encoding %q: Content-Encoding %q, want %q", name, tt.accept, got, tt.want)
				continue
			}
			if tt.ext != "" {
				body = decompress(t, decoders[tt.ext], body)
			}
			if !bytes.Equal(body, a.Body()) {
				t.Errorf("%s (%s): the body is not the file", name, tt.accept)
			}
			if got, want := resp.Header.Get("Cache-Control"), "public, max-age=31536000, immutable"; got != want {
				t.Errorf("%s: Cache-Control %q, want %q", name, got, want)
			}
			if got := resp.Header.Get("Content-Type"); got != a.Type || got == "" || got == "application/octet-stream" {
				t.Errorf("%s: Content-Type %q", name, got)
			}
		}
	}
}
