package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// handleHome serves GET /: the nights this browser hosts, host a session,
// or join one by its code.
func (h *Handler) handleHome(w http.ResponseWriter, r *http.Request) {
	hosting, err := h.hostedNights(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	noStoreHome(w)
	h.render(w, r, http.StatusOK, views.Home(views.HomePage{Hosting: hosting}))
}

// noStoreHome keeps the home page out of every cache: its form's one-time
// key can make its holder host of the night it creates (createdAgain), so
// no two browsers may be sent the same page, and it may name this
// browser's nights.
func noStoreHome(w http.ResponseWriter) { w.Header().Set("Cache-Control", "no-store") }

// hostedNights lists the nights the browser hosts whose host key it still
// holds, so a host who closed the tab finds the dashboard again.
func (h *Handler) hostedNights(r *http.Request) ([]views.HostedNight, error) {
	sessions, err := h.store.HostedSessions(r.Context(), hostedNights(r))
	if err != nil {
		return nil, err
	}
	out := make([]views.HostedNight, len(sessions))
	for i, s := range sessions {
		out[i] = views.HostedNight{Name: s.Name, Open: s.Open(), DashboardURL: hostPath(s.ID)}
	}
	return out, nil
}

// handleSessionCreate serves POST /sessions: the browser that creates a
// session becomes its host. The form's one-time key makes a repeat (a
// double tap, a resend after a lost answer) go to the night the key made
// rather than make another (see createdAgain).
func (h *Handler) handleSessionCreate(w http.ResponseWriter, r *http.Request) {
	name := r.PostFormValue("name")
	var made db.NewNight
	err := refused(r)
	if err == nil {
		// The night speaks the host's language until they choose another.
		made, err = h.store.CreateSessionOnce(r.Context(), name, lang.From(r.Context()).Tag(), retapKey(r))
	}
	if h.formShows(w, r, err) {
		form := views.CreateSessionForm{Name: name, Errors: fieldErrors(r, err)}
		h.respond(w, r, formStatus(err), views.CreateSession(form), func() (templ.Component, error) {
			hosting, err := h.hostedNights(r)
			return views.Home(views.HomePage{Create: form, Hosting: hosting}), err
		})
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if made.Repeat {
		h.createdAgain(w, r, made.Session.ID)
		return
	}
	setHostKey(w, r, made.Session.ID, made.HostKey)
	h.redirect(w, r, hostPath(made.Session.ID))
}

// createdAgain answers a repeat of the post that made the night id: the
// first answer's redirect to its dashboard. That answer also set the host
// key, which is kept nowhere; a browser that does not hold the night (the
// first answer was lost on the way) is the one that made it, since only
// its page had the key, and is handed the night again with a new host key,
// as "Make a new host link" does, unless the night is already under way
// (Store.HandNightBack): then the dashboard tells it whose page it is.
func (h *Handler) createdAgain(w http.ResponseWriter, r *http.Request, id int64) {
	holds, err := h.holdsNight(r, id)
	if err == nil && !holds {
		var key string
		key, err = h.store.HandNightBack(r.Context(), id, retapKey(r))
		if err == nil {
			setHostKey(w, r, id, key)
		}
	}
	if err != nil && !notHost(err) {
		h.fail(w, r, err)
		return
	}
	w.Header().Set(retapHeader, "repeat")
	h.redirect(w, r, hostPath(id))
}

// holdsNight reports whether the browser holds the current host key of the
// night id, as its list of hosted nights says (the key's own cookie goes
// only to the night's /host/ pages).
func (h *Handler) holdsNight(r *http.Request, id int64) (bool, error) {
	var mine []db.HostedNight
	for _, n := range hostedNights(r) {
		if n.SessionID == id {
			mine = append(mine, n)
		}
	}
	if len(mine) == 0 {
		return false, nil
	}
	sessions, err := h.store.HostedSessions(r.Context(), mine)
	return len(sessions) > 0, err
}

// handleJoinByCode serves GET /j?code=…: the form on / for a guest who typed
// the code instead of scanning it. A wrong code, or too many of them from
// one network, comes back to the form with the message beside the field.
func (h *Handler) handleJoinByCode(w http.ResponseWriter, r *http.Request) {
	typed := r.URL.Query().Get("code")
	sess, err := h.lookUpSession(w, r, strings.TrimSpace(typed))
	if err == nil {
		http.Redirect(w, r, guestPath(sess), http.StatusSeeOther)
		return
	}
	lg := lang.From(r.Context())
	status, message := http.StatusNotFound, lg.Say("There is no session with that code. Check the code on the screen: it has %d letters and digits.", db.JoinCodeLength)
	if ref, ok := errors.AsType[*refusal](err); ok {
		status, message = ref.status, lg.Text(ref.message)
	} else if db.ErrorCode(err) != db.ENOTFOUND {
		h.fail(w, r, err)
		return
	}
	vm := views.HomePage{Join: views.JoinCodeForm{Code: typed, Errors: views.FieldErrors{"code": message}}}
	noStoreHome(w)
	h.render(w, r, status, views.Home(vm))
}

// healthProbeTimeout bounds the write probe, well inside a platform's
// health-check timeout, so a stuck database is reported, not waited for.
const healthProbeTimeout = 3 * time.Second

// handleHealth serves GET /healthz: 200 while the database answers and can
// write and the data directory has room; otherwise 503 with the reason, so
// a full disk is seen before guests are refused.
func (h *Handler) handleHealth(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if reason := h.unhealthy(r.Context()); reason != "" {
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(reason + "\n"))
		return
	}
	w.Write([]byte("ok\n"))
}

// handleLive serves GET /livez: 200 while the server can read its database,
// so it can serve every page; 503 otherwise. It is the check a platform
// routes traffic by (fly.toml): a nearly full disk or a read-only start,
// which /healthz reports, must not take the only machine out of routing,
// since guests can still see the night.
func (h *Handler) handleLive(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err := h.store.Ping(r.Context()); err != nil {
		h.logFailure(r, "liveness check: database does not answer", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	w.Write([]byte("ok\n"))
}

// unhealthy returns why the server cannot serve guests fully, or "".
func (h *Handler) unhealthy(ctx context.Context) string {
	if err := h.store.Ping(ctx); err != nil {
		h.log.Error("health check: database does not answer", "err", err)
		return "database unavailable"
	}
	probeCtx, cancel := context.WithTimeout(ctx, healthProbeTimeout)
	defer cancel()
	if err := h.store.ProbeWrite(probeCtx); err != nil {
		h.log.Error("health check: database cannot write", "err", err)
		return "database cannot write"
	}
	if h.diskFree == nil {
		return ""
	}
	free, err := h.diskFree()
	if errors.Is(err, errors.ErrUnsupported) {
		return "" // a system without statfs: nothing to report
	}
	if err != nil {
		h.log.Error("health check: free space of the data directory unknown", "err", err)
		return "data directory free space unknown"
	}
	if free < h.minFree {
		h.log.Error("health check: data directory nearly full", "free_bytes", free, "min_free_bytes", h.minFree)
		return fmt.Sprintf("disk nearly full: %d MB free in the data directory, below %d MB", free>>20, h.minFree>>20)
	}
	return ""
}
