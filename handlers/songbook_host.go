package handlers

import (
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/a-h/templ"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/songbook"
	"github.com/karaoke-night/karaoke/views"
)

// songbookImports bounds the song lists one night imports: a host trying a
// file or two again is fine; a script importing in a loop would keep the
// single writer busy for every other night.
var songbookImports = Rate{Requests: 6, Window: time.Hour}

// importReadTime bounds how long an upload may take to read and import: a
// list of songbook.MaxBytes on a slow phone and a busy server, well past a
// form's few seconds.
const importReadTime = 5 * time.Minute

const tooManyImports = "That is a lot of song lists for one night. Wait an hour, then import again."

// songbookImportKey counts imports by the night (the route is behind
// requireHost, so every host device of the night shares the count).
func songbookImportKey(r *http.Request) string {
	return "songbook " + strconv.FormatInt(hostSessionID(r), 10)
}

// handleSongbookImport serves POST /host/{sessionID}/songbook: a song list
// in place of the night's songbook. The file is streamed from the request
// into the store, never held whole; a file that is not a song list comes
// back beside the field with 422, and the songbook stays as it was.
func (h *Handler) handleSongbookImport(w http.ResponseWriter, r *http.Request) {
	id := hostSessionID(r)
	// The file is read as fast as it is imported, which on a busy server
	// can take longer than the server's ReadTimeout gives a request.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(importReadTime))
	name, rep, err := "", "", refused(r)
	if err == nil {
		name, rep, err = h.importSongbook(w, r, id)
	}
	// Whatever is left of the body is read, within its bound, so the
	// browser still sending it hears the answer.
	_, _ = io.Copy(io.Discard, r.Body)
	if err != nil && !h.formShows(w, r, err) {
		h.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if err != nil {
		status = formStatus(err)
	}
	card, cerr := h.nightSongbookCard(r, id)
	if cerr != nil {
		h.fail(w, r, cerr)
		return
	}
	card.Report, card.TypedName = rep, name
	if err != nil {
		card.Report, card.Errors = "", fieldErrors(r, err)
	}
	// A plain post gets the page with the report, which a redirect would lose.
	h.respond(w, r, status, views.SongbookCardView(card), func() (templ.Component, error) {
		night, err := h.store.Night(r.Context(), id)
		if err != nil {
			return nil, err
		}
		vm, err := h.dashboardPage(r, night, dashboardLive(lang.From(r.Context()), night), settingsForm(night.Session))
		vm.Songbook = card
		return views.Dashboard(vm), err
	})
}

// importSongbook reads the upload's parts in order: the name, then the file,
// which goes straight into the store and, imported, becomes the night's
// songbook. It returns the name typed and the import's report.
func (h *Handler) importSongbook(w http.ResponseWriter, r *http.Request, sessionID int64) (string, string, error) {
	unreadable := db.FieldErrorf(db.EINVALID, views.SongbookFileField, "The file could not be read. Choose it again.")
	mr, err := r.MultipartReader()
	if err != nil {
		return "", "", unreadable
	}
	name := ""
	for {
		part, err := mr.NextPart()
		var tooBig *http.MaxBytesError
		switch {
		case errors.Is(err, io.EOF):
			return name, "", db.FieldErrorf(db.EINVALID, views.SongbookFileField, "Choose the file of your song list.")
		case errors.As(err, &tooBig):
			return name, "", &refusal{status: http.StatusRequestEntityTooLarge, message: tooLargeList}
		case err != nil:
			return name, "", unreadable
		}
		switch part.FormName() {
		case views.SongbookNameField:
			b, _ := io.ReadAll(io.LimitReader(part, maxBodyBytes))
			name = strings.TrimSpace(string(b))
		case views.SongbookFileField:
			rep, err := h.importFile(w, r, sessionID, name, part)
			return name, rep, err
		}
	}
}

// importFile imports one file part as the night's songbook, under the
// browser's owner key, and returns the report.
func (h *Handler) importFile(w http.ResponseWriter, r *http.Request, sessionID int64, name string, part *multipart.Part) (string, error) {
	if part.FileName() == "" {
		return "", db.FieldErrorf(db.EINVALID, views.SongbookFileField, "Choose the file of your song list.")
	}
	if name == "" {
		name = strings.TrimSuffix(filepath.Base(part.FileName()), filepath.Ext(part.FileName()))
	}
	name = shortened(name, db.MaxSongbookName)
	key := songbookOwnerKey(w, r)
	progress := &importProgress{live: h.live, sessionID: sessionID, size: r.ContentLength, started: time.Now()}
	defer progress.done()
	book, rep, err := h.store.ImportSongbook(r.Context(), db.SongbookImport{Name: name, OwnerKey: key, Progress: progress.update}, part)
	if err != nil {
		return "", err
	}
	if err := h.store.UseSongbook(r.Context(), sessionID, book.ID, key); err != nil {
		return "", err
	}
	return importReport(lang.From(r.Context()), rep), nil
}

// shortened cuts s to at most n characters.
func shortened(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// handleSongbookUse serves POST /host/{sessionID}/songbook/use: one of this
// browser's songbooks (or the house's) becomes the night's. Another
// browser's songbook is not found.
func (h *Handler) handleSongbookUse(w http.ResponseWriter, r *http.Request) {
	id := hostSessionID(r)
	book, err := strconv.ParseInt(r.PostFormValue(views.SongbookIDField), 10, 64)
	if err != nil {
		err = db.Errorf(db.ENOTFOUND, "There is no such songbook.")
	} else {
		err = h.store.UseSongbook(r.Context(), id, book, songbookOwner(r))
	}
	h.songbookDone(w, r, err)
}

// handleSongbookDrop serves POST /host/{sessionID}/songbook/drop: the night
// goes back to requests typed by hand; the songbook stays for another night.
func (h *Handler) handleSongbookDrop(w http.ResponseWriter, r *http.Request) {
	h.songbookDone(w, r, h.store.DropSongbook(r.Context(), hostSessionID(r)))
}

// songbookDone answers a change of the night's songbook: htmx gets the Songs
// section, a plain post the dashboard.
func (h *Handler) songbookDone(w http.ResponseWriter, r *http.Request, err error) {
	if err != nil {
		h.fail(w, r, err)
		return
	}
	id := hostSessionID(r)
	h.done(w, r, hostPath(id)+"#songs", func() (templ.Component, error) {
		card, err := h.nightSongbookCard(r, id)
		return views.SongbookCardView(card), err
	})
}

// nightSongbookCard is songbookCard for a session read again, for an answer
// that is the section alone.
func (h *Handler) nightSongbookCard(r *http.Request, sessionID int64) (views.SongbookCard, error) {
	night, err := h.store.Night(r.Context(), sessionID)
	if err != nil {
		return views.SongbookCard{}, err
	}
	return h.songbookCard(r, sessionID, !night.Session.Open())
}

// songbookCard builds the Songs section of the night: its songbook, if it
// has one, and the songbooks this browser may attach instead.
func (h *Handler) songbookCard(r *http.Request, sessionID int64, ended bool) (views.SongbookCard, error) {
	current, err := h.store.SessionSongbook(r.Context(), sessionID)
	if err != nil && db.ErrorCode(err) != db.ENOTFOUND {
		return views.SongbookCard{}, err
	}
	books, err := h.store.Songbooks(r.Context(), songbookOwner(r))
	if err != nil {
		return views.SongbookCard{}, err
	}
	return songbookCard(lang.From(r.Context()), sessionID, current, books, ended), nil
}

// songCount is a number of songs as the host reads it: "12,345 songs".
func songCount(lg lang.Lang, n int) string { return lg.N("host.songs.count", n, nil) }

// thousands writes n with commas between its thousands: 12,345.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// importReport is what an import found, in a line: "Imported 12,345 songs;
// 23 lines skipped: line 4 (no title), …".
func importReport(lg lang.Lang, rep songbook.Report) string {
	var b strings.Builder
	b.WriteString(lg.Tf("host.songs.imported", map[string]any{"Songs": songCount(lg, rep.Songs)}))
	if rep.Duplicates > 0 {
		b.WriteString(" " + lg.N("host.songs.merged", rep.Duplicates, nil))
	}
	if rep.Skipped > 0 {
		b.WriteString("; " + lg.N("host.songs.skipped", rep.Skipped, nil))
		for i, s := range rep.FirstSkips {
			sep := ", "
			if i == 0 {
				sep = ": "
			}
			reason := s.Reason
			if id, ok := skipReasons[reason]; ok {
				reason = lg.T(id)
			}
			b.WriteString(sep + lg.Tf("host.songs.skip_line", map[string]any{"Line": strconv.Itoa(s.Line), "Reason": reason}))
		}
		if len(rep.FirstSkips) < rep.Skipped {
			b.WriteString(", …")
		}
	}
	b.WriteString(".")
	return b.String()
}

// skipReasons are the songbook package's reasons for skipping a line, and
// the messages that say them.
var skipReasons = map[string]string{
	"unreadable row": "host.songs.reason_unreadable", "missing columns": "host.songs.reason_columns",
	"no title": "host.songs.reason_no_title", "title too long": "host.songs.reason_title_long",
	"artist too long": "host.songs.reason_artist_long", `no " - " between artist and title`: "host.songs.reason_no_dash",
}
