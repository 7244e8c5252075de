package db

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// The host actions that add a request to the queue (a walk-up, an
// approval) and answer a held one, for the log (see actions.go): what they
// say, how they are undone, and what the guests whose songs an "approve
// all" took are told.

// heldAgainNotice is what a guest's page says after the host undid an
// answer to their held song.
const heldAgainNotice = "The host undid that: your song is waiting for the host's OK again."

// aboutWalkup says a walk-up's song joined the queue, and where.
func (a *hostAction) aboutWalkup(ctx context.Context, tx *sql.Tx, r Request) error {
	place, err := queuePlace(ctx, tx, r.SessionID, r.ID)
	a.say(fmt.Sprintf("Walk-up %s → %s in line", song(r), ordinalPlace(place)), 0, "")
	return err
}

// aboutApproval says a held song joined the queue, and tells its guest.
func (a *hostAction) aboutApproval(ctx context.Context, tx *sql.Tx, h approved) error {
	place, err := queuePlace(ctx, tx, h.request.SessionID, h.request.ID)
	a.say(fmt.Sprintf("Approved %s: waiting for OK → %s in line", song(h.request), ordinalPlace(place)),
		h.held.GuestID, approvedNotice(h.held.Title))
	return err
}

func approvedNotice(title string) string { return fmt.Sprintf("The host approved “%s”.", title) }

// removeAdded undoes an action that added requests to the queue: each
// leaves it (removed, so what was sung and said about it stays true, and a
// redo can put it back in its place), and every other row is put back as
// it was (a held request is pending again). The singer's later songs keep
// their rounds.
func removeAdded(ctx context.Context, tx *sql.Tx, a HostAction, now int64) error {
	rest := a
	rest.changes = nil
	for _, c := range a.changes {
		if c.Before != nil || c.Table != "requests" {
			rest.changes = append(rest.changes, c)
			continue
		}
		// checkUndo has seen it waiting as the action left it.
		if _, err := tx.ExecContext(ctx, `UPDATE requests SET status = 'removed', ended_at = ? WHERE id = ? AND status = 'waiting'`, now, c.ID); err != nil {
			return fmt.Errorf("undo: take request %d out of the queue: %w", c.ID, err)
		}
	}
	return restoreRows(ctx, tx, rest, now)
}

// heldChangedSince says, for a host, what changed a held request since an
// action answered it.
func heldChangedSince(ctx context.Context, q sqlitedb.Querier, sessionID, heldID int64) (string, error) {
	var singer, title, status string
	var ordinal int
	err := q.QueryRowContext(ctx, `SELECT g.name, g.name_ordinal, h.title, h.status FROM held_requests h
		JOIN guests g ON g.id = h.guest_id WHERE h.id = ? AND h.session_id = ?`, heldID, sessionID).Scan(&singer, &ordinal, &title, &status)
	if errors.Is(err, sql.ErrNoRows) {
		return "", Errorf(ENOTFOUND, "That request is not in this session.")
	}
	if err != nil {
		return "", fmt.Errorf("held request %d: %w", heldID, err)
	}
	singer = displayName(singer, ordinal)
	switch status {
	case StatusWithdrawn:
		return fmt.Sprintf("%s withdrew “%s” since", singer, title), nil
	case StatusApproved:
		return fmt.Sprintf("%s's “%s” has been approved since", singer, title), nil
	case StatusDeclined:
		return fmt.Sprintf("%s's “%s” has been declined since", singer, title), nil
	default:
		return fmt.Sprintf("%s's “%s” is waiting for your OK again since", singer, title), nil
	}
}

// recentGroupAnswers bounds the actions that answer several guests at once
// (approve all, and their undos) which guestNotices reads.
const recentGroupAnswers = 20

// addGroupNotices adds to notices, for each guest whose held song a recent
// "approve all" (or its undo or redo) answered after the host's latest
// action of their own, what that did to it.
func addGroupNotices(ctx context.Context, q sqlitedb.Querier, sessionID int64, notices map[int64]HostAction) error {
	group, err := sqlitedb.Collect(ctx, q, scanAction, `SELECT `+actionColumns+` FROM host_actions
		WHERE session_id = ? AND guest_id IS NULL AND kind IN ('approve-all', 'undo', 'redo')
		ORDER BY id DESC LIMIT ?`, sessionID, recentGroupAnswers)
	if err != nil {
		return fmt.Errorf("group answers: %w", err)
	}
	for _, a := range group {
		var ids []int64
		for _, c := range a.changes {
			if c.Table == "held_requests" {
				ids = append(ids, c.ID)
			}
		}
		if len(ids) == 0 {
			continue
		}
		list, _ := json.Marshal(ids)
		type heldSong struct {
			id, guest int64
			title     string
		}
		songs, err := sqlitedb.Collect(ctx, q, func(row sqlitedb.Scanner) (h heldSong, err error) {
			return h, row.Scan(&h.id, &h.guest, &h.title)
		}, `SELECT id, guest_id, title FROM held_requests WHERE session_id = ? AND id IN (SELECT value FROM json_each(?)) ORDER BY id`,
			sessionID, string(list))
		if err != nil {
			return fmt.Errorf("group answers' songs: %w", err)
		}
		for _, h := range songs {
			if old, ok := notices[h.guest]; ok && old.ID >= a.ID {
				continue
			}
			told := a
			told.GuestID, told.GuestNotice = h.guest, heldAgainNotice
			if a.heldStatusAfter(h.id) == StatusApproved {
				told.GuestNotice = approvedNotice(h.title)
			}
			notices[h.guest] = told
		}
	}
	return nil
}

// heldStatusAfter is a held request's status as the action left it.
func (a HostAction) heldStatusAfter(heldID int64) string {
	for _, c := range a.changes {
		if c.Table == "held_requests" && c.ID == heldID {
			var status string
			_ = json.Unmarshal(c.After["status"], &status)
			return status
		}
	}
	return ""
}
