package db

import (
	"context"
	"database/sql"
	"fmt"
	"maps"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// setUpRemoteSongIndex is setUpSongIndex in remote mode, where machines
// starting together would drop and fill the one shared index under each
// other: the check, and the rebuild when it is needed, are one write
// transaction, which the database's write lock gives to one machine at a
// time. The next finds the index whole. A rebuild (a new index layout, a
// restored database) then holds the lock for the songs of every songbook
// at once, at start-up only.
func (s *Store) setUpRemoteSongIndex(ctx context.Context) error {
	err := s.inWrite(ctx, func(tx *sql.Tx) error {
		if current, err := sqlitedb.TableExists(ctx, tx, "local_song_vocab"); err != nil {
			return err
		} else if !current {
			if _, err := tx.ExecContext(ctx, dropSongIndex); err != nil {
				return fmt.Errorf("drop old song index: %w", err)
			}
		}
		if _, err := tx.ExecContext(ctx, createSongIndex); err != nil {
			return fmt.Errorf("create song index: %w", err)
		}
		have, err := songCounts(ctx, tx, `SELECT songbook_id, COUNT(*) FROM songs GROUP BY songbook_id`)
		if err != nil {
			return err
		}
		indexed, err := songCounts(ctx, tx, `SELECT songbook_id, songs FROM local_song_index`)
		if err != nil || maps.Equal(have, indexed) {
			return err
		}
		if _, err := tx.ExecContext(ctx, dropSongIndex+createSongIndex); err != nil {
			return fmt.Errorf("rebuild song index: %w", err)
		}
		for book := range have {
			if err := indexSongs(ctx, tx, book, 0, 1<<62); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return s.mergeVocabTrigrams(ctx)
}

// songCounts reads songbook ids and song counts, leaving out zeros.
func songCounts(ctx context.Context, q sqlitedb.Querier, query string) (map[int64]int, error) {
	type count struct{ id, n int64 }
	rows, err := sqlitedb.Collect(ctx, q, func(row sqlitedb.Scanner) (c count, err error) {
		err = row.Scan(&c.id, &c.n)
		return c, err
	}, query)
	out := map[int64]int{}
	for _, c := range rows {
		if c.n != 0 {
			out[c.id] = int(c.n)
		}
	}
	return out, err
}
