// Package static serves the app's stylesheet, its own scripts (forms.js,
// dashboard.js, push.js, connection.js, tv.js), its icons and its vendored
// scripts, embedded in the binary, and the two files a browser looks for at
// the top of the site: the service worker and the web app manifest.
// VERSIONS.md beside them records where each vendored file came from.
//
// Each file is served under a name that carries a hash of its content
// (app.css as /static/app.3f9c0a1b2c4d.css), so a browser may keep it for a
// year without asking again: a changed file has a new name, which the pages
// name through Path. Each is also kept compressed (brotli and gzip), made
// by `go generate ./static` (see precompress/) and embedded beside it under
// its hashed name, so nothing is compressed while the server runs.
package static

//go:generate go run ./precompress

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed *.css *.js *.svg *.png *.webmanifest
var files embed.FS

// Compressed holds the files' brotli (.br) and gzip (.gz) forms, named
// after the hashed names (app.3f9c0a1b2c4d.css.br). A form that is missing,
// as it is when a file changed and `go generate ./static` was not run, is
// not served (the file goes uncompressed); TestCompressedFormsAreCurrent
// catches that.
//
//go:embed compressed
var compressed embed.FS

// CompressedDir is where compressed forms live, in this package's
// directory and in Compressed.
const CompressedDir = "compressed"

// Asset is one embedded file as it is served. Its bytes are read from the
// binary's embedded data on each request, never copied onto the heap: the
// files and their compressed forms are 0.2 MB a server would otherwise
// keep from its first page on.
type Asset struct {
	Name   string // as in this directory: app.css
	Hashed string // with its content's hash: app.3f9c0a1b2c4d.css
	Type   string // its Content-Type
	size   int64
	br, gz int64 // its compressed forms' sizes, 0 when missing
}

// Body is the file's content.
func (a *Asset) Body() []byte {
	body, err := fs.ReadFile(files, a.Name)
	if err != nil {
		panic(err) // an embedded file is always there
	}
	return body
}

// hashLength is how many hex digits of the content's SHA-256 a hashed name
// carries: 48 bits, far more than the versions one file will ever have.
const hashLength = 12

// Assets returns the embedded files, by their names, read and hashed once.
var Assets = sync.OnceValue(func() map[string]*Asset {
	all := map[string]*Asset{}
	entries, err := fs.ReadDir(files, ".")
	if err != nil {
		panic(err) // the embedded directory is always there
	}
	buf := make([]byte, 4<<10) // a page: the files are hashed once
	for _, e := range entries {
		f, err := files.Open(e.Name())
		if err != nil {
			panic(err)
		}
		h := sha256.New()
		size, err := io.CopyBuffer(h, f, buf)
		f.Close()
		if err != nil {
			panic(err)
		}
		a := &Asset{Name: e.Name(), Hashed: withHash(e.Name(), h.Sum(nil)), Type: contentType(e.Name()), size: size}
		a.br, a.gz = compressedSize(a.Hashed+".br"), compressedSize(a.Hashed+".gz")
		all[a.Name] = a
	}
	return all
})

func compressedSize(name string) int64 {
	info, err := fs.Stat(compressed, path.Join(CompressedDir, name))
	if err != nil {
		return 0 // not made: the file goes uncompressed
	}
	return info.Size()
}

// byHashed is Assets by their hashed names, the ones served.
var byHashed = sync.OnceValue(func() map[string]*Asset {
	m := map[string]*Asset{}
	for _, a := range Assets() {
		m[a.Hashed] = a
	}
	return m
})

// HashedName is name with the hash of body before its extension.
func HashedName(name string, body []byte) string {
	sum := sha256.Sum256(body)
	return withHash(name, sum[:])
}

// withHash is name with the SHA-256 sum before its extension.
func withHash(name string, sum []byte) string {
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum)[:hashLength] + ext
}

// types are the Content-Types of the kinds of file embedded here: a table
// of our own, where mime.TypeByExtension would read the system's MIME
// database at the first page and keep about 400 KB of heap for good to
// answer these five.
var types = map[string]string{
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".webmanifest": "application/manifest+json",
}

func contentType(name string) string {
	if t, ok := types[path.Ext(name)]; ok {
		return t
	}
	return "application/octet-stream"
}

// Path is the path a page names the embedded file name by: its hashed name
// under /static/. A name that is not embedded is a mistake in a template,
// and panics, so that any test rendering the page finds it.
func Path(name string) string {
	a, ok := Assets()[name]
	if !ok {
		panic("static: no file " + name)
	}
	return "/static/" + a.Hashed
}

// Handler serves the embedded files by their hashed names, for a year
// (immutable: the name changes with the content), in brotli or gzip when
// the browser takes it. Every other name is not found: a file's plain name,
// a hash an older build had, a directory (a listing would hand a stranger
// the exact vendored files, and so their versions, for nothing a page
// needs).
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, ok := byHashed()[strings.TrimPrefix(r.URL.Path, "/")]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		serve(w, r, a)
	})
}

// serve writes a's body in the best encoding the request takes.
func serve(w http.ResponseWriter, r *http.Request, a *Asset) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "Method not allowed", http.StatusMethodNotAllowed)
		return
	}
	fsys, name, size, enc := fs.FS(files), a.Name, a.size, ""
	switch {
	case a.br > 0 && accepts(r, "br"):
		fsys, name, size, enc = compressed, path.Join(CompressedDir, a.Hashed+".br"), a.br, "br"
	case a.gz > 0 && accepts(r, "gzip"):
		fsys, name, size, enc = compressed, path.Join(CompressedDir, a.Hashed+".gz"), a.gz, "gzip"
	}
	f, err := fsys.Open(name)
	if err != nil {
		panic(err) // an embedded file is always there
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", a.Type)
	h.Set("Vary", "Accept-Encoding")
	if enc != "" {
		h.Set("Content-Encoding", enc)
	}
	h.Set("Content-Length", strconv.FormatInt(size, 10))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		io.Copy(w, f)
	}
}

// accepts reports whether the request's Accept-Encoding takes enc, and
// not with q=0.
func accepts(r *http.Request, enc string) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), enc) {
			continue
		}
		q, found := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q=")
		if !found {
			return true
		}
		v, err := strconv.ParseFloat(q, 64)
		return err == nil && v > 0
	}
	return false
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
// every use (it changes with a deploy, and is small). The files it names
// as /static/NAME (the icons) are named by their hashed paths, the only
// ones served.
func topFile(name, contentType string) http.Handler {
	body := sync.OnceValue(func() []byte { return namesHashed(Assets()[name].Body()) })
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "no-cache")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body()))
	})
}

// staticName is a file of this package named by its plain path.
var staticName = regexp.MustCompile(`/static/[A-Za-z0-9_.-]+`)

// namesHashed is body with each /static/NAME of an embedded file replaced
// by that file's Path.
func namesHashed(body []byte) []byte {
	return staticName.ReplaceAllFunc(body, func(m []byte) []byte {
		if _, ok := Assets()[string(m[len("/static/"):])]; ok {
			return []byte(Path(string(m[len("/static/"):])))
		}
		return m
	})
}
