package handlers

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"maps"
	"net/http"
	"net/textproto"
	"slices"
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
// The key is held in this process while its post is answered (answering,
// in retapheld.go), claimed in the database by the post's first write in
// that write's own transaction, and its answer kept in a write after it is
// sent: a server stopped after the action and before the answer was kept
// leaves the key claimed with no answer, and its retry is told to reload
// the page rather than act twice.
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
			held, mine := h.answering.take(id)
			if !mine {
				// Another post of this key is being answered here.
				select {
				case <-held.done:
				case <-time.After(time.Until(deadline)):
				}
				switch {
				case held.kept != nil:
					replay(w, *held.kept)
				case time.Now().Before(deadline):
					continue // it let go of the key: try afresh
				default:
					h.fail(w, r, db.Errorf(db.ECONFLICT, views.MessageRetapPending))
				}
				return
			}
			// The post is answered at once: a key claimed before shows as its
			// first write failing (db.ErrRetapTaken), which changes nothing,
			// and its answer is then let go. Reading the key first cost every
			// post a read of its own (about 5 % of a guest's request).
			if h.answerOnce(w, r.WithContext(db.WithRetapClaim(r.Context(), id)), next, id, held) {
				return
			}
			// Claimed before: by a post answered earlier, or one another
			// process (or this one, before a restart) is answering.
			answer, err := h.store.RetapAnswer(ctx, id)
			for err == nil && answer.Status == 0 && time.Now().Before(deadline) {
				time.Sleep(retapPoll) // the first post is still being answered
				answer, err = h.store.RetapAnswer(ctx, id)
			}
			switch {
			case errors.Is(err, db.ErrNoRetap) && time.Now().Before(deadline):
				continue // the post that claimed it failed and let it go: try afresh
			case err != nil && !errors.Is(err, db.ErrNoRetap):
				h.fail(w, r, err)
			case err != nil || answer.Status == 0:
				h.fail(w, r, db.Errorf(db.ECONFLICT, views.MessageRetapPending))
			default:
				replay(w, answer)
			}
			return
		}
	})
}

// retapHeader marks the answer to a repeat: "repeat".
const retapHeader = "Karaoke-Retap"

// retapNote is what a handler tells the retap middleware about the post
// being answered (see letRetapGo).
type retapNote struct{ unchanged bool }

type retapNoteKey struct{}

// letRetapGo says that the post being answered changed nothing, so its key
// is not kept: a later post of the same form may act where this one could
// not (a song moved up when it was already first, before another song went
// ahead of it), and a repeat of a post that changed nothing changes nothing
// either. A form keyed by the state it acts on needs this, since its key
// stays on the page for as long as that state does.
func letRetapGo(r *http.Request) {
	if note, ok := r.Context().Value(retapNoteKey{}).(*retapNote); ok {
		note.unchanged = true
	}
}

// answerOnce answers the post that holds id (held) and keeps its answer,
// and reports true; or, when the post's write found the key claimed before
// (by a post answered earlier, or one another process is answering), lets
// the answer go unsent and reports false.
func (h *Handler) answerOnce(w http.ResponseWriter, r *http.Request, next http.Handler, id string, held *answer) bool {
	// The handler's headers wait with its answer, which may be let go.
	rec := &recorder{header: w.Header().Clone()}
	ctx := context.WithoutCancel(r.Context())
	note := &retapNote{}
	letGo := func() {
		var err error
		if db.RetapClaimed(r.Context()) {
			err = h.store.ReleaseRetap(ctx, id)
		}
		h.answering.answered(id, held, nil)
		if err != nil {
			h.logFailure(r, "let go of a form's key", err)
		}
	}
	defer func() {
		// A handler that panicked changed nothing it committed to answer:
		// let a retry try afresh rather than wait for an answer never kept.
		if p := recover(); p != nil {
			letGo()
			panic(p)
		}
	}()
	next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), retapNoteKey{}, note)))
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if db.RetapTaken(r.Context()) {
		h.answering.answered(id, held, nil)
		return false
	}
	if rec.status >= 400 || note.unchanged {
		letGo()
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
		// The recorder's bytes are never written again: the answer kept
		// shares them (a copy was 6-12 KB a guest's request).
		kept := &db.Retap{Status: rec.status, Headers: hdr.String(), Body: rec.body.Bytes()}
		h.answering.answered(id, held, kept)
		// Kept after the answer is sent: a repeat meanwhile gets it from
		// answering, and the guest does not wait for this commit.
		h.answering.keep(db.KeptRetap{ID: id, Answer: *kept, Claimed: db.RetapClaimed(r.Context())}, h.keepAnswers)
	}
	header := w.Header()
	clear(header)
	maps.Copy(header, rec.header)
	w.WriteHeader(rec.status)
	w.Write(rec.body.Bytes())
	return true
}

