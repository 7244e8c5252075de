package db

import (
	"context"
	"database/sql"
	"errors"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// ArtistsPerPage is how many artists a page of the A-Z list holds.
const ArtistsPerPage = 50

// Artist is an artist of a songbook and how many of their songs it holds.
// Key is what SongsByArtist and the next page take.
type Artist struct {
	Name  string
	Key   string
	Songs int
}

// ArtistPage is a page of the A-Z list of artists. Next is the key to pass
// for the next page, empty when there is none.
type ArtistPage struct {
	Artists []Artist
	Next    string
}

// SongbookArtists lists the artists of the session's songbook A to Z (by
// fold.Loose, so "the Beatles" and "The Beatles" are one), the page after
// the artist whose Key is after ("" for the first). Errors: ENOTFOUND when
// the session has no songbook.
func (s *Store) SongbookArtists(ctx context.Context, sessionID int64, after string) (ArtistPage, error) {
	var page ArtistPage
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		book, err := sessionSongbookID(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		page.Artists, err = sqlitedb.Collect(ctx, tx, func(row sqlitedb.Scanner) (a Artist, err error) {
			err = row.Scan(&a.Name, &a.Key, &a.Songs)
			return a, err
		}, `SELECT MIN(artist), artist_key, COUNT(*) FROM songs
			WHERE songbook_id = ? AND artist_key > ? AND artist_key != ''
			GROUP BY artist_key ORDER BY artist_key LIMIT ?`, book, after, ArtistsPerPage+1)
		if len(page.Artists) > ArtistsPerPage {
			page.Artists = page.Artists[:ArtistsPerPage]
			page.Next = page.Artists[ArtistsPerPage-1].Key
		}
		return err
	})
	return page, err
}

// SongsByArtist returns a page of the songs of one artist (by Artist.Key)
// in the session's songbook, A to Z, flagged like search results.
// Errors: ENOTFOUND when the session has no songbook.
func (s *Store) SongsByArtist(ctx context.Context, sessionID int64, artistKey string, offset int) (SongPage, error) {
	var page SongPage
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		book, err := sessionSongbookID(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		offset = max(offset, 0)
		songs, err := sqlitedb.Collect(ctx, tx, scanSong, `SELECT id, title, artist FROM songs
			WHERE songbook_id = ? AND artist_key = ? ORDER BY title_key LIMIT ? OFFSET ?`, book, artistKey, SongsPerPage+1, offset)
		if err != nil {
			return err
		}
		if len(songs) > SongsPerPage {
			songs, page.Next = songs[:SongsPerPage], offset+SongsPerPage
		}
		page.Songs, err = flagSongs(ctx, tx, sessionID, songs)
		return err
	})
	return page, err
}

// PopularSong is a song requested tonight and how many times.
type PopularSong struct {
	SongResult
	Requests int
}

// PopularTonight returns the songs most requested in the session (withdrawn
// and removed requests aside), most first, at most SongsPerPage. A song
// typed by hand has no ID (0).
func (s *Store) PopularTonight(ctx context.Context, sessionID int64) ([]PopularSong, error) {
	var out []PopularSong
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		type row struct {
			song  Song
			count int
		}
		rows, err := sqlitedb.Collect(ctx, tx, func(r sqlitedb.Scanner) (p row, err error) {
			err = r.Scan(&p.song.ID, &p.song.Title, &p.song.Artist, &p.count)
			return p, err
		}, `SELECT COALESCE(MAX(song_id), 0), MAX(title), MAX(artist), COUNT(*) FROM requests
			WHERE session_id = ? AND status IN ('waiting', 'singing', 'done')
			GROUP BY song_key ORDER BY COUNT(*) DESC, MAX(created_at) DESC LIMIT ?`, sessionID, SongsPerPage)
		if err != nil {
			return err
		}
		songs := make([]Song, len(rows))
		for i, r := range rows {
			songs[i] = r.song
		}
		flagged, err := flagSongs(ctx, tx, sessionID, songs)
		for i, f := range flagged {
			out = append(out, PopularSong{SongResult: f, Requests: rows[i].count})
		}
		return err
	})
	return out, err
}

// SongInSession returns a song of the session's songbook, for a request
// made from it. Errors: ENOTFOUND when the song is not in the session's
// songbook (or the session has none).
func (s *Store) SongInSession(ctx context.Context, sessionID, songID int64) (Song, error) {
	song, err := scanSong(s.read.QueryRowContext(ctx, `SELECT so.id, so.title, so.artist FROM songs so
		JOIN sessions se ON se.songbook_id = so.songbook_id WHERE se.id = ? AND so.id = ?`, sessionID, songID))
	if errors.Is(err, sql.ErrNoRows) {
		return Song{}, Errorf(ENOTFOUND, "That song is not in tonight's songbook.")
	}
	return song, err
}
