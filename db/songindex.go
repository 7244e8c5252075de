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
// accents); it holds fold.Loose text keyed by the song's id, and keeps no
// copy of it (contentless, with deletes). The typo-tolerant fallback looks
// for close words among a songbook's distinct words (local_song_vocab,
// some thousands however many songs there are), by their trigrams
// (local_vocab_trigrams), then for the songs with those words in
// local_song_words: a trigram index over every song's text cost most of an
// import's time and a third of its disk. local_song_index counts what each
// songbook has in the index, so Open can tell an index that is missing or
// stale (a restore, a copy from Turso, an older layout) and build it again.
const createSongIndex = `
CREATE VIRTUAL TABLE IF NOT EXISTS local_song_words USING fts5 (
	title, artist, content = '', contentless_delete = 1, detail = column,
	tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3');
CREATE TABLE IF NOT EXISTS local_song_vocab (
	id          INTEGER PRIMARY KEY,
	songbook_id INTEGER NOT NULL,
	word        TEXT    NOT NULL,
	UNIQUE (songbook_id, word)
);
CREATE INDEX IF NOT EXISTS local_song_vocab_ids ON local_song_vocab (songbook_id, id);
CREATE VIRTUAL TABLE IF NOT EXISTS local_vocab_trigrams USING fts5 (
	word, content = '', contentless_delete = 1, detail = none, tokenize = 'trigram');
CREATE TABLE IF NOT EXISTS local_song_index (
	songbook_id INTEGER PRIMARY KEY,
	songs       INTEGER NOT NULL
);`

// dropSongIndex drops the index, the tables of its older layouts too
// (local_song_trigrams, the trigrams of every song).
const dropSongIndex = `
DROP TABLE IF EXISTS local_song_words;
DROP TABLE IF EXISTS local_song_trigrams;
DROP TABLE IF EXISTS local_song_vocab;
DROP TABLE IF EXISTS local_vocab_trigrams;
DROP TABLE IF EXISTS local_song_index;`

// indexSongs adds the songs of one songbook with ids in (after, upTo] to
// the search index, in the transaction that wrote them, and their new
// words to the songbook's words: a few statements, so a chunk of an import
// costs a few passes, not one statement a song. A fold.Loose key holds
// only letters, digits and single spaces, so the words of a song's keys
// are a JSON array made by putting quotes around them.
func indexSongs(ctx context.Context, tx *sql.Tx, songbookID, after, upTo int64) error {
	res, err := tx.ExecContext(ctx, `INSERT INTO local_song_words (rowid, title, artist)
		SELECT id, title_key, artist_key FROM songs WHERE id > ? AND id <= ? AND songbook_id = ?`, after, upTo, songbookID)
	if err != nil {
		return fmt.Errorf("index song words: %w", err)
	}
	var lastWord int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM local_song_vocab`).Scan(&lastWord); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO local_song_vocab (songbook_id, word)
		SELECT DISTINCT ?3, w.value FROM songs s, json_each('["' || replace(s.title_key || ' ' || s.artist_key, ' ', '","') || '"]') w
		WHERE s.id > ?1 AND s.id <= ?2 AND s.songbook_id = ?3 AND w.value != ''
		ON CONFLICT (songbook_id, word) DO NOTHING`, after, upTo, songbookID); err != nil {
		return fmt.Errorf("index song vocabulary: %w", err)
	}
	// The writer is the only one: the new words' ids come after lastWord.
	if _, err := tx.ExecContext(ctx, `INSERT INTO local_vocab_trigrams (rowid, word)
		SELECT id, word FROM local_song_vocab WHERE id > ?`, lastWord); err != nil {
		return fmt.Errorf("index vocabulary trigrams: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO local_song_index (songbook_id, songs) VALUES (?, ?)
		ON CONFLICT (songbook_id) DO UPDATE SET songs = songs + excluded.songs`, songbookID, n)
	return err
}

// mergePages is how many pages of the words' trigram index one write of
// mergeVocabTrigrams merges: a tenth of a second's work at most.
const mergePages = 500

// mergeVocabTrigrams merges the segments of the words' trigram index,
// mergePages at a time, until it is one: each write of an import leaves a
// small one, and the typo fallback seeks each trigram in every segment.
// The index is small (a book's distinct words, not its songs), so this
// takes a few writes. FTS5's 'merge' with a negative count merges segments
// of every level, an 'optimize' a piece at a time; a merge that changed
// fewer than two rows found nothing to do.
func (s *Store) mergeVocabTrigrams(ctx context.Context) error {
	for range 100 {
		var changed int64
		err := s.inWrite(ctx, func(tx *sql.Tx) error {
			var before int64
			if err := tx.QueryRowContext(ctx, `SELECT total_changes()`).Scan(&before); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO local_vocab_trigrams (local_vocab_trigrams, rank) VALUES ('merge', ?)`, -mergePages); err != nil {
				return fmt.Errorf("merge vocabulary trigrams: %w", err)
			}
			return tx.QueryRowContext(ctx, `SELECT total_changes() - ?`, before).Scan(&changed)
		})
		if err != nil || changed < 2 {
			return err
		}
	}
	return nil
}

// unindexSongs removes up to limit songs of a songbook from the index and
// the songbook, or once its songs are gone up to limit of its words, and
// reports how many it removed.
func unindexSongs(ctx context.Context, tx *sql.Tx, songbookID int64, limit int) (int, error) {
	ids, err := sqlitedb.Column[int64](ctx, tx, `SELECT id FROM songs WHERE songbook_id = ? LIMIT ?`, songbookID, limit)
	if err != nil {
		return 0, err
	}
	if len(ids) == 0 {
		return unindexWords(ctx, tx, songbookID, limit)
	}
	for _, id := range ids {
		for _, q := range []string{`DELETE FROM local_song_words WHERE rowid = ?`, `DELETE FROM songs WHERE id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return 0, fmt.Errorf("remove song: %w", err)
			}
		}
	}
	_, err = tx.ExecContext(ctx, `UPDATE local_song_index SET songs = songs - ? WHERE songbook_id = ?`, len(ids), songbookID)
	return len(ids), err
}

// unindexWords removes up to limit words of a songbook from its words.
func unindexWords(ctx context.Context, tx *sql.Tx, songbookID int64, limit int) (int, error) {
	ids, err := sqlitedb.Column[int64](ctx, tx, `SELECT id FROM local_song_vocab WHERE songbook_id = ? LIMIT ?`, songbookID, limit)
	if err != nil {
		return 0, err
	}
	for _, id := range ids {
		for _, q := range []string{`DELETE FROM local_vocab_trigrams WHERE rowid = ?`, `DELETE FROM local_song_vocab WHERE id = ?`} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return 0, fmt.Errorf("remove word: %w", err)
			}
		}
	}
	return len(ids), nil
}

// setUpSongIndex makes the search index, and builds it again when what it
// counts differs from the songs there are.
func (s *Store) setUpSongIndex(ctx context.Context) error {
	if s.remote {
		return s.setUpRemoteSongIndex(ctx) // songindex_remote.go
	}
	write := s.writer.DB()
	// An index of an older layout has no words table: drop it, and the
	// counts below build it again.
	if current, err := sqlitedb.TableExists(ctx, write, "local_song_vocab"); err != nil {
		return err
	} else if !current {
		if _, err := write.ExecContext(ctx, dropSongIndex); err != nil {
			return fmt.Errorf("drop old song index: %w", err)
		}
	}
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
	return s.mergeVocabTrigrams(ctx)
}
