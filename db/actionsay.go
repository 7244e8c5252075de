package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// What each host action touches and says, for the log (see actions.go):
// the store method calls its about… helper inside its write, before it
// changes anything.

// song names a request as the log does: Ann's “Jolene”.
func song(r Request) string { return fmt.Sprintf("%s's “%s”", r.Singer, r.Title) }

// aboutNext notes the turn Start next ends and the request it starts.
func (a *hostAction) aboutNext(ctx context.Context, tx *sql.Tx, sessionID, ends int64) error {
	from, to := "nobody", "nobody"
	if ends != NoTurn {
		r, err := getRequest(ctx, tx, sessionID, ends)
		if err != nil {
			return err
		}
		a.touch("requests", r.ID)
		from = song(r)
	}
	var next int64
	err := tx.QueryRowContext(ctx, nextHereQuery, sessionID).Scan(&next)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("next request: %w", err)
	default:
		r, err := getRequest(ctx, tx, sessionID, next)
		if err != nil {
			return err
		}
		a.touch("requests", r.ID)
		to = song(r)
	}
	passed, err := passedOverNote(ctx, tx, sessionID)
	a.say("Start next: "+from+" → "+to+passed, 0, "")
	return err
}

// endKind is the action that takes a request from was to to.
func endKind(was, to string) ActionKind {
	switch {
	case to == StatusRemoved:
		return ActionRemove
	case was == StatusSinging:
		return ActionStop
	default:
		return ActionSkip
	}
}

// aboutEnd notes a request skipped, stopped or removed; a removal moves the
// singer's later songs up a round (leaveQueue), so they are noted too.
func (a *hostAction) aboutEnd(ctx context.Context, tx *sql.Tx, r Request, to string) error {
	a.touch("requests", r.ID)
	where := "on stage"
	if r.Status == StatusWaiting {
		place, err := queuePlace(ctx, tx, r.SessionID, r.ID)
		if err != nil {
			return err
		}
		where = ordinalPlace(place) + " in line"
	}
	switch endKind(r.Status, to) {
	case ActionRemove:
		later, err := sqlitedb.Column[int64](ctx, tx, `SELECT id FROM requests WHERE guest_id = ? AND status = 'waiting' AND round > ?`, r.GuestID, r.Round)
		if err != nil {
			return fmt.Errorf("singer's later songs: %w", err)
		}
		a.touch("requests", later...)
		a.say("Removed "+song(r)+": "+where+" → removed", r.GuestID, fmt.Sprintf("The host took your song “%s” out of the queue.", r.Title))
	case ActionStop:
		a.say("Stopped "+song(r)+": "+where+" → skipped", r.GuestID, fmt.Sprintf("The host stopped your song “%s”.", r.Title))
	default:
		a.say("Skipped "+song(r)+": "+where+" → skipped", r.GuestID, fmt.Sprintf("The host skipped your song “%s”.", r.Title))
	}
	return nil
}

// moveWords are how the log and the guest's page say each move.
var moveWords = map[Move]string{MoveUp: "up", MoveDown: "down", MoveTop: "to the top", MoveBack: "to the back"}

