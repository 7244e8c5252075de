package handlers

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"sync"

	"github.com/a-h/templ"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/views"
)

// isHTMX reports whether htmx sent the request, so it wants a fragment. A
// history restore asks for the whole page.
func isHTMX(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
}

// render writes c with the given status. It renders into a buffer first, so
// a failed render sends an error page rather than half a page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	buf := renderBuffers.Get().(*bytes.Buffer)
	defer putRenderBuffer(buf)
	if err := c.Render(r.Context(), buf); err != nil {
		h.internalError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Vary", "HX-Request")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// renderBuffers are reused between renders: a page is some kilobytes, and
// growing a fresh buffer to that size for every request is garbage.
var renderBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func putRenderBuffer(b *bytes.Buffer) {
	if b.Cap() > 1<<20 {
		return // an unusually large page: let it go
	}
	b.Reset()
	renderBuffers.Put(b)
}

// page answers a GET: the whole page, or for htmx the fragment the page
// refreshes itself with.
func (h *Handler) page(w http.ResponseWriter, r *http.Request, page, fragment templ.Component) {
	if isHTMX(r) {
		h.render(w, r, http.StatusOK, fragment)
		return
	}
	h.render(w, r, http.StatusOK, page)
}

// done answers a POST that worked: htmx gets the fragment that changed, a
// plain form post a redirect to the page (POST, redirect, GET).
func (h *Handler) done(w http.ResponseWriter, r *http.Request, to string, fragment templ.Component) {
	if isHTMX(r) {
		h.render(w, r, http.StatusOK, fragment)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// redirect sends the browser to another page, for htmx and plain posts alike.
func (h *Handler) redirect(w http.ResponseWriter, r *http.Request, to string) {
	if isHTMX(r) {
		w.Header().Set("HX-Redirect", to)
		w.WriteHeader(http.StatusOK)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// invalid answers a form that did not pass: 422 with the form re-rendered,
// its values kept and its messages beside the fields. htmx swaps in the form;
// a plain post gets the whole page around it.
func (h *Handler) invalid(w http.ResponseWriter, r *http.Request, page, form templ.Component) {
	if isHTMX(r) {
		h.render(w, r, http.StatusUnprocessableEntity, form)
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, page)
}

// fieldErrors turns a store error into the messages of a form. A message
// about no one field goes under the key "".
func fieldErrors(err error) views.FieldErrors {
	return views.FieldErrors{db.ErrorField(err): db.ErrorMessage(err)}
}

// isFormError reports whether err is one a form shows beside its fields.
func isFormError(err error) bool {
	switch db.ErrorCode(err) {
	case db.EINVALID, db.EDUPLICATE, db.ECONFLICT:
		return true
	}
	return false
}

// fail answers an error no form can show, mapping the store's error codes to
// statuses in this one place. Internal errors are logged and not shown.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch db.ErrorCode(err) {
	case db.ENOTFOUND:
		h.renderError(w, r, http.StatusNotFound, "Not found", db.ErrorMessage(err))
	case db.EFORBIDDEN:
		h.renderError(w, r, http.StatusForbidden, "Not allowed", db.ErrorMessage(err))
	case db.ECONFLICT, db.EDUPLICATE:
		h.renderError(w, r, http.StatusConflict, "That did not work", db.ErrorMessage(err))
	case db.EINVALID:
		h.renderError(w, r, http.StatusUnprocessableEntity, "That did not work", db.ErrorMessage(err))
	default:
		h.internalError(w, r, err)
	}
}

func (h *Handler) internalError(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() == context.Canceled {
		return // the browser went away; nobody to answer
	}
	h.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	h.renderError(w, r, http.StatusInternalServerError, "Something went wrong", "Something went wrong on our side. Please try again.")
}

func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, status int, title, message string) {
	var buf bytes.Buffer
	if err := views.ErrorScreen(views.ErrorPage{Status: status, Title: title, Message: message}).Render(r.Context(), &buf); err != nil {
		h.log.Error("render error page", "err", err)
		http.Error(w, message, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// handleNotFound answers any path no route matches.
func (h *Handler) handleNotFound(w http.ResponseWriter, r *http.Request) {
	h.renderError(w, r, http.StatusNotFound, "Not found", "There is no page here.")
}
