package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/karaoke-night/karaoke/songbook"
	"github.com/karaoke-night/karaoke/sqlitedb"
)

// Songbook is a song list kept for reuse: a host's, which the browser that
// imported it can attach to any of their nights, or the house's, which
// every new session gets.
type Songbook struct {
	ID        int64
	Name      string
	Songs     int
	House     bool // the operator's, offered to every new session
	CreatedAt time.Time
}

// MaxSongbookName is the longest songbook name, in characters.
const MaxSongbookName = 60

// importChunk is how many songs one write of an import holds: small enough
// that the writer, which every guest's request shares, is never held for
// long (about 0.2 s of CPU, BENCHMARKS.md); large enough that an import does
// not spend its time committing and merging the search index's segments,
// one a write (5,000 took a 250,000-song import from 20 to 16 CPU seconds).
const importChunk = 5000

// abandonedAfter is how long an unfinished import may go without writing a
// chunk before it counts as abandoned (its process died) and is removed.
const abandonedAfter = 2 * time.Minute

// ImportProgress is how far an import has come, for a progress bar.
type ImportProgress struct {
	Songs int   // songs written
	Bytes int64 // bytes of the file read
}

// SongbookImport says what to import and for whom.
type SongbookImport struct {
	Name string
	// OwnerKey is the secret of the browser importing it (see NewToken;
	// only its hash is kept); empty for a house songbook.
	OwnerKey string
	// Progress, when set, is called after each chunk is written.
	Progress func(ImportProgress)
}

// ImportSongbook reads a song list (see package songbook) into a new
// songbook, all or nothing: the songs go in a chunk a write, so other
// sessions' writes go on between chunks, into a songbook nothing names
// until the last write marks it complete. An import that fails leaves no
// songbook; one whose process dies leaves a partial one that the next
// import or Open removes. It returns the songbook and what the read found.
// Errors: EINVALID (field "file") for a file that is not a song list or is
// too large, (field "name") for a bad name.
func (s *Store) ImportSongbook(ctx context.Context, in SongbookImport, r io.Reader) (Songbook, songbook.Report, error) {
	in.Name = CleanText(in.Name)
	if err := checkLength("name", "songbook name", in.Name, 1, MaxSongbookName); err != nil {
		return Songbook{}, songbook.Report{}, err
	}
	if err := s.removeAbandonedSongbooks(ctx); err != nil {
		return Songbook{}, songbook.Report{}, err
	}
	var owner []byte
	if in.OwnerKey != "" {
		owner = hashToken(in.OwnerKey)
	}
	var id int64
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		now := s.nowMillis()
		return tx.QueryRowContext(ctx, `INSERT INTO songbooks (name, owner_hash, created_at, touched_at) VALUES (?, ?, ?, ?) RETURNING id`,
			in.Name, owner, now, now).Scan(&id)
	})
	if err != nil {
		return Songbook{}, songbook.Report{}, err
	}
	var batch []songbook.Song
	written := 0
	var read songbook.Report
	flush := func() error {
		if err := s.writeSongs(ctx, id, batch); err != nil {
			return err
		}
		written += len(batch)
		batch = batch[:0]
		if in.Progress != nil {
			in.Progress(ImportProgress{Songs: written, Bytes: read.Bytes})
		}
		return nil
	}
	rep, err := songbook.Read(r, func(song songbook.Song) error {
		batch = append(batch, song)
		if len(batch) < importChunk {
			return nil
		}
		return flush()
	}, func(r songbook.Report) { read = r })
	if err == nil {
		read = rep
		err = flush()
	}
	if err == nil {
		err = s.mergeVocabTrigrams(ctx)
	}
	if err == nil {
		err = s.inWrite(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE songbooks SET completed_at = ?, song_count = ? WHERE id = ?`, s.nowMillis(), written, id)
			return err
		})
	}
	if err != nil {
		// The partial songbook goes now if it can; if not (the disk is
		// full, the context ended), the next import or Open takes it.
		_ = s.removeSongbook(context.WithoutCancel(ctx), id)
		return Songbook{}, rep, importError(err)
	}
	book, err := s.songbookByID(ctx, id)
	return book, rep, err
}

// importError gives a song list the reader refused a message for the form.
func importError(err error) error {
	var notList *songbook.NotSongListError
	switch {
	case errors.As(err, &notList):
		return FieldErrorf(EINVALID, "file", "%s", notList.Message)
	case errors.Is(err, songbook.ErrTooManySongs), errors.Is(err, songbook.ErrTooLarge):
		return FieldErrorf(EINVALID, "file", "The list is too long: %v.", err)
	}
	return err
}

// insertRows is how many songs one INSERT statement writes: a statement a
// song would spend an import's time going in and out of SQLite.
const insertRows = 100

var (
	insertSong  = `INSERT INTO songs (songbook_id, title, artist, title_key, artist_key) VALUES (?, ?, ?, ?, ?)`
	insertSongs = insertSong + strings.Repeat(`, (?, ?, ?, ?, ?)`, insertRows-1)
)

// writeSongs writes one chunk of songs and their index entries.
func (s *Store) writeSongs(ctx context.Context, songbookID int64, songs []songbook.Song) error {
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		// The writer is the only one: the chunk's ids come after this one.
		var before, last int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM songs`).Scan(&before); err != nil {
			return err
		}
		for part := range slices.Chunk(songs, insertRows) {
			query := insertSongs
			if len(part) < insertRows {
				query = insertSong
			}
			args := make([]any, 0, 5*insertRows)
			for _, song := range part {
				t, a := song.Key()
				args = append(args, songbookID, song.Title, song.Artist, t, a)
				if len(part) < insertRows {
					if _, err := tx.ExecContext(ctx, query, args...); err != nil {
						return fmt.Errorf("insert song: %w", err)
					}
					args = args[:0]
				}
			}
			if len(args) > 0 {
				if _, err := tx.ExecContext(ctx, query, args...); err != nil {
					return fmt.Errorf("insert songs: %w", err)
				}
			}
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM songs`).Scan(&last); err != nil {
			return err
		}
		if err := indexSongs(ctx, tx, songbookID, before, last); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE songbooks SET touched_at = ? WHERE id = ?`, s.nowMillis(), songbookID)
		return err
	})
}

// removeSongbook removes a songbook and its songs, a chunk a write, so a
// large one does not hold the writer; the sessions that had it have none.
func (s *Store) removeSongbook(ctx context.Context, id int64) error {
	for {
		var n int
		err := s.inWrite(ctx, func(tx *sql.Tx) (err error) {
			n, err = unindexSongs(ctx, tx, id, importChunk)
			return err
		})
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	return s.inWrite(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM local_song_index WHERE songbook_id = ?`, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM songbooks WHERE id = ?`, id)
		return err
	})
}

// removeAbandonedSongbooks removes the unfinished songbooks no import has
// written to for abandonedAfter: their process died.
func (s *Store) removeAbandonedSongbooks(ctx context.Context) error {
	ids, err := sqlitedb.Column[int64](ctx, s.writer.DB(), `SELECT id FROM songbooks WHERE completed_at IS NULL AND touched_at < ?`,
		s.Now().Add(-abandonedAfter).UnixMilli())
	if err != nil {
		return fmt.Errorf("find abandoned songbooks: %w", err)
	}
	for _, id := range ids {
		if err := s.removeSongbook(ctx, id); err != nil {
			return err
		}
	}
	return nil
}
