package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The duplicate guard: before a song joins the queue, the guest is told
// when the same song is already waiting or being sung, or was sung tonight,
// and may still add it (NewRequest.AllowDuplicate).
//
// The same song is the same title (folded: case, spaces and width do not
// count) and the same artist, or the same title where either side left the
// artist out: "Zombie" and "Zombie · The Cranberries" are one song, while
// "Zombie · Bad Wolves" is another.

// A song_key is the folded title, "\x1f", the folded artist. Every key of
// one title, whatever its artist, lies in [title+"\x1f", title+"\x20"): a
// range the requests_song index serves.
const (
	sameSongAnyArtist  = `r.song_key >= ? AND r.song_key < ?`
	sameSongOrNoArtist = `r.song_key IN (?, ?)`
)

// duplicateQuery finds the request of the night that best matches, the one
// being sung first, then a waiting one, then the last one sung.
const duplicateQuery = `SELECT g.name, g.name_ordinal, r.title, r.artist, r.status, COALESCE(r.started_at, 0)
	FROM requests r JOIN guests g ON g.id = r.guest_id
	WHERE r.session_id = ? AND r.status IN ('singing', 'waiting', 'done') AND (%s)
	ORDER BY CASE r.status WHEN 'singing' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, r.started_at DESC
	LIMIT 1`

var (
	duplicateAnyArtist  = fmt.Sprintf(duplicateQuery, sameSongAnyArtist)
	duplicateOrNoArtist = fmt.Sprintf(duplicateQuery, sameSongOrNoArtist)
)

// checkDuplicate returns an EDUPLICATE error about the title field when
// the song (title and artist, cleaned) is already waiting or being sung, or
// was sung tonight; now is the time of the request, for "25 min ago".
func checkDuplicate(ctx context.Context, tx *sql.Tx, sessionID int64, title, artist string, now time.Time) error {
	titleKey := foldKey(title)
	// One query or the other: a query asked and never read would run on
	// until the transaction ends, and keep its statement from being reused.
	query, args := duplicateAnyArtist, []any{sessionID, titleKey + "\x1f", titleKey + "\x20"}
	if artist != "" {
		query, args = duplicateOrNoArtist, []any{sessionID, songKey(title, artist), titleKey + "\x1f"}
	}
	row := tx.QueryRowContext(ctx, query, args...)
	var (
		name, dupTitle, dupArtist, status string
		ordinal                           int
		started                           int64
	)
	err := row.Scan(&name, &ordinal, &dupTitle, &dupArtist, &status, &started)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("duplicate check: %w", err)
	}
	singer, song := displayName(name, ordinal), "“"+dupTitle+"”"
	if dupArtist != "" {
		song += " by " + dupArtist
	}
	switch status {
	case StatusSinging:
		return FieldErrorf(EDUPLICATE, "title", "%s is singing %s right now. Add it anyway?", singer, song)
	case StatusWaiting:
		return FieldErrorf(EDUPLICATE, "title", "%s already requested %s; it is in the queue. Add it anyway?", singer, song)
	}
	at := fromMillis(started)
	var zone string
	if err := tx.QueryRowContext(ctx, `SELECT time_zone FROM sessions WHERE id = ?`, sessionID).Scan(&zone); err != nil {
		return fmt.Errorf("session time zone: %w", err)
	}
	return FieldErrorf(EDUPLICATE, "title", "%s was sung at %s by %s (%s). Add it again anyway?",
		song, at.In(Session{TimeZone: zone}.Zone()).Format("15:04"), singer, ago(now.Sub(at)))
}

// ago says how long ago something was, as a guest reads it.
func ago(d time.Duration) string {
	switch m := int(d.Minutes()); {
	case m < 1:
		return "just now"
	case m < 60:
		return fmt.Sprintf("%d min ago", m)
	default:
		return fmt.Sprintf("%d h %02d min ago", m/60, m%60)
	}
}
