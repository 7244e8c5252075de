package static_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/karaoke-night/karaoke/static"
)

// TestDirectoriesAreNotListed asks for the files' directory under the
// spellings the file server accepts, following its redirects: none lists
// the files, and the files themselves are still served.
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
		{"/static/app.css", http.StatusOK},
		{"/static/htmx.min.js", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			req, err := http.NewRequest("GET", srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.URL.Opaque = tt.path // sent as written, not cleaned by the client
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.StatusCode; got != tt.want {
				t.Errorf("GET %s: status %d, want %d", tt.path, got, tt.want)
			}
		})
	}
}
