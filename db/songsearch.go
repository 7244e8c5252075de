package db

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/karaoke-night/karaoke/fold"
	"github.com/karaoke-night/karaoke/sqlitedb"
)

// SongsPerPage is how many songs a page of search or browse results holds.
const SongsPerPage = 20

// maxSearchWords is how many words of what a guest types a search takes,
// each a prefix.
const maxSearchWords = 8

// maxRune sorts after every text that begins the same: title_key >= q AND
// title_key < q+maxRune is "the title begins with q", an index range.
const maxRune = "\U0010FFFF"

// searchQuery finds the songs whose title begins with the query (from the
// index on title_key, however many songs match the words) and the songs
// with every word, and orders them: the exact title, titles beginning with
// the query, the artist's name, then shorter titles first. It ranks its own
// way rather than by FTS5's bm25, which reads every match of every word to
// weigh them: a guest's first two letters match a quarter of a big
// songbook. Each part stops at a bound (the words at 300 songs, in the
// book's order: 1,000 cost "lo" twice as much, 4 ms at the median on a busy
// machine, for twenty results a page), so a search costs the same in a book
// of any size. Here and in every search of the words, "w CROSS JOIN s"
// makes the word index lead whatever SQLite's planner would choose: the
// older SQLite of a libSQL server (remote mode) led with the book's songs
// and looked each up in the index, 0.5 s for a book of 1,000 songs instead
// of 2 ms.
const searchQuery = `WITH candidates (id) AS (
	SELECT id FROM (SELECT id FROM songs WHERE songbook_id = ?1 AND title_key >= ?2 AND title_key < ?3 LIMIT 200)
	UNION
	SELECT id FROM (SELECT s.id FROM local_song_words w CROSS JOIN songs s ON s.id = w.rowid
		WHERE local_song_words MATCH ?4 AND s.songbook_id = ?1 LIMIT 300))
SELECT s.id, s.title, s.artist FROM candidates c JOIN songs s ON s.id = c.id
ORDER BY s.title_key = ?2 DESC, s.title_key >= ?2 AND s.title_key < ?3 DESC, s.artist_key = ?2 DESC,
	length(s.title_key), s.title_key, s.artist_key
LIMIT ?5 OFFSET ?6`

// Song is a song of a songbook.
type Song struct {
	ID            int64
	Title, Artist string
}

// SongResult is a song as a guest sees it in results: whether it is waiting
// in tonight's queue (or being sung), and when it was sung tonight.
type SongResult struct {
	Song
	Waiting bool
	SungAt  time.Time // zero when not sung tonight
}

// SongPage is one page of songs. Next is the offset of the next page, 0
// when there is none. Fuzzy says the words matched nothing and these are
// the songs spelt most like them.
type SongPage struct {
	Songs []SongResult
	Next  int
	Fuzzy bool
}

