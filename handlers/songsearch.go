package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

func songsPath(s db.Session) string { return guestPath(s) + "/songs" }

// handleSongSearch serves GET /j/{code}/songs: a guest's search of the
// night's songbook. htmx gets the results alone; a plain GET, the guest's
// page with them. A night without a songbook sends the guest to their page.
func (h *Handler) handleSongSearch(w http.ResponseWriter, r *http.Request) {
	gc, ok := h.joinedGuest(w, r)
	if !ok {
		return
	}
	search, err := h.songSearch(r, gc.session)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if search == nil {
		h.redirect(w, r, guestPath(gc.session))
		return
	}
	// The guest page (the night, the queue) is built only for a plain
	// GET: htmx, as the guest types, wants the results alone.
	h.respond(w, r, http.StatusOK, views.SongResultsView(search.Results), func() (templ.Component, error) {
		vm, err := h.guestPage(r, gc, requestForm(gc.session))
		return views.Guest(vm), err
	})
}

// songSearch is the guest's search as the request's q and offset give it,
// or nil when the night has no songbook.
func (h *Handler) songSearch(r *http.Request, s db.Session) (*views.SongSearch, error) {
	if s.SongbookID == 0 {
		return nil, nil
	}
	qv := r.URL.Query()
	q := qv.Get("q")
	search := &views.SongSearch{ActionURL: songsPath(s), Query: q,
		ArtistsURL: songsPath(s) + "?browse=artists", PopularURL: songsPath(s) + "?browse=popular",
		Results: views.SongResults{RequestURL: requestsPath(s)}}
	offset, _ := strconv.Atoi(qv.Get("offset"))
	var err error
	switch {
	case qv.Has("artist") || qv.Has("browse"):
		search.Results, err = h.songBrowse(r, s, offset)
	case strings.TrimSpace(q) != "":
		var page db.SongPage
		page, err = h.store.SearchSongs(r.Context(), s.ID, q, offset)
		search.Results = songResults(lang.From(r.Context()), s, url.Values{"q": {q}}, page)
	}
	if db.ErrorCode(err) == db.ENOTFOUND {
		return nil, nil // the host took the songbook away meanwhile
	}
	if err != nil {
		return nil, err
	}
	if len(search.Results.Songs) > 0 {
		// Asked again as the night moves on, so "waiting" and "sung
		// tonight" stay true.
		search.Results.RefreshURL = songsPath(s) + "?" + r.URL.RawQuery
	}
	return search, nil
}

// songResults is a page of songs found as the results show them.
// more is the query that asked for it, for the next page's link.
func songResults(lg lang.Lang, s db.Session, more url.Values, page db.SongPage) views.SongResults {
	res := views.SongResults{Searched: true, Fuzzy: page.Fuzzy, RequestURL: requestsPath(s),
		Empty: lg.T("guest.songs.none")}
	if !s.TypedRequests() {
		res.Empty = lg.T("guest.songs.none_songbook_only")
	}
	for _, song := range page.Songs {
		item := views.SongItem{ID: strconv.FormatInt(song.ID, 10), Title: song.Title, Artist: song.Artist, Waiting: song.Waiting}
		if !song.SungAt.IsZero() {
			item.Sung = lg.Tf("guest.songs.sung_at", map[string]any{"Clock": lg.Clock(song.SungAt.In(s.Zone()))})
		}
		res.Songs = append(res.Songs, item)
	}
	if page.Next > 0 {
		more.Set("offset", strconv.Itoa(page.Next))
		res.MoreURL = songsPath(s) + "?" + more.Encode()
	}
	return res
}

// fromSongbook fills a request made from the songbook with the catalogue's
// title and artist. A song not in the night's songbook (another's, or one
// since replaced) is refused with a message the form shows.
func (h *Handler) fromSongbook(r *http.Request, s db.Session, in *db.NewRequest) error {
	notInBook := db.FieldErrorf(db.EINVALID, "", "That song is not in tonight's songbook. Search again, or type it in below.")
	id, err := strconv.ParseInt(r.PostFormValue("song_id"), 10, 64)
	if err != nil {
		return notInBook
	}
	song, err := h.store.SongInSession(r.Context(), in.SessionID, id)
	if db.ErrorCode(err) == db.ENOTFOUND {
		return notInBook
	}
	if err != nil {
		return err
	}
	in.SongID, in.Title, in.Artist = song.ID, song.Title, song.Artist
	return nil
}
