package db

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// A new request goes between two waiting songs at the midpoint of their
// positions. The songs of a round reach it one after another, each right
// after the one before, so each halves the same gap again: after about 40
// such requests no number fits between the two neighbours. Then the songs
// just after the new one are spaced out again (makeRoom), a few at a time:
// spacing out the whole queue instead, as it once did, rewrote every
// waiting song's position and its index entry (at 10,000 waiting, 10 to 80
// ms on the single writer, once every 40 or so requests of a busy night).

// respaceFirst is how many songs makeRoom first tries to space out; it
// takes four times as many each time that is not enough.
const respaceFirst = 16

// respaceLeast is the least gap makeRoom leaves between two songs it
// spaces out, so the gap halved next has room for dozens of requests more.
const respaceLeast = positionGap / 2

// respaced is a waiting song given a new position by makeRoom, for the
// patch of the kept Night (requestQueued).
type respaced struct {
	id, guest int64
	was, now  float64
}

// makeRoom spaces out the waiting songs just after prev (the song a new
// request follows), keeping their order and their place among the rest,
// and returns the position for the new request (right after prev) and the
// songs it moved. It takes the fewest songs (respaceFirst, then four times
// as many) that can be spread between prev and the song after them at
// respaceLeast apart, or every song to the end of the queue, which it
// spaces positionGap apart.
func makeRoom(ctx context.Context, tx *sql.Tx, sessionID int64, prev slot) (float64, []respaced, error) {
	for limit := respaceFirst; ; limit *= 4 {
		songs, err := sqlitedb.Collect(ctx, tx, func(row sqlitedb.Scanner) (r respaced, err error) {
			err = row.Scan(&r.id, &r.guest, &r.was)
			return r, err
		}, `SELECT id, guest_id, position FROM requests
			WHERE session_id = ? AND status = 'waiting' AND (position, id) > (?, ?) ORDER BY position, id LIMIT ?`,
			sessionID, prev.position, prev.id, limit+1)
		if err != nil {
			return 0, nil, fmt.Errorf("make room in the queue: %w", err)
		}
		step := float64(positionGap)
		if len(songs) > limit {
			// The song after the window keeps its place: the window's songs
			// and the new request share the gap up to it.
			step = (songs[limit].was - prev.position) / float64(limit+1)
			if step < respaceLeast {
				continue
			}
			songs = songs[:limit]
		}
		for i := range songs {
			songs[i].now = prev.position + step*float64(i+1)
			if _, err := tx.ExecContext(ctx, `UPDATE requests SET position = ? WHERE id = ?`, songs[i].now, songs[i].id); err != nil {
				return 0, nil, fmt.Errorf("make room in the queue: %w", err)
			}
		}
		return prev.position + step/2, songs, nil
	}
}