// aboutMove notes a request moved, and the one it swapped places with
// (0 for none), before the move.
func (a *hostAction) aboutMove(ctx context.Context, tx *sql.Tx, sessionID, requestID, otherID int64, move Move) error {
	r, err := getRequest(ctx, tx, sessionID, requestID)
	if err != nil {
		return err
	}
	a.touch("requests", requestID)
	if otherID != 0 {
		a.touch("requests", otherID)
	}
	from, err := queuePlace(ctx, tx, sessionID, requestID)
	if err != nil {
		return err
	}
	to := from
	switch move {
	case MoveUp:
		to--
	case MoveDown:
		to++
	case MoveTop:
		to = 1
	case MoveBack:
		err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM requests WHERE session_id = ? AND status = 'waiting'`, sessionID).Scan(&to)
	}
	a.say(fmt.Sprintf("Moved %s %s: %s → %s", song(r), moveWords[move], ordinalPlace(from), ordinalPlace(to)),
		r.GuestID, fmt.Sprintf("The host moved your song “%s” %s.", r.Title, moveWords[move]))
	return err
}

// aboutGuestRemoval notes a guest removed and their waiting songs.
func (a *hostAction) aboutGuestRemoval(ctx context.Context, tx *sql.Tx, g Guest) error {
	a.touch("guests", g.ID)
	waiting, err := sqlitedb.Column[int64](ctx, tx, `SELECT id FROM requests WHERE guest_id = ? AND status = 'waiting'`, g.ID)
	if err != nil {
		return fmt.Errorf("guest's waiting songs: %w", err)
	}
	a.touch("requests", waiting...)
	a.say(fmt.Sprintf("Removed guest %s: %s left the queue", g.DisplayName(), fmt.Sprintf("%d %s", len(waiting), plural(len(waiting), "song", "songs"))), 0, "")
	return nil
}

// aboutRecentRemoval notes the guests a removal of recent joiners takes
// (recent selects their ids from the session and a joining time) and
// their waiting songs.
func (a *hostAction) aboutRecentRemoval(ctx context.Context, tx *sql.Tx, recent string, sessionID, from int64) error {
	guests, err := sqlitedb.Column[int64](ctx, tx, recent, sessionID, from)
	if err != nil {
		return fmt.Errorf("recent guests: %w", err)
	}
	a.touch("guests", guests...)
	waiting, err := sqlitedb.Column[int64](ctx, tx, `SELECT id FROM requests WHERE status = 'waiting' AND guest_id IN (`+recent+`)`, sessionID, from)
	if err != nil {
		return fmt.Errorf("recent guests' songs: %w", err)
	}
	a.touch("requests", waiting...)
	a.say(fmt.Sprintf("Removed %d recent %s and closed to new guests", len(guests), plural(len(guests), "joiner", "joiners")), 0, "")
	return nil
}

// aboutJoining says the night was closed to new guests or opened again.
func (a *hostAction) aboutJoining(locked bool) {
	if locked {
		a.say("New guests: welcome → closed", 0, "")
	} else {
		a.say("New guests: closed → welcome", 0, "")
	}
}

// aboutNightEnd notes the turn End leaves as it was, for the record.
func (a *hostAction) aboutNightEnd(ctx context.Context, tx *sql.Tx, sessionID int64) error {
	singing, err := sqlitedb.Column[int64](ctx, tx, `SELECT id FROM requests WHERE session_id = ? AND status = 'singing'`, sessionID)
	a.touch("requests", singing...)
	a.say("Ended the night", 0, "")
	return err
}

// aboutRules says what a change of the rules does, before → after.
func (a *hostAction) aboutRules(old, next Session) {
	var parts []string
	if old.SingerCap != next.SingerCap {
		parts = append(parts, fmt.Sprintf("songs a singer may have waiting %d → %d", old.SingerCap, next.SingerCap))
	}
	if old.ShowNotes != next.ShowNotes {
		parts = append(parts, "notes on the TV "+onOff(old.ShowNotes)+" → "+onOff(next.ShowNotes))
	}
	if old.SongbookOnly != next.SongbookOnly {
		parts = append(parts, "songbook only "+onOffWord(old.SongbookOnly)+" → "+onOffWord(next.SongbookOnly))
	}
	if old.Approval != next.Approval {
		parts = append(parts, "approval "+onOffWord(old.Approval)+" → "+onOffWord(next.Approval))
	}
	if old.TimeZone != next.TimeZone {
		parts = append(parts, "time zone "+old.Zone().String()+" → "+next.Zone().String())
	}
	if !old.ClosingAt.Equal(next.ClosingAt) {
		parts = append(parts, "closing "+closingWord(old)+" → "+closingWord(next))
	}
	if old.HoldMinutes != next.HoldMinutes {
		parts = append(parts, fmt.Sprintf("longest hold %d → %d min", old.HoldMinutes, next.HoldMinutes))
	}
	if old.Language != next.Language {
		parts = append(parts, "language "+old.Language+" → "+next.Language)
	}
	a.say("Rules: "+strings.Join(parts, "; "), 0, "")
}

func onOffWord(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

func closingWord(s Session) string {
	if s.ClosingAt.IsZero() {
		return "none"
	}
	return s.ClosingClock()
}

// aboutPause says requests were paused or resumed.
func (a *hostAction) aboutPause(paused bool) {
	if paused {
		a.say("Requests: open → paused", 0, "")
	} else {
		a.say("Requests: paused → open", 0, "")
	}
}

func onOff(on bool) string {
	if on {
		return "shown"
	}
	return "hidden"
}

// queuePlace returns a waiting request's place in the queue, from 1.
func queuePlace(ctx context.Context, tx *sql.Tx, sessionID, requestID int64) (int, error) {
	var place int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM requests q, requests r
		WHERE r.id = ? AND q.session_id = ? AND q.status = 'waiting'
		AND (q.position < r.position OR (q.position = r.position AND q.id <= r.id))`, requestID, sessionID).Scan(&place)
	if err != nil {
		return 0, fmt.Errorf("place in the queue: %w", err)
	}
	return place, nil
}

// ordinalPlace spells a place: 1st, 2nd, 3rd, 11th.
func ordinalPlace(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return fmt.Sprintf("%d%s", n, suffix)
}
