package handlers

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"sync"

	"github.com/a-h/templ"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// htmxHeader marks the requests htmx sends. Only this file reads it: the
// one place that decides fragment or page.
const htmxHeader = "HX-Request"

// isHTMX reports whether htmx sent the request, so it wants a fragment. A
// history restore asks for the whole page.
func isHTMX(r *http.Request) bool {
	return r.Header.Get(htmxHeader) == "true" && r.Header.Get("HX-History-Restore-Request") != "true"
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
	w.Header().Add("Vary", htmxHeader) // after Accept-Encoding, set by compress
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

// view builds a component only when the answer needs it. Building it may
// ask the store, and so fail.
type view func() (templ.Component, error)

// ready is a view already built.
func ready(c templ.Component) view { return func() (templ.Component, error) { return c, nil } }

// respond answers with status: htmx gets the fragment it swaps in, anything
// else the whole page, which page builds only then.
func (h *Handler) respond(w http.ResponseWriter, r *http.Request, status int, fragment templ.Component, page view) {
	if isHTMX(r) {
		h.render(w, r, status, fragment)
		return
	}
	h.build(w, r, status, page)
}

// respondPage answers with a page that has no fragment of its own: a plain
// request gets it, and htmx is sent to load it whole from to.
func (h *Handler) respondPage(w http.ResponseWriter, r *http.Request, to string, page templ.Component) {
	if isHTMX(r) {
		h.redirect(w, r, to)
		return
	}
	h.render(w, r, http.StatusOK, page)
}

// done answers a POST that worked: htmx gets the fragment that changed, built
// only then, and a plain form post a redirect to the page (POST, redirect,
// GET).
func (h *Handler) done(w http.ResponseWriter, r *http.Request, to string, fragment view) {
	if isHTMX(r) {
		h.build(w, r, http.StatusOK, fragment)
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

func (h *Handler) build(w http.ResponseWriter, r *http.Request, status int, v view) {
	c, err := v()
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, status, c)
}

// refusal is a request a limit stopped before it reached the store: too
// many requests (429) or a body too large (413). The middleware that counts
// the limit puts it in the request's context (see refused), and the route's
// handler answers it where it would have called the store: with its form
// and the message, like any other error a form shows, or with an error page.
type refusal struct {
	status  int
	message string
}

func (e *refusal) Error() string { return e.message }

// fieldErrors turns a store error, a refusal or a failure of the server's
// own into the messages of a form. A message about no one field goes under
// the key "".
func fieldErrors(r *http.Request, err error) views.FieldErrors {
	lg := lang.From(r.Context())
	if ref, ok := errors.AsType[*refusal](err); ok {
		return views.FieldErrors{"": lg.Text(ref.message)}
	}
	if db.ErrorCode(err) == db.EINTERNAL {
		return views.FieldErrors{"": lg.Text(views.MessageServerFailed)}
	}
	return views.FieldErrors{db.ErrorField(err): sayError(r, err)}
}

// sayError is the user-safe message of err in the request's language.
func sayError(r *http.Request, err error) string {
	lg := lang.From(r.Context())
	if e, ok := errors.AsType[*db.Error](err); ok && e.Format != "" {
		return lg.Say(e.Format, e.Args...)
	}
	return lg.Text(db.ErrorMessage(err))
}

// isFormError reports whether err is one a form shows beside its fields.
func isFormError(err error) bool {
	if _, ok := errors.AsType[*refusal](err); ok {
		return true
	}
	switch db.ErrorCode(err) {
	case db.EINVALID, db.EDUPLICATE, db.ECONFLICT:
		return true
	}
	return false
}

// formStatus is the status of a form sent back with err's message: 422,
// what was typed does not fit, the refusal's own 429 or 413, or 500, the
// server failed. htmx swaps all four (see the layout's htmx config and
// /static/forms.js, which swaps a 500 marked with formHeader).
func formStatus(err error) int {
	if ref, ok := errors.AsType[*refusal](err); ok {
		return ref.status
	}
	if db.Unavailable(err) {
		return http.StatusServiceUnavailable
	}
	if db.ErrorCode(err) == db.EINTERNAL {
		return http.StatusInternalServerError
	}
	return http.StatusUnprocessableEntity
}

// formHeader marks a 5xx answer that is the form again with its message, so
// that /static/forms.js has htmx swap it in. Any other 5xx (a crash's empty
// answer, a proxy's error page) is not swapped: the script shows its own
// message in the form instead.
const formHeader = "Karaoke-Form"

// formShows reports whether a form route answers err with its form again:
// err is one a form shows beside its fields, or the server failed. A
// failure is logged here and shown as views.MessageServerFailed with a 500,
// so that the guest keeps what they typed and learns that nothing was
// saved, with htmx or a plain post alike. A request whose browser went away
// is left to fail, which knows how to log that.
func (h *Handler) formShows(w http.ResponseWriter, r *http.Request, err error) bool {
	if isFormError(err) {
		return true
	}
	if db.ErrorCode(err) != db.EINTERNAL || r.Context().Err() != nil {
		return false
	}
	h.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	w.Header().Set(formHeader, "failed")
	return true
}

// fail answers an error no form can show, mapping the store's error codes
// and the refusals to statuses in this one place. Internal errors are logged
// and not shown.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if ref, ok := errors.AsType[*refusal](err); ok {
		if isHTMX(r) {
			// htmx swaps a 413 or 429 (for the forms that show them): have
			// it show this page in place of the page's body instead.
			w.Header().Set("HX-Retarget", "body")
			w.Header().Set("HX-Reswap", "innerHTML")
		}
		title := "Too many requests"
		if ref.status == http.StatusRequestEntityTooLarge {
			title = "Too much"
		}
		h.renderError(w, r, ref.status, title, ref.message)
		return
	}
	switch db.ErrorCode(err) {
	case db.ENOTFOUND:
		h.renderError(w, r, http.StatusNotFound, "Not found", sayError(r, err))
	case db.EFORBIDDEN:
		h.renderError(w, r, http.StatusForbidden, "Not allowed", sayError(r, err))
	case db.ECONFLICT, db.EDUPLICATE:
		h.renderError(w, r, http.StatusConflict, "That did not work", sayError(r, err))
	case db.EINVALID:
		h.renderError(w, r, http.StatusUnprocessableEntity, "That did not work", sayError(r, err))
	default:
		h.internalError(w, r, err)
	}
}

