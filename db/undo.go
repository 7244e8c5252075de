package db

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// UndoOffer is what the dashboard's one Undo offers: the most recent action
// not undone yet (an undo itself is never offered: Undo walks back), and
// whether it can still be undone.
type UndoOffer struct {
	Action HostAction // ID 0 when there is nothing to undo
	// Cannot says why the action can no longer be undone ("Can't undo:
	// Ann's song has started since."); "" when it can.
	Cannot string
}

// Undo undoes the host action actionID: the rows it changed are put back as
// they were before it (a request's place, round, status and times; the
// singer it ended back on stage; a rule's old value), and the undo is
// logged as an action of its own. Undoing an undo does the action again.
// Naming the action makes a second tap harmless: it finds the action
// already undone and changes nothing.
// Errors: ENOTFOUND; ECONFLICT when the session has ended, the action was
// already undone or cannot be undone, or a later change to its rows (by a
// host or a guest) makes it impossible, the message saying which.
func (s *Store) Undo(ctx context.Context, sessionID, actionID int64) error {
	return s.inSessionWrite(ctx, sessionID, func(tx *sql.Tx) error {
		if _, err := openSession(ctx, tx, sessionID); err != nil {
			return err
		}
		a, err := getAction(ctx, tx, sessionID, actionID)
		if err != nil {
			return err
		}
		if err := checkUndo(ctx, tx, a); err != nil {
			return err
		}
		now := s.nowMillis()
		if err := actionKinds[a.Kind].undo(ctx, tx, a, now); err != nil {
			return err
		}
		undo := HostAction{SessionID: sessionID, Kind: ActionUndo, Device: HostDevice(ctx), Summary: a.Summary,
			GuestID: a.GuestID, GuestNotice: a.GuestNotice, Undoes: a.ID}
		if a.Kind == ActionUndo {
			// A redo tells the guest what the action it redoes told them.
			undo.Kind = ActionRedo
			done, err := getAction(ctx, tx, sessionID, a.Undoes)
			if err != nil {
				return err
			}
			undo.GuestNotice = done.GuestNotice
		} else if a.GuestID != 0 {
			undo.GuestNotice = cmp.Or(actionKinds[a.Kind].undone, undoneNotice)
		}
		// The undo's "after" is read, not assumed: an undo that does not put
		// a row back as it was (a request the action added leaves the queue)
		// is redone, and checked, from what it really left.
		for _, c := range a.changes {
			after, err := trackedRow(ctx, tx, c.Table, c.ID)
			if err != nil {
				return err
			}
			undo.changes = append(undo.changes, rowChange{Table: c.Table, ID: c.ID, Before: c.After, After: after})
		}
		// Room the undo made is filled from standby now, and logged with it.
		filled, err := s.fillRecorded(ctx, tx, sessionID)
		if err != nil {
			return err
		}
		undo.changes = append(undo.changes, filled...)
		return insertAction(ctx, tx, undo, now)
	})
}

// undoneNotice is what a guest's page says after the host undid an action
// on their song.
const undoneNotice = "The host undid that: your song is back as it was."

// restoreRows puts each row an action changed back as it was before it.
func restoreRows(ctx context.Context, tx *sql.Tx, a HostAction, _ int64) error {
	for _, c := range a.changes {
		if c.Before == nil {
			return Errorf(ECONFLICT, "Can't undo: it added something that cannot be taken back this way.")
		}
		names := slices.Sorted(maps.Keys(c.Before))
		set, args := "", make([]any, 0, len(names)+1)
		for i, n := range names {
			if !isTracked(c.Table, n) {
				return fmt.Errorf("undo: %s.%s is not a tracked column", c.Table, n)
			}
			if i > 0 {
				set += ", "
			}
			set += sqlitedb.QuoteIdent(n) + " = ?"
			v, err := sqlValue(c.Before[n])
			if err != nil {
				return err
			}
			args = append(args, v)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+c.Table+` SET `+set+` WHERE id = ?`, append(args, c.ID)...); err != nil {
			return fmt.Errorf("undo %s %d: %w", c.Table, c.ID, err)
		}
	}
	return nil
}

