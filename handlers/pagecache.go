package handlers

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// pageKey names one render of a page that every request with the same key
// may be sent: the same page of the same night at the same version, for
// the same viewer, in the same language, within the same minute.
type pageKey struct {
	Page    string // "guest", "display", "dashboard"
	Session int64
	Version int64  // the session's version, which every change of what the page shows moves
	Viewer  int64  // the guest whose page it is; 0 for a page everyone sees alike
	Shows   string // see kept.Shows
	// Lang is the language the page is written in (the request's; the
	// TV's is the night's, set in the context before).
	Lang string
	// Minute is the clock's minute: a page also says how long a wait is
	// ("about 8 min") and whether last call has come, which the clock
	// moves without a write. A kept page is at most a minute behind.
	Minute int64
	// Closing is the closing time as the page shows it: last call and
	// closing come by the clock, and the page changes at once.
	Closing  views.Closing
	Fragment bool // the htmx fragment rather than the whole page
	// Address is the page's path and query: the query may be a song
	// search the page shows, and the language switcher sends the browser
	// back to the path it came by (a code or a token).
	Address string
}

// pageCacheSize bounds the pages kept: some kilobytes each (the
// dashboard some hundred), so a few MB at most, and enough for every guest
// of a busy night at one version.
const pageCacheSize = 256

// pageCache keeps rendered pages by their key, split at their slots and
// compressed (keptPage), so that a hit renders and compresses nothing.
type pageCache struct {
	pages *lru.Cache[pageKey, *keptPage]
	// boot is this process's own mark in every ETag: a new build renders
	// pages differently (its static files have new names) at the same
	// version, so no page a browser kept from before is taken as current.
	boot string
}

func newPageCache() *pageCache {
	pages, err := lru.New[pageKey, *keptPage](pageCacheSize)
	if err != nil {
		panic(err) // only for a size below 1
	}
	return &pageCache{pages: pages, boot: rand.Text()[:8]}
}

// etag is the page's entity tag: weak, since the one-time keys in it differ
// from answer to answer while what it shows does not.
func (c *pageCache) etag(k pageKey) string {
	b := make([]byte, 0, 256)
	for _, s := range []string{c.boot, k.Page, k.Shows, k.Lang, k.Closing.Clock, k.Address} {
		// Each string after its length, so no two keys write the same bytes.
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	for _, n := range []int64{k.Session, k.Version, k.Viewer, k.Minute, int64(k.Closing.AfterClosing)} {
		b = strconv.AppendInt(append(b, '|'), n, 10)
	}
	for _, f := range []bool{k.Closing.LastCall, k.Closing.Passed, k.Fragment} {
		b = strconv.AppendBool(append(b, '|'), f)
	}
	sum := sha256.Sum256(b)
	var out [28]byte
	copy(out[:], `W/"`)
	hex.Encode(out[3:27], sum[:12])
	out[27] = '"'
	return string(out[:])
}

// kept says how a page is kept and sent (see respondKeptAs).
type kept struct {
	Page   string // "guest", "display", "dashboard"
	Viewer int64  // the guest whose page it is; 0 for a page everyone sees alike
	// Shows is more that the page shows and the version does not follow
	// (the TVs paired, the songbooks, the copy's status): part of the key.
	Shows string
	// Secret fills the page's views.SecretSlot and Device its
	// views.DeviceSlot; NoStore sends it for no cache to keep, without an
	// ETag: a host page.
	Secret, Device string
	NoStore        bool
	// Lang is the language the page is in when it is not the request's
	// (the TV's is the night's): set here rather than in the request's
	// context, which a kept answer would copy for nothing.
	Lang *lang.Lang
}

// respondKept answers like respond, from the page kept under its key when
// there is one (see respondKeptAs).
func (h *Handler) respondKept(w http.ResponseWriter, r *http.Request, sess db.Session, name string, viewer int64, fragment, page view) {
	h.respondKeptAs(w, r, sess, kept{Page: name, Viewer: viewer}, fragment, page)
}

// respondKeptAs answers like respond, from the page kept under its key when
// there is one. A request that already holds this render (If-None-Match)
// gets 304 and no body; otherwise the page is built only when none is kept,
// rendered and compressed once for every request with its key, and sent
// with fresh one-time keys, in gzip when the browser takes it.
func (h *Handler) respondKeptAs(w http.ResponseWriter, r *http.Request, sess db.Session, how kept, fragment, page view) {
	now := time.Now()
	lg := how.Lang
	if lg == nil {
		l := lang.From(r.Context())
		lg = &l
	}
	k := pageKey{Page: how.Page, Session: sess.ID, Version: sess.Version, Viewer: how.Viewer, Shows: how.Shows, Lang: lg.Tag(),
		Minute: now.Unix() / 60, Closing: closingView(db.Night{Session: sess}, now), Fragment: isHTMX(r), Address: r.URL.RequestURI()}
	hd := w.Header()
	kp, ok := h.pages.pages.Get(k)
	var etag []string // the kept page's, made with it; else made for this answer
	if !how.NoStore {
		if ok {
			etag = kp.etag
		} else {
			etag = headerValue(h.pages.etag(k))
		}
		if r.Method == http.MethodGet && etagMatches(r.Header.Get("If-None-Match"), etag[0]) {
			keptValidators(hd, etag)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	if !ok {
		build := page
		if k.Fragment {
			build = fragment
		}
		c, err := build()
		if err != nil {
			h.fail(w, r, err)
			return
		}
		ctx := r.Context()
		if how.Lang != nil {
			ctx = lang.With(ctx, *how.Lang)
		}
		page := renderBuffers.Get().(*bytes.Buffer)
		defer putRenderBuffer(page)
		if err := c.Render(views.Reusable(ctx), page); err != nil {
			h.internalError(w, r, err)
			return
		}
		if kp, err = keepPage(page.Bytes()); err != nil {
			h.internalError(w, r, err)
			return
		}
		kp.etag = etag
		h.pages.pages.Add(k, kp)
	}
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	fills := kp.fills(how.Secret, how.Device)
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		kp.writeGzip(buf, fills)
		hd["Content-Encoding"] = gzipValue
	} else {
		kp.writePlain(buf, fills)
	}
	if etag != nil {
		keptValidators(hd, etag)
	}
	hd["Content-Type"] = htmlValue
	// Whole: the compressor and the language's middleware named some of
	// these already, and a kept page varies by them all.
	hd["Vary"] = keptVaryValue
	hd["Content-Length"] = []string{strconv.Itoa(buf.Len())}
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

// keptValidators are a kept page's ETag and caching: each load asks whether
// the page is still current, as it changes with the night and is this
// browser's own.
func keptValidators(hd http.Header, etag []string) {
	hd["Etag"] = etag
	hd["Cache-Control"] = privateNoCacheValue
}

// A kept page's own header values, made once (see headerValue).
var (
	gzipValue           = headerValue("gzip")
	htmlValue           = headerValue("text/html; charset=utf-8")
	privateNoCacheValue = headerValue("private, no-cache")
	keptVaryValue       = headerValue("Accept-Encoding", "Accept-Language, Cookie", htmxHeader)
)

// etagMatches reports whether an If-None-Match header names etag, by weak
// comparison (RFC 9110 13.1.2): the only kind a GET needs.
func etagMatches(header, etag string) bool {
	if header == "" {
		return false
	}
	for part := range strings.SplitSeq(header, ",") {
		p := strings.TrimSpace(part)
		if p == "*" || strings.TrimPrefix(p, "W/") == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}
