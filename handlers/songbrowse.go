package handlers

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/views"
)

// songBrowse is the songbook browsed rather than searched, as the query
// asks: ?browse=artists (A to Z, from after), ?artist=KEY (their songs,
// from offset) or ?browse=popular (most requested tonight).
func (h *Handler) songBrowse(r *http.Request, s db.Session, offset int) (views.SongResults, error) {
	qv := r.URL.Query()
	switch {
	case qv.Has("artist"):
		key := qv.Get("artist")
		page, err := h.store.SongsByArtist(r.Context(), s.ID, key, offset)
		res := songResults(s, url.Values{"artist": {key}}, page)
		res.Heading = "Songs by this artist"
		if len(page.Songs) > 0 {
			res.Heading = "Songs by " + page.Songs[0].Artist
		}
		return res, err
	case qv.Get("browse") == "artists":
		page, err := h.store.SongbookArtists(r.Context(), s.ID, qv.Get("after"))
		res := views.SongResults{Searched: true, Heading: "Artists A to Z", RequestURL: requestsPath(s)}
		for _, a := range page.Artists {
			res.Artists = append(res.Artists, views.ArtistLink{Name: a.Name, Songs: strconv.Itoa(a.Songs),
				URL: songsPath(s) + "?" + url.Values{"artist": {a.Key}}.Encode()})
		}
		if page.Next != "" {
			res.MoreURL = songsPath(s) + "?" + url.Values{"browse": {"artists"}, "after": {page.Next}}.Encode()
		}
		return res, err
	default:
		popular, err := h.store.PopularTonight(r.Context(), s.ID)
		var page db.SongPage
		for _, p := range popular {
			if p.ID != 0 { // a song typed by hand is not the book's to request
				page.Songs = append(page.Songs, p.SongResult)
			}
		}
		res := songResults(s, nil, page)
		res.Heading = "Popular tonight"
		res.Empty = "Nothing has been requested from the songbook yet tonight."
		return res, err
	}
}