// isTracked reports whether a log's row change names a tracked column, so
// only those are ever written back.
func isTracked(table, column string) bool {
	cols, ok := trackedColumns[table]
	return ok && slices.Contains(splitColumns(cols), column)
}

// checkUndo returns nil when the action can be undone now, else an
// ECONFLICT error saying why.
func checkUndo(ctx context.Context, q sqlitedb.Querier, a HostAction) error {
	kind, ok := actionKinds[a.Kind]
	if !ok || kind.undo == nil {
		return Errorf(ECONFLICT, "%s", cmp.Or(kind.cannot, "That can't be undone."))
	}
	if err := standbyMoved(ctx, q, a); err != nil {
		return err
	}
	undone, err := isUndone(ctx, q, a.ID)
	if err != nil {
		return err
	}
	if undone {
		return Errorf(ECONFLICT, "That was already undone: %s.", a.Summary)
	}
	for _, c := range a.changes {
		now, err := trackedRow(ctx, q, c.Table, c.ID)
		if err != nil {
			return err
		}
		if !sameValues(now, c.After) {
			why, err := changedSince(ctx, q, a.SessionID, c, now)
			if err != nil {
				return err
			}
			return Errorf(ECONFLICT, "Can't undo: %s.", why)
		}
	}
	// A singer put back on stage must find the stage empty.
	for _, c := range a.changes {
		if c.Table != "requests" || string(c.Before["status"]) != `"singing"` || string(c.After["status"]) == `"singing"` {
			continue
		}
		var other Request
		err := q.QueryRowContext(ctx, `SELECT id FROM requests WHERE session_id = ? AND status = 'singing' AND id <> ?`, a.SessionID, c.ID).Scan(&other.ID)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && a.touchedRow("requests", other.ID)) {
			continue
		}
		if err != nil {
			return err
		}
		if other, err = getRequest(ctx, q, a.SessionID, other.ID); err != nil {
			return err
		}
		return Errorf(ECONFLICT, "Can't undo: %s's song has started since.", other.Singer)
	}
	return nil
}

func (a HostAction) touchedRow(table string, id int64) bool {
	return slices.ContainsFunc(a.changes, func(c rowChange) bool { return c.Table == table && c.ID == id })
}

