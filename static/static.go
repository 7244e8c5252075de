// Package static serves the app's stylesheet, its own scripts (forms.js,
// dashboard.js, push.js), its icons and its vendored scripts, embedded in
// the binary, and the two files a browser looks for at the top of the site:
// the service worker and the web app manifest. VERSIONS.md beside them
// records where each vendored file came from.
package static

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
)

//go:embed *.css *.js *.svg *.png *.webmanifest
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

// ServiceWorker serves GET /sw.js, the guest's service worker: at the top
// of the site, so its scope is the whole site (no Service-Worker-Allowed
// header is needed). A phone asks for it again on each visit, so a new
// version reaches phones at once.
func ServiceWorker() http.Handler {
	return topFile("sw.js", "text/javascript; charset=utf-8")
}

// Manifest serves GET /manifest.webmanifest, the web app manifest that lets
// an iPhone add the guest page to its Home Screen, where it may receive
// pushes. It names no start_url on purpose: a phone then starts the page
// it was added from, the guest's own night, not the home page.
func Manifest() http.Handler {
	return topFile("manifest.webmanifest", "application/manifest+json")
}

// topFile serves one embedded file at a path of its own, revalidated on
// every use (it changes with a deploy, and is small).
func topFile(name, contentType string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeFileFS(w, r, files, name)
	})
}
