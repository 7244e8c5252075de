package handlers

import (
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzhttp"
)

// eventStreamType is what a live stream answers with, and what a browser's
// EventSource asks for in Accept.
const eventStreamType = "text/event-stream"

// compress compresses the answers that are worth it (gzip, or zstd where
// the browser takes it; gzhttp picks by Accept-Encoding, and leaves answers
// under 1 KB, images and answers a handler marked with noCompression as
// they are). Two kinds are never compressed:
//
//   - a live stream: a compressor holds back what it has not filled a block
//     with, and an event must leave at once. A stream is told apart by what
//     the browser asks for (EventSource sends Accept: text/event-stream), so
//     it never passes through the compressor at all, and by its answer's
//     type as well, should a stream be asked for some other way.
//   - the host's answers (see requireHost): they show the secret host link
//     beside text any guest typed (names, songs, notes), which is what
//     BREACH needs: a guest who can see the compressed size of the host's
//     answers while changing their own text could learn the link a few
//     characters at a time. Random padding only makes that slower (the
//     attacker averages it away over more requests). The dashboard itself
//     is compressed, but not here: it is a kept page (respondKeptAs) whose
//     parts are compressed each on its own and whose host link is sent as
//     it is between them, so no compressed byte depends on the link.
func compress() func(http.Handler) http.Handler {
	wrap, err := gzhttp.NewWrapper(gzhttp.ContentTypeFilter(compressible))
	if err != nil {
		panic(err) // the options above are constants: a bad one is a bug
	}
	return func(next http.Handler) http.Handler {
		compressed := wrap(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if strings.Contains(r.Header.Get("Accept"), eventStreamType) {
				next.ServeHTTP(w, r)
				return
			}
			compressed.ServeHTTP(w, r)
		})
	}
}

// compressible reports whether an answer of type ct is compressed: what
// gzhttp would compress, except a live stream and the QR codes' PNGs,
// which are compressed already.
func compressible(ct string) bool {
	ct = strings.ToLower(strings.TrimSpace(ct))
	return gzhttp.DefaultContentTypeFilter(ct) && !strings.HasPrefix(ct, eventStreamType) && !strings.HasPrefix(ct, "image/png")
}

// noCompression marks an answer that must not be compressed (see compress).
// The compressor removes the mark before the answer leaves.
func noCompression(w http.ResponseWriter) {
	w.Header().Set(gzhttp.HeaderNoCompression, "host page")
}