// keepAnswers keeps answers in the store (see answering.keep).
func (h *Handler) keepAnswers(answers []db.KeptRetap) {
	if err := h.store.SaveRetaps(context.Background(), answers); err != nil {
		h.log.Error("keep forms' answers", "answers", len(answers), "err", err)
	}
}

// replay sends a kept answer again.
func replay(w http.ResponseWriter, answer db.Retap) {
	hdr, _ := textproto.NewReader(bufio.NewReader(strings.NewReader(answer.Headers + "\r\n"))).ReadMIMEHeader()
	for k, vs := range hdr {
		w.Header()[k] = vs
	}
	w.Header().Set(retapHeader, "repeat")
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

// retapKey is the post's one-time key, or "" when it has none. A plain
// form carries it in its body; a multipart form (the songbook's upload,
// which its handler streams part by part) in its URL's query, so that
// nothing reads the body before the handler.
func retapKey(r *http.Request) string {
	if r.Method != http.MethodPost {
		return ""
	}
	var key string
	switch ct := r.Header.Get("Content-Type"); {
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		if err := r.ParseForm(); err != nil {
			return ""
		}
		key = r.PostForm.Get(views.RetapField)
	case strings.HasPrefix(ct, "multipart/form-data"):
		key = r.URL.Query().Get(views.RetapField)
	}
	if !views.IsRetapKey(key) {
		return ""
	}
	return key
}

// recorder holds an answer back until it is kept.
type recorder struct {
	header http.Header
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

// queueRowKey is the one-time key of a queue row's forms (its moves, Skip
// and Remove), each of which posts to a URL of its own: the request and
// the host's latest action on its singer's songs (Night.GuestNotices).
// Each of these actions, and the undo of one, is logged as such an action,
// so a key that acted is never shown again; and the row is sent again only
// when its singer's songs change, not at every change in the queue. A
// move that changes nothing lets its key go (letRetapGo), since its row
// stays as it was.
func queueRowKey(n db.Night, r db.Request) string {
	return views.StateKey("row", strconv.FormatInt(n.Session.ID, 10), strconv.FormatInt(r.ID, 10),
		strconv.FormatInt(n.GuestNotices[r.GuestID].ID, 10))
}

// movesNothing reports whether moving the request changes nothing: it is
// already first (Up, Top) or last (Down, Back) in the queue.
func movesNothing(n db.Night, requestID int64, move db.Move) bool {
	i := slices.IndexFunc(n.Queue(), func(r db.Request) bool { return r.ID == requestID })
	switch move {
	case db.MoveUp, db.MoveTop:
		return i == 0
	case db.MoveDown, db.MoveBack:
		return i >= 0 && i == len(n.Queue())-1
	}
	return false
}

// holdKey is the one-time key of a form that ends a guest's hold (the
// host's Release, the guest's I'm back): the hold, by when it began.
func holdKey(n db.Night, form string, guestID int64) string {
	return views.StateKey(form, strconv.FormatInt(n.Session.ID, 10), strconv.FormatInt(guestID, 10),
		strconv.FormatInt(n.Holds[guestID].Since.UnixMilli(), 10))
}

// standbyMoveKey is the one-time key of a guest's Up and Down on their
// standby list. Their order comes back after an Up and a Down, so the key
// is made from the night's version, which never does: the list (shown only
// to a guest with two songs on it or more) is sent again at each change of
// the night.
func standbyMoveKey(n db.Night, guestID int64) string {
	return views.StateKey("standby", strconv.FormatInt(n.Session.ID, 10), strconv.FormatInt(guestID, 10),
		strconv.FormatInt(n.Session.Version, 10))
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
