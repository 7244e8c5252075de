// Package static serves the app's stylesheet, its own script (forms.js)
// and its vendored scripts, embedded in the binary. VERSIONS.md beside them
// records where each vendored file came from.
package static

import (
	"embed"
	"net/http"
)

//go:embed *.css *.js *.svg
var files embed.FS

// Handler serves the embedded files. Their names do not change with their
// content, so browsers revalidate them rather than keep them for long.
func Handler() http.Handler {
	fs := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fs.ServeHTTP(w, r)
	})
}