// isUndone reports whether an undo of the action stands (one that was not
// itself undone).
func isUndone(ctx context.Context, q sqlitedb.Querier, actionID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM host_actions u WHERE u.undoes = ?
		AND NOT EXISTS (SELECT 1 FROM host_actions r WHERE r.undoes = u.id)`, actionID).Scan(&n)
	return n > 0, err
}

// changedSince says, for a host, what changed a row since the action.
func changedSince(ctx context.Context, q sqlitedb.Querier, sessionID int64, c rowChange, now map[string]json.RawMessage) (string, error) {
	diff := differing(c.After, now)
	switch c.Table {
	case "requests":
		r, err := getRequest(ctx, q, sessionID, c.ID)
		if err != nil {
			return "", err
		}
		if !slices.Contains(diff, "status") {
			if slices.Contains(diff, "position") {
				return r.Singer + "'s song has moved in the queue since", nil
			}
			return r.Singer + "'s song has changed since", nil
		}
		switch r.Status {
		case StatusSinging:
			return r.Singer + "'s song has started since", nil
		case StatusDone:
			return r.Singer + "'s song has been sung since", nil
		case StatusSkipped:
			return r.Singer + "'s song has been skipped since", nil
		case StatusWithdrawn:
			return fmt.Sprintf("%s withdrew “%s” since", r.Singer, r.Title), nil
		case StatusRemoved:
			return r.Singer + "'s song has been removed since", nil
		default:
			return r.Singer + "'s song is back in the queue since", nil
		}
	case "held_requests":
		return heldChangedSince(ctx, q, sessionID, c.ID)
	case "guests":
		g, err := getGuestByID(ctx, q, sessionID, c.ID)
		if err != nil {
			return "", err
		}
		return g.DisplayName() + " has been removed or let back since", nil
	}
	switch {
	case slices.Contains(diff, "ended_at"):
		return "the night has ended", nil
	case slices.Contains(diff, "requests_paused"):
		return "requests have been paused or resumed since", nil
	default:
		return "the rules have changed since", nil
	}
}

const actionColumns = `id, session_id, kind, device, summary, changes, guest_id, guest_notice, undoes, created_at`

func scanAction(row sqlitedb.Scanner) (HostAction, error) {
	var (
		a             HostAction
		kind, changes string
		guest, undoes sql.NullInt64
		created       int64
	)
	if err := row.Scan(&a.ID, &a.SessionID, &kind, &a.Device, &a.Summary, &changes, &guest, &a.GuestNotice, &undoes, &created); err != nil {
		return HostAction{}, err
	}
	a.Kind, a.GuestID, a.Undoes, a.CreatedAt = ActionKind(kind), guest.Int64, undoes.Int64, fromMillis(created)
	if err := json.Unmarshal([]byte(changes), &a.changes); err != nil {
		return HostAction{}, fmt.Errorf("host action %d: %w", a.ID, err)
	}
	return a, nil
}

func getAction(ctx context.Context, q sqlitedb.Querier, sessionID, actionID int64) (HostAction, error) {
	a, err := scanAction(q.QueryRowContext(ctx, `SELECT `+actionColumns+` FROM host_actions WHERE id = ? AND session_id = ?`, actionID, sessionID))
	if errors.Is(err, sql.ErrNoRows) {
		return HostAction{}, Errorf(ENOTFOUND, "That action is not in this night's log.")
	}
	if err != nil {
		return HostAction{}, fmt.Errorf("get host action %d: %w", actionID, err)
	}
	return a, nil
}

// recentActions reads the session's latest actions, newest first, and what
// the dashboard's Undo offers.
func recentActions(ctx context.Context, q sqlitedb.Querier, sessionID int64, limit int) ([]HostAction, UndoOffer, error) {
	list, err := sqlitedb.Collect(ctx, q, scanAction, `SELECT `+actionColumns+` FROM host_actions
		WHERE session_id = ? ORDER BY id DESC LIMIT ?`, sessionID, limit)
	if err != nil {
		return nil, UndoOffer{}, fmt.Errorf("host actions: %w", err)
	}
	o, err := undoOffer(ctx, q, sessionID)
	if err != nil {
		return nil, UndoOffer{}, err
	}
	return list, o, nil
}

// undoOffer is what Undo offers: the latest action that is not an undo and
// has not been undone, and why it cannot be undone now, if it cannot.
func undoOffer(ctx context.Context, q sqlitedb.Querier, sessionID int64) (UndoOffer, error) {
	offer, err := sqlitedb.Collect(ctx, q, scanAction, `SELECT `+actionColumns+` FROM host_actions a
		WHERE session_id = ? AND undoes IS NULL
		AND NOT EXISTS (SELECT 1 FROM host_actions u WHERE u.undoes = a.id
			AND NOT EXISTS (SELECT 1 FROM host_actions r WHERE r.undoes = u.id))
		ORDER BY id DESC LIMIT 1`, sessionID)
	if err != nil || len(offer) == 0 {
		return UndoOffer{}, err
	}
	o := UndoOffer{Action: offer[0]}
	if err := checkUndo(ctx, q, o.Action); ErrorCode(err) == ECONFLICT {
		o.Cannot = ErrorMessage(err)
	} else if err != nil {
		return UndoOffer{}, err
	}
	return o, nil
}

// guestNotices returns, by guest, what the host's latest action on one of
// their songs tells them.
func guestNotices(ctx context.Context, q sqlitedb.Querier, sessionID int64) (map[int64]HostAction, error) {
	list, err := sqlitedb.Collect(ctx, q, scanAction, `SELECT `+actionColumns+` FROM host_actions
		WHERE id IN (SELECT MAX(id) FROM host_actions WHERE session_id = ? AND guest_id IS NOT NULL GROUP BY guest_id)`, sessionID)
	if err != nil {
		return nil, fmt.Errorf("guest notices: %w", err)
	}
	out := make(map[int64]HostAction, len(list))
	for _, a := range list {
		out[a.GuestID] = a
	}
	return out, addGroupNotices(ctx, q, sessionID, out)
}
