package handlers

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
	"time"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/views"
)

// retapWait is how long a post waits for the answer to the same key's first
// post, still being answered (a double tap), before it gives up.
const retapWait = 10 * time.Second

// retapPoll is how often a waiting post looks for that answer.
const retapPoll = 20 * time.Millisecond

// retapHeaders are the headers of an answer that a repeat gets again: what
// htmx and the browser act on. Of the cookies only the device cookie a
// first join sets is kept (see keptCookies).
var retapHeaders = []string{"Content-Type", "Location", "Vary", "Cache-Control", formHeader,
	"HX-Redirect", "HX-Location", "HX-Refresh", "HX-Retarget", "HX-Reswap", "HX-Trigger"}

// retap makes a form's post safe to repeat. A form that changes something
// carries a one-time key (views.RetapField, made when it was rendered). The
// first post of a key claims it and its answer is kept (for db.RetapKeep);
// a later post of the same key (a double tap, a retry after a dropped
// connection, a resend after "back") gets that answer and changes nothing.
// A post still being answered makes its repeat wait for the answer. An
// answer of 400 or more changed nothing, so its key is released and a retry
// is tried afresh.
//
// The key is claimed in a write of its own before the action's, and its
// answer saved in a third: a server stopped between the action and the
// save leaves the key claimed with no answer, and its retry is told to
// reload the page rather than act twice.
func (h *Handler) retap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		key := retapKey(r)
		if key == "" || refused(r) != nil {
			next.ServeHTTP(w, r)
			return
		}
		id := retapID(r, key)
		ctx := context.WithoutCancel(r.Context())
		deadline := time.Now().Add(retapWait)
		for {
			answer, claimed, err := h.store.ClaimRetap(ctx, id)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			if claimed {
				h.answerOnce(w, r, next, id)
				return
			}
			for answer.Status == 0 && time.Now().Before(deadline) {
				time.Sleep(retapPoll) // the first post is still being answered
				answer, err = h.store.RetapAnswer(ctx, id)
				if errors.Is(err, db.ErrNoRetap) {
					break // it failed and let go of the key: try afresh
				}
				if err != nil {
					h.fail(w, r, err)
					return
				}
			}
			if errors.Is(err, db.ErrNoRetap) && time.Now().Before(deadline) {
				continue
			}
			if answer.Status == 0 {
				h.fail(w, r, db.Errorf(db.ECONFLICT, views.MessageRetapPending))
				return
			}
			replay(w, answer)
			return
		}
	})
}

// answerOnce answers the post that claimed id and keeps its answer.
func (h *Handler) answerOnce(w http.ResponseWriter, r *http.Request, next http.Handler, id string) {
	rec := &recorder{header: w.Header()}
	defer func() {
		// A handler that panicked changed nothing it committed to answer:
		// let a retry try afresh rather than wait for an answer never kept.
		if p := recover(); p != nil {
			h.store.ReleaseRetap(context.WithoutCancel(r.Context()), id)
			panic(p)
		}
	}()
	next.ServeHTTP(rec, r)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	ctx := context.WithoutCancel(r.Context())
	var err error
	if rec.status >= 400 {
		err = h.store.ReleaseRetap(ctx, id)
	} else {
		var hdr strings.Builder
		for _, name := range retapHeaders {
			for _, v := range rec.header.Values(name) {
				hdr.WriteString(name + ": " + v + "\r\n")
			}
		}
		for _, v := range keptCookies(rec.header) {
			hdr.WriteString("Set-Cookie: " + v + "\r\n")
		}
		err = h.store.SaveRetap(ctx, id, db.Retap{Status: rec.status, Headers: hdr.String(), Body: rec.body.Bytes()})
	}
	if err != nil {
		h.logFailure(r, "keep a form's answer", err)
	}
	w.WriteHeader(rec.status)
	w.Write(rec.body.Bytes())
}

// replay sends a kept answer again.
func replay(w http.ResponseWriter, answer db.Retap) {
	hdr, _ := textproto.NewReader(bufio.NewReader(strings.NewReader(answer.Headers + "\r\n"))).ReadMIMEHeader()
	for k, vs := range hdr {
		w.Header()[k] = vs
	}
	w.Header().Set("Karaoke-Retap", "repeat")
	w.WriteHeader(answer.Status)
	w.Write(answer.Body)
}

// retapID names a post's key in the store: the key, where it was posted
// and, for a host, from which device. A host form's key is made from the
// night's state and so is the same on every host device: two phones that
// press Start next at once each get their own answer (the second is told
// another device got there first), as before keys.
func retapID(r *http.Request, key string) string {
	device := ""
	if c, err := r.Cookie(hostDeviceCookie); err == nil {
		device = c.Value
	}
	sum := sha256.Sum256([]byte(r.URL.Path + "\x00" + key + "\x00" + device))
	return hex.EncodeToString(sum[:])
}

// retapKey is the post's one-time key, or "" when it has none or the body
// is not a plain form (the songbook's upload is streamed by its handler).
func retapKey(r *http.Request) string {
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return ""
	}
	if err := r.ParseForm(); err != nil {
		return ""
	}
	key := r.PostForm.Get(views.RetapField)
	if !views.IsRetapKey(key) {
		return ""
	}
	return key
}

// recorder holds an answer back until it is kept.
type recorder struct {
	header http.Header // the real answer's: only status and body wait
	status int
	body   bytes.Buffer
}

func (c *recorder) Header() http.Header { return c.header }

func (c *recorder) WriteHeader(status int) {
	if c.status == 0 {
		c.status = status
	}
}

func (c *recorder) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.body.Write(b)
}

// hostStateKey is the one-time key of a host form in the live dashboard
// (Start next, Stop, Undo): what it acts on and the host's newest action,
// a state that never comes back (an undo is an action too).
func hostStateKey(n db.Night, form, on string) string {
	var newest int64
	if len(n.Actions) > 0 {
		newest = n.Actions[0].ID
	}
	return views.StateKey(form, strconv.FormatInt(n.Session.ID, 10), on, strconv.FormatInt(newest, 10))
}

// keptCookies are the cookies of an answer that its repeat sets again: the
// device cookie a first join sets, without which a join whose answer was
// lost would leave the phone a stranger to its own guest. It is a token the
// store could sign again anyway; a host key is never kept.
func keptCookies(header http.Header) []string {
	var kept []string
	for _, v := range header.Values("Set-Cookie") {
		if strings.HasPrefix(v, deviceCookie+"=") {
			kept = append(kept, v)
		}
	}
	return kept
}