// failWhole answers with an error page that htmx does not swap in: it
// reloads the whole page instead, which then says why.
func (h *Handler) failWhole(w http.ResponseWriter, r *http.Request, status int, title, message string) {
	if isHTMX(r) {
		w.Header().Set("HX-Refresh", "true")
	}
	h.renderError(w, r, status, title, message)
}

// MessageDatabaseAway is the page a guest sees while the remote database is
// out of reach (remote mode): nothing is lost, and it passes by itself.
const MessageDatabaseAway = "The night's database is out of reach for a moment. Nothing is lost: try again in a few seconds."

func (h *Handler) internalError(w http.ResponseWriter, r *http.Request, err error) {
	h.logFailure(r, "request failed", err)
	if clientGone(r, err) {
		return // nobody to answer
	}
	if db.Unavailable(err) {
		w.Header().Set("Retry-After", "5")
		h.renderError(w, r, http.StatusServiceUnavailable, "One moment", MessageDatabaseAway)
		return
	}
	h.renderError(w, r, http.StatusInternalServerError, "Something went wrong", "Something went wrong on our side. Please try again.")
}

func (h *Handler) renderError(w http.ResponseWriter, r *http.Request, status int, title, message string) {
	var buf bytes.Buffer
	// A switch of language on an error page starts again from the front
	// page: the page's own address may be what failed, and an error page
	// says nothing of it (a host page's error is the same for every id).
	ctx := lang.WithBack(r.Context(), "/")
	lg := lang.From(ctx)
	title, message = lg.Text(title), lg.Text(message)
	if err := views.ErrorScreen(views.ErrorPage{Status: status, Title: title, Message: message}).Render(ctx, &buf); err != nil {
		h.logFailure(r, "render error page", err)
		http.Error(w, message, status)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Del(formHeader) // an error page is not the form: never swap it in
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// handleNotFound answers any path no route matches.
func (h *Handler) handleNotFound(w http.ResponseWriter, r *http.Request) {
	h.renderError(w, r, http.StatusNotFound, "Not found", "There is no page here.")
}
