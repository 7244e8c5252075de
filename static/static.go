// Package static serves the app's stylesheet, its own script (forms.js)
// and its vendored scripts, embedded in the binary. VERSIONS.md beside them
// records where each vendored file came from.
package static

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
)

//go:embed *.css *.js *.svg
var files embed.FS

// Handler serves the embedded files. Their names do not change with their
// content, so browsers revalidate them rather than keep them for long.
//
// A directory is not found rather than listed: a listing would hand a
// stranger the exact vendored files (and so their versions) for nothing a
// page needs. The file server would list a directory under any spelling of
// its name ("", ".", "x/.."), so the check asks the embedded files what the
// cleaned name is, not how the path looks.
func Handler() http.Handler {
	server := http.FileServerFS(files)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isDir(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		server.ServeHTTP(w, r)
	})
}

// isDir reports whether name, as the file server would clean it, is a
// directory of the embedded files.
func isDir(name string) bool {
	name = path.Clean("/" + name)[1:]
	if name == "" {
		name = "."
	}
	info, err := fs.Stat(files, name)
	return err == nil && info.IsDir()
}
