// Command precompress writes the brotli and gzip forms of the embedded
// static files into static/compressed, named after their hashed names, and
// removes the forms of files that changed or went. `go generate ./static`
// runs it in that directory. Compressing at the best levels takes about a
// second, which is why it happens here and not when the server starts.
package main

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"

	"github.com/karaoke-night/karaoke/static"
)

func main() {
	if err := run(static.CompressedDir); err != nil {
		log.Fatal(err)
	}
}

func run(dir string) error {
	want := map[string]bool{"README.md": true}
	for _, a := range static.Assets() {
		forms := []struct {
			ext string
			new func(io.Writer) io.WriteCloser
		}{
			{".br", func(w io.Writer) io.WriteCloser { return brotli.NewWriterLevel(w, brotli.BestCompression) }},
			{".gz", func(w io.Writer) io.WriteCloser {
				zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression) // a known level: no error
				return zw
			}},
		}
		for _, f := range forms {
			name := a.Hashed + f.ext
			want[name] = true
			var buf bytes.Buffer
			zw := f.new(&buf)
			if _, err := zw.Write(a.Body()); err != nil {
				return err
			}
			if err := zw.Close(); err != nil {
				return err
			}
			if err := os.WriteFile(filepath.Join(dir, name), buf.Bytes(), 0o644); err != nil {
				return err
			}
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !want[e.Name()] {
			fmt.Println("removed", e.Name())
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}