// SearchSongs searches the session's songbook for what a guest typed:
// case, accents, apostrophes and punctuation are ignored, and every word
// must begin a word of the title or the artist, in any order. Titles equal
// to the query come first, then titles that begin with it, then the rest
// (see searchQuery). When nothing matches, the first page is the songs spelt most
// like the query (SongPage.Fuzzy). Errors: ENOTFOUND when the session has
// no songbook.
func (s *Store) SearchSongs(ctx context.Context, sessionID int64, query string, offset int) (SongPage, error) {
	var page SongPage
	err := s.inRead(ctx, func(tx *sql.Tx) error {
		book, created, err := sessionSongbook(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		q := fold.Loose(query)
		if len(strings.Fields(q)) == 0 {
			return nil
		}
		key := songPageKey{book: book, created: created, query: q, offset: max(offset, 0)}
		found, ok := s.songPages.get(key)
		if !ok {
			if found, err = findSongs(ctx, tx, book, q, key.offset); err != nil {
				return err
			}
			s.songPages.put(key, found)
		}
		page.Next, page.Fuzzy = found.next, found.fuzzy
		page.Songs, err = flagSongs(ctx, tx, sessionID, found.songs)
		return err
	})
	return page, err
}

// findSongs is one page of a search of book for q (fold.Loose of what was
// typed; see SearchSongs), from offset.
func findSongs(ctx context.Context, tx *sql.Tx, book int64, q string, offset int) (songPageEntry, error) {
	var page songPageEntry
	words := strings.Fields(q)
	if len(words) > maxSearchWords {
		words = words[:maxSearchWords]
	}
	songs, err := sqlitedb.Collect(ctx, tx, scanSong, searchQuery,
		book, q, q+maxRune, wordsQuery(words), SongsPerPage+1, offset)
	if err != nil {
		return page, err
	}
	if len(songs) > SongsPerPage {
		songs, page.next = songs[:SongsPerPage], offset+SongsPerPage
	}
	if len(songs) == 0 && offset == 0 {
		page.fuzzy = true
		if songs, err = beginningSongs(ctx, tx, book, q); err != nil {
			return page, err
		}
	}
	if len(songs) == 0 && offset == 0 {
		if songs, err = typoSongs(ctx, tx, book, q); err != nil {
			return page, err
		}
	}
	page.songs = songs
	return page, nil
}

func scanSong(row sqlitedb.Scanner) (s Song, err error) {
	err = row.Scan(&s.ID, &s.Title, &s.Artist)
	return s, err
}

func sessionSongbookID(ctx context.Context, q sqlitedb.Querier, sessionID int64) (int64, error) {
	id, _, err := sessionSongbook(ctx, q, sessionID)
	return id, err
}

// sessionSongbook returns the id of the session's songbook and when it was
// made, which together name it for good (see songPageCache).
func sessionSongbook(ctx context.Context, q sqlitedb.Querier, sessionID int64) (id, created int64, err error) {
	err = q.QueryRowContext(ctx, `SELECT b.id, b.created_at FROM sessions s JOIN songbooks b ON b.id = s.songbook_id
		WHERE s.id = ?`, sessionID).Scan(&id, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, Errorf(ENOTFOUND, "This night has no songbook.")
	}
	return id, created, err
}

// ftsString is s as an FTS5 string: in double quotes, a quote doubled, so
// nothing a guest types (", *, NEAR, -, AND, a column name and colon) is
// read as an operator.
func ftsString(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// wordsQuery is the FTS5 query for words: each a prefix, all required.
func wordsQuery(words []string) string {
	parts := make([]string, len(words))
	for i, w := range words {
		parts[i] = ftsString(w) + "*"
	}
	return strings.Join(parts, " ")
}

// trigrams returns the distinct three-character pieces of the words of q.
func trigrams(q string) []string {
	var out []string
	for w := range strings.FieldsSeq(q) {
		r := []rune(w)
		for i := 0; i+3 <= len(r); i++ {
			if t := string(r[i : i+3]); !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// candidate is a song a fallback found, its fold.Loose text and score.
type candidate struct {
	Song
	text  string
	score int
}

func scanCandidate(row sqlitedb.Scanner) (c candidate, err error) {
	err = row.Scan(&c.ID, &c.Title, &c.Artist, &c.text)
	return c, err
}

// closest returns the page of candidates holding the most of grams, and at
// least half of them: fewer is a different song.
func closest(grams []string, found []candidate) []Song {
	for i := range found {
		for _, g := range grams {
			if strings.Contains(found[i].text, g) {
				found[i].score++
			}
		}
	}
	found = slices.DeleteFunc(found, func(c candidate) bool { return 2*c.score < len(grams) })
	slices.SortFunc(found, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(len(a.text), len(b.text)), cmp.Compare(a.ID, b.ID))
	})
	out := make([]Song, 0, SongsPerPage)
	for _, c := range found[:min(len(found), SongsPerPage)] {
		out = append(out, c.Song)
	}
	return out
}

// beginningSongs is the cheap fallback, tried before typoSongs: a typo is
// seldom in a word's first three letters, so the songs with words that
// begin as the query's words do ("bohemain rapsody": boh* rap*), or failing
// that as any one of them does (boh*, then rap*: "rhapsody" is not rap*),
// the closest of them by trigrams. Each look-up is bounded.
func beginningSongs(ctx context.Context, tx *sql.Tx, book int64, q string) ([]Song, error) {
	words := strings.Fields(q)
	for i, w := range words {
		if r := []rune(w); len(r) > 3 {
			words[i] = string(r[:3])
		}
	}
	grams := trigrams(q)
	find := func(words []string) ([]candidate, error) {
		return sqlitedb.Collect(ctx, tx, scanCandidate, `SELECT s.id, s.title, s.artist, s.title_key || ' ' || s.artist_key
			FROM local_song_words w CROSS JOIN songs s ON s.id = w.rowid
			WHERE local_song_words MATCH ? AND s.songbook_id = ? LIMIT 1000`, wordsQuery(words), book)
	}
	found, err := find(words)
	if err != nil {
		return nil, err
	}
	if songs := closest(grams, found); len(songs) > 0 || len(words) == 1 {
		return songs, nil
	}
	found = found[:0]
	seen := map[int64]bool{}
	for _, w := range words[:min(len(words), 4)] {
		one, err := find([]string{w})
		if err != nil {
			return nil, err
		}
		for _, c := range one {
			if !seen[c.ID] {
				seen[c.ID] = true
				found = append(found, c)
			}
		}
	}
	return closest(grams, found), nil
}

// flagSongs marks the songs waiting tonight, or sung, by the session's
// requests: by the song's id, or by title and artist for a request typed
// by hand.
func flagSongs(ctx context.Context, tx *sql.Tx, sessionID int64, songs []Song) ([]SongResult, error) {
	type mark struct {
		songID sql.NullInt64
		key    string
		status string
		at     sql.NullInt64
	}
	marks, err := sqlitedb.Collect(ctx, tx, func(row sqlitedb.Scanner) (m mark, err error) {
		err = row.Scan(&m.songID, &m.key, &m.status, &m.at)
		return m, err
	}, `SELECT song_id, song_key, status, COALESCE(started_at, ended_at) FROM requests
		WHERE session_id = ? AND status IN ('waiting', 'singing', 'done')`, sessionID)
	if err != nil {
		return nil, err
	}
	out := make([]SongResult, len(songs))
	for i, song := range songs {
		out[i].Song = song
		key := songKey(song.Title, song.Artist)
		for _, m := range marks {
			if m.songID.Int64 != song.ID && m.key != key {
				continue
			}
			switch {
			case m.status != "done":
				out[i].Waiting = true
			case m.at.Valid && fromMillis(m.at.Int64).After(out[i].SungAt):
				out[i].SungAt = fromMillis(m.at.Int64)
			}
		}
	}
	return out, nil
}
