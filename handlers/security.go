package handlers

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/karaoke-night/karaoke/views"
)

// contentSecurityPolicy allows the page only what comes from the app itself:
// its stylesheet, its scripts (htmx and its extensions, which the layout
// configures to need no eval and no inline styles), its QR images, and
// htmx's requests and event streams back to it. Nothing inline, no frames.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// hstsMaxAge is how long a browser that saw the app over HTTPS keeps to it.
const hstsMaxAge = "max-age=31536000"

// secureHeaders sets the headers every answer carries, pages, fragments,
// images and errors alike.
func (h *Handler) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", contentSecurityPolicy)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("X-Frame-Options", "DENY") // frame-ancestors for browsers too old for CSP
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		if requestScheme(r) == "https" {
			hd.Set("Strict-Transport-Security", hstsMaxAge)
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

// limitBody refuses request bodies over maxBodyBytes with 413, and parses
// the form of every other one, so a handler's PostFormValue never meets a
// body it could not read.
func (h *Handler) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBodyBytes {
			h.refuse(w, r, http.StatusRequestEntityTooLarge, tooLarge)
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
				h.refuse(w, r, http.StatusRequestEntityTooLarge, tooLarge)
				return
			case err != nil:
				h.renderError(w, r, http.StatusBadRequest, "That did not work", "The form could not be read. Please try again.")
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// refuse answers a write that a limit stopped (413 for a body too large,
// 429 for too many requests) with the form it came from, re-rendered with
// message above its fields and, when the body could be read, what was
// typed. This is the one place that knows which form each route posts.
// A route without a form of its own gets an error page.
func (h *Handler) refuse(w http.ResponseWriter, r *http.Request, status int, message string) {
	pattern, r := h.route(r)
	errs := views.FieldErrors{"": message}
	value := func(name string) string {
		if status == http.StatusRequestEntityTooLarge {
			return "" // the body was not read
		}
		return r.PostFormValue(name)
	}
	switch pattern {
	case "/sessions":
		form := views.CreateSessionForm{Name: value("name"), Errors: errs}
		h.respond(w, r, status, views.CreateSession(form), ready(views.Home(views.HomePage{Create: form})))
		return
	case "/j/{code}/join":
		sess, err := h.store.SessionByCode(r.Context(), chi.URLParam(r, "code"))
		if err == nil {
			vm := h.joinPage(r, sess, views.JoinForm{Name: value("name"), Errors: errs})
			h.respond(w, r, status, views.JoinFormView(vm.Form), ready(views.Join(vm)))
			return
		}
	case "/j/{code}/requests":
		gc, err := h.loadGuest(r)
		if err == nil && gc.joined {
			form := requestForm(gc.session)
			form.Title, form.Artist, form.Note, form.Errors = value("title"), value("artist"), value("note"), errs
			if vm, err := h.guestPage(r, gc, form); err == nil {
				h.respond(w, r, status, views.RequestFormView(form), ready(views.Guest(vm)))
				return
			}
		}
	case "/j/{code}/requests/{requestID}/withdraw":
		gc, err := h.loadGuest(r)
		if err == nil && gc.joined {
			if vm, err := h.guestPage(r, gc, requestForm(gc.session)); err == nil {
				vm.Live.Notice = message
				h.respond(w, r, status, views.GuestLiveView(vm.Live), ready(views.Guest(vm)))
				return
			}
		}
	}
	// No form to put the message in.
	h.fail(w, r, &refusal{status: status, message: message})
}

// route returns the pattern of the route r is for and r with its URL
// parameters, also when a middleware that runs before routing asks.
func (h *Handler) route(r *http.Request) (string, *http.Request) {
	if rctx := chi.RouteContext(r.Context()); rctx != nil && rctx.RoutePattern() != "" {
		return rctx.RoutePattern(), r
	}
	if h.mux == nil {
		return "", r
	}
	rctx := chi.NewRouteContext()
	pattern := h.mux.Find(rctx, r.Method, r.URL.Path)
	return pattern, r.WithContext(context.WithValue(r.Context(), chi.RouteCtxKey, rctx))
}
