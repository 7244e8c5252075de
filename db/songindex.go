package db

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// The songbook's search index is local: tables named local_* are never
// replicated (isReplicated), since Turso's engines need not have FTS5, and
// the store makes them here rather than in a migration, which Turso runs
// too. local_song_words finds words and prefixes (unicode61 folds case and
// accents); local_song_trigrams is the typo-tolerant fallback. Both hold
// fold.Loose text keyed by the song's id, and keep no copy of it
// (contentless, with deletes). local_song_index counts what each songbook
// has in the index, so Open can tell an index that is missing or stale (a
// restore, a copy from Turso) and build it again.
const createSongIndex = `
CREATE VIRTUAL TABLE IF NOT EXISTS local_song_words USING fts5 (
	title, artist, content = '', contentless_delete = 1, detail = column,
	tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE VIRTUAL TABLE IF NOT EXISTS local_song_trigrams USING fts5 (
	text, content = '', contentless_delete = 1, detail = none, tokenize = 'trigram');
CREATE TABLE IF NOT EXISTS local_song_index (
	songbook_id INTEGER PRIMARY KEY,
	songs       INTEGER NOT NULL
);`

const dropSongIndex = `
DROP TABLE IF EXISTS local_song_words;
DROP TABLE IF EXISTS local_song_trigrams;
DROP TABLE IF EXISTS local_song_index;`

// indexSongs adds the songs of one songbook with ids in (after, upTo] to
// the search index, in the transaction that wrote them: two statements, so
// a chunk of an import costs two passes, not one statement a song.
func indexSongs(ctx context.Context, tx *sql.Tx, songbookID, after, upTo int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO local_song_words (rowid, title, artist)
		SELECT id, title_key, artist_key FROM songs WHERE id > ? AND id <= ? AND songbook_id = ?`, after, upTo, songbookID); err != nil {
		return fmt.Errorf("index song words: %w", err)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO local_song_trigrams (rowid, text)
		SELECT id, title_key || ' ' || artist_key FROM songs WHERE id > ? AND id <= ? AND songbook_id = ?`, after, upTo, songbookID)
	if err != nil {
		return fmt.Errorf("index song trigrams: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO local_song_index (songbook_id, songs) VALUES (?, ?)
		ON CONFLICT (songbook_id) DO UPDATE SET songs = songs + excluded.songs`, songbookID, n)
	return err
}

// unindexSongs removes up to limit songs of a songbook from the index and
// the songbook, and reports how many it removed.
func unindexSongs(ctx context.Context, tx *sql.Tx, songbookID int64, limit int) (int, error) {
	ids, err := sqlitedb.Column[int64](ctx, tx, `SELECT id FROM songs WHERE songbook_id = ? LIMIT ?`, songbookID, limit)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		for _, q := range []string{`DELETE FROM local_song_words WHERE rowid = ?`, `DELETE FROM local_song_trigrams WHERE rowid = ?`, `DELETE FROM songs WHERE id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return 0, fmt.Errorf("remove song: %w", err)
			}
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE local_song_index SET songs = songs - ? WHERE songbook_id = ?`, len(ids), songbookID)
	return len(ids), err
}

// setUpSongIndex makes the search index, and builds it again when what it
// counts differs from the songs there are.
func (s *Store) setUpSongIndex(ctx context.Context) error {
	write := s.writer.DB()
	if _, err := write.ExecContext(ctx, createSongIndex); err != nil {
		return fmt.Errorf("create song index: %w", err)
	}
	counts := func(q string) (map[int64]int, error) {
		type count struct{ id, n int64 }
		rows, err := sqlitedb.Collect(ctx, write, func(row sqlitedb.Scanner) (c count, err error) {
			err = row.Scan(&c.id, &c.n)
			return c, err
		}, q)
		out := map[int64]int{}
		for _, c := range rows {
			if c.n != 0 {
				out[c.id] = int(c.n)
			}
		}
		return out, err
	}
	have, err := counts(`SELECT songbook_id, COUNT(*) FROM songs GROUP BY songbook_id`)
	if err != nil {
		return err
	}
	indexed, err := counts(`SELECT songbook_id, songs FROM local_song_index`)
	if err != nil {
		return err
	}
	if maps.Equal(have, indexed) {
		return nil
	}
	return s.rebuildSongIndex(ctx, slices.Sorted(maps.Keys(have)))
}

// rebuildSongIndex makes the index again from the songs of every songbook,
// a chunk a write.
func (s *Store) rebuildSongIndex(ctx context.Context, songbooks []int64) error {
	if _, err := s.writer.DB().ExecContext(ctx, dropSongIndex+createSongIndex); err != nil {
		return fmt.Errorf("rebuild song index: %w", err)
	}
	for _, book := range songbooks {
		for after := int64(0); ; {
			var upTo sql.NullInt64
			err := s.writer.DB().QueryRowContext(ctx, `SELECT MAX(id) FROM (SELECT id FROM songs WHERE songbook_id = ? AND id > ? ORDER BY id LIMIT ?)`,
				book, after, importChunk).Scan(&upTo)
			if err != nil {
				return err
			}
			if !upTo.Valid {
				break
			}
			if err := s.inWrite(ctx, func(tx *sql.Tx) error { return indexSongs(ctx, tx, book, after, upTo.Int64) }); err != nil {
				return err
			}
			after = upTo.Int64
		}
	}
	return nil
}
