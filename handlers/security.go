package handlers

import (
	"context"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/karaoke-night/karaoke/songbook"
)

// contentSecurityPolicy allows the page only what comes from the app itself:
// its stylesheet, its scripts (htmx and its extensions, which the layout
// configures to need no eval and no inline styles), its QR images, and
// htmx's requests and event streams back to it, and for Web Push its
// service worker (/sw.js) and web app manifest. Nothing inline, no frames.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; font-src 'self'; manifest-src 'self'; worker-src 'self'; form-action 'self'; " +
	"base-uri 'none'; frame-ancestors 'none'"

// hstsMaxAge is how long a browser that saw the app over HTTPS keeps to it.
const hstsMaxAge = "max-age=31536000"

// headerValue is a header's value made once and shared by every answer
// that sends it. Its capacity is its length, so a handler that adds to
// the header (Header.Add) gets a copy rather than changing the shared one.
func headerValue(vs ...string) []string { return vs[:len(vs):len(vs)] }

var (
	cspValue        = headerValue(contentSecurityPolicy)
	nosniffValue    = headerValue("nosniff")
	sameOriginValue = headerValue("same-origin")
	denyValue       = headerValue("DENY")
	hstsValue       = headerValue(hstsMaxAge)
)

// secureHeaders sets the headers every answer carries, pages, fragments,
// images and errors alike.
func (h *Handler) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		// Set by their canonical keys, to values made once (see
		// headerValue): this runs for every answer.
		hd["Content-Security-Policy"] = cspValue
		hd["X-Content-Type-Options"] = nosniffValue
		hd["Referrer-Policy"] = sameOriginValue
		hd["X-Frame-Options"] = denyValue // frame-ancestors for browsers too old for CSP
		hd["Cross-Origin-Opener-Policy"] = sameOriginValue
		if requestScheme(r) == "https" {
			hd["Strict-Transport-Security"] = hstsValue
		}
		next.ServeHTTP(w, r)
	})
}

// crossOrigin refuses state-changing requests that a browser sent from
// another site (Go's CrossOriginProtection reads Sec-Fetch-Site and
// Origin), so no other page can post a form to the app in a guest's or the
// host's name. GET, HEAD and OPTIONS pass: they change nothing.
func (h *Handler) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	if h.publicURL != nil {
		// A proxy that rewrites Host would otherwise make the app's own
		// pages look cross-origin.
		cop.AddTrustedOrigin(h.publicURL.Scheme + "://" + h.publicURL.Host)
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.renderError(w, r, http.StatusForbidden, "Not allowed",
			"This form was sent from another website, so it was not accepted. Open the karaoke page itself and try again.")
	}))
	return cop.Handler(next)
}

// maxBodyBytes bounds a request body: a karaoke form is a few hundred bytes.
const maxBodyBytes = 64 << 10

const tooLarge = "That was far more than this form takes (64 KB at most). Shorten what you typed and try again."

var tooLargeList = fmt.Sprintf("That file is larger than a song list may be (%d MB at most).", songbook.MaxBytes>>20)

// limitBody bounds request bodies to maxBodyBytes, and parses the form of
// every one, so a handler's PostFormValue never meets a body it could not
// read. A body over the bound is refused with 413 (see refuseBody).
func (h *Handler) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isSongbookUpload(r) {
			// The one route that takes a big body reads it as a stream
			// itself (see handleSongbookImport); its bound is the list's.
			if r.ContentLength > maxUploadBytes {
				h.refuseBody(w, r, next)
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, maxUploadBytes)
			next.ServeHTTP(w, r)
			return
		}
		if r.ContentLength > maxBodyBytes {
			h.refuseBody(w, r, next)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			var err error
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
				err = r.ParseMultipartForm(maxBodyBytes)
			} else {
				err = r.ParseForm()
			}
			var tooBig *http.MaxBytesError
			switch {
			case errors.As(err, &tooBig):
				h.refuseBody(w, r, next)
				return
			case err != nil:
				h.renderError(w, r, http.StatusBadRequest, "That did not work", "The form could not be read. Please try again.")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// maxUploadBytes bounds the body of a song list's upload: the largest list
// and room for the form around it.
const maxUploadBytes = songbook.MaxBytes + maxBodyBytes

// songbookUploadPath is the upload route's path, the only one whose body may
// pass maxBodyBytes (limitBody runs before the router, so it matches the
// path itself).
var songbookUploadPath = regexp.MustCompile(`^/host/[0-9]+/songbook$`)

// isSongbookUpload reports whether r is a song list's upload: a multipart
// POST to the upload route. Anything else sent there is an ordinary form
// bounded to 64 KB.
func isSongbookUpload(r *http.Request) bool {
	return r.Method == http.MethodPost && songbookUploadPath.MatchString(r.URL.Path) &&
		strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
}

// refuseBody refuses a body too large. A POST goes on to its route with the
// refusal and an empty form, as if nothing had been typed (the body was not
// read): the handler answers it, with its own form where it has one, and
// requireHost for every host route. Any other request has nothing to show
// it in, and gets the error page here.
func (h *Handler) refuseBody(w http.ResponseWriter, r *http.Request, next http.Handler) {
	ref := &refusal{status: http.StatusRequestEntityTooLarge, message: tooLarge}
	if isSongbookUpload(r) {
		ref.message = tooLargeList
	}
	if r.Method != http.MethodPost {
		h.fail(w, r, ref)
		return
	}
	r.Body = http.NoBody
	r.Form, r.PostForm = url.Values{}, url.Values{}
	r.MultipartForm = &multipart.Form{Value: map[string][]string{}, File: map[string][]*multipart.FileHeader{}}
	next.ServeHTTP(w, withRefusal(r, ref))
}

type refusalKey struct{}

// withRefusal returns r carrying a limit's refusal, for the handler to answer.
func withRefusal(r *http.Request, ref *refusal) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), refusalKey{}, ref))
}

// refused returns the refusal a limit put on r, or nil. A handler that
// writes calls it where it would call the store, and answers a refusal as it
// answers the store's errors; a limit never reaches the store.
func refused(r *http.Request) error {
	if ref, ok := r.Context().Value(refusalKey{}).(*refusal); ok {
		return ref
	}
	return nil
}
