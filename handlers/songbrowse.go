package handlers

import (
	"net/http"
	"net/url"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/lang"
	"github.com/karaoke-night/karaoke/views"
)

// songBrowse is the songbook browsed rather than searched, as the query
// asks: ?browse=artists (A to Z, from after), ?artist=KEY (their songs,
// from offset) or ?browse=popular (most requested tonight).
func (h *Handler) songBrowse(r *http.Request, s db.Session, offset int) (views.SongResults, error) {
	qv, lg := r.URL.Query(), lang.From(r.Context())
	switch {
	case qv.Has("artist"):
		key := qv.Get("artist")
		page, err := h.store.SongsByArtist(r.Context(), s.ID, key, offset)
		res := songResults(lg, s, url.Values{"artist": {key}}, page)
		res.Heading = lg.T("guest.songs.by_this_artist")
		if len(page.Songs) > 0 {
			res.Heading = lg.Tf("guest.songs.by", map[string]any{"Artist": page.Songs[0].Artist})
		}
		return res, err
	case qv.Get("browse") == "artists":
		page, err := h.store.SongbookArtists(r.Context(), s.ID, qv.Get("after"))
		res := views.SongResults{Searched: true, Heading: lg.T("guest.songs.artists"), RequestURL: requestsPath(s)}
		for _, a := range page.Artists {
			res.Artists = append(res.Artists, views.ArtistLink{Name: a.Name, Songs: lg.Int(a.Songs),
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
		res := songResults(lg, s, nil, page)
		res.Heading = lg.T("guest.songs.popular")
		res.Empty = lg.T("guest.songs.none_popular")
		return res, err
	}
}
