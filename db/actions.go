package db

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// The host's action log. Every host action is one store method whose write
// runs in inHostAction instead of inSessionWrite: the method names the rows
// it is about to change (hostAction.touch), says what it did
// (hostAction.say), and the log row (host_actions) is written in the same
// transaction, with each touched row's tracked columns as they were before
// and as they are after. An undo (undo.go) puts the "before" back once it
// has checked that the rows are still as the action left them; how an
// action is undone is looked up by its kind in actionKinds.

// ActionKind names a host action in the log.
type ActionKind string

// The host actions the log records. An undo is a row of kind ActionUndo
// that names the action it undid; undoing an undo (a redo) is ActionRedo.
const (
	ActionNext        ActionKind = "next"
	ActionStop        ActionKind = "stop"
	ActionSkip        ActionKind = "skip"
	ActionRemove      ActionKind = "remove"
	ActionMove        ActionKind = "move"
	ActionPause       ActionKind = "pause"
	ActionResume      ActionKind = "resume"
	ActionSettings    ActionKind = "settings"
	ActionRemoveGuest ActionKind = "remove-guest"
	ActionJoining     ActionKind = "joining"
	ActionEnd         ActionKind = "end"
	ActionReleaseHold ActionKind = "release-hold"
	ActionWalkup      ActionKind = "walkup"
	ActionApprove     ActionKind = "approve"
	ActionApproveAll  ActionKind = "approve-all"
	ActionDecline     ActionKind = "decline"
	ActionUndo        ActionKind = "undo"
	ActionRedo        ActionKind = "redo"
)

// actionKind is how the log treats one kind of action.
type actionKind struct {
	// undo puts back what the action changed, inside the undo's write; the
	// rows are known to be as the action left them. nil: the action cannot
	// be undone, and cannot says why.
	undo   func(ctx context.Context, tx *sql.Tx, a HostAction, now int64) error
	cannot string
	// undone is what the page of the action's guest says after an undo;
	// "" for undoneNotice.
	undone string
}

// actionKinds is the registry of undo functions: a new host action adds its
// kind here (restoreRows when putting its touched rows back undoes it).
var actionKinds = map[ActionKind]actionKind{
	ActionNext:        {undo: restoreRows},
	ActionStop:        {undo: restoreRows},
	ActionSkip:        {undo: restoreRows},
	ActionRemove:      {undo: restoreRows},
	ActionMove:        {undo: restoreRows},
	ActionPause:       {undo: restoreRows},
	ActionResume:      {undo: restoreRows},
	ActionSettings:    {undo: restoreRows},
	ActionRemoveGuest: {undo: restoreRows},
	ActionJoining:     {undo: restoreRows},
	ActionReleaseHold: {undo: restoreRows},
	ActionUndo:        {undo: restoreRows},
	ActionRedo:        {undo: restoreRows},
	// A request the action added to the queue leaves it (removeAdded); a
	// held request is pending again.
	ActionWalkup:     {undo: removeAdded},
	ActionApprove:    {undo: removeAdded, undone: heldAgainNotice},
	ActionApproveAll: {undo: removeAdded},
	ActionDecline:    {undo: restoreRows, undone: heldAgainNotice},
	// The guests' pages were told the night is over and closed their
	// streams, and the join code is free for another night to take.
	ActionEnd: {cannot: "Ending the night can't be undone: the guests' pages have closed and the join code is free for another night."},
}

// trackedColumns are, by table, the columns an action's record keeps before
// and after: what an undo puts back. A new column a host action changes is
// added here.
var trackedColumns = map[string]string{
	"sessions": `singer_cap, requests_paused, show_notes, joining_locked, ended_at, songbook_only, approval, time_zone, closing_at, hold_minutes, language`,
	"requests": `status, position, round, started_at, ended_at`,
	"guests":   `removed_at, hold_since`,
	// A standby song the action moved into the queue: its undo is refused.
	"standby_songs": `status, moved_at, request_id, held_id`,
	// held_requests' status and request_id are what approving or declining
	// one changes.
	"held_requests": `status, decided_at, request_id`,
}

// HostAction is one row of the host's action log.
type HostAction struct {
	ID        int64
	SessionID int64
	Kind      ActionKind
	// Device is the host device that acted, as its label ("iPhone · K7QF").
	Device string
	// Summary says what the action did, before → after, as the host reads
	// it; an undo's is that of the action it undid.
	Summary string
	// GuestID is the guest whose song the action moved, skipped or
	// removed (0 for none), and GuestNotice what their page tells them.
	GuestID     int64
	GuestNotice string
	// Undoes is, for an undo, the action it undid.
	Undoes    int64
	CreatedAt time.Time
	changes   []rowChange
}

// rowChange is one row an action touched, its tracked columns before and
// after, as JSON values by column.
type rowChange struct {
	Table  string                     `json:"table"`
	ID     int64                      `json:"id"`
	Before map[string]json.RawMessage `json:"before"`
	After  map[string]json.RawMessage `json:"after"`
}

type hostDeviceKey struct{}

// WithHostDevice returns ctx carrying the label of the host device that
// acts, which the action log records as who did it.
func WithHostDevice(ctx context.Context, label string) context.Context {
	return context.WithValue(ctx, hostDeviceKey{}, label)
}

// HostDevice returns the label WithHostDevice gave ctx, or "".
func HostDevice(ctx context.Context) string {
	label, _ := ctx.Value(hostDeviceKey{}).(string)
	return label
}

// hostAction is a host action being written: the rows it touches and what
// it says it did.
type hostAction struct {
	ctx  context.Context
	tx   *sql.Tx
	rec  HostAction
	rows []rowChange
	err  error // the first failure to read a touched row
	// patch, when set (patchWith), makes the Night's patch.
	patch func(ctx context.Context, tx *sql.Tx) (nightPatch, error)
}

// inHostAction runs fn as inSessionWrite does and records it in the log as
// an action of kind: fn calls a.touch before changing a row and a.say to
// describe what it did. Nothing is logged when no touched row changed.
func (s *Store) inHostAction(ctx context.Context, sessionID int64, kind ActionKind, fn func(tx *sql.Tx, a *hostAction) error) error {
	ctx = s.writeAhead(ctx, fn, sessionID)
	return s.inPatchedWrite(ctx, sessionID, func(tx *sql.Tx) (nightPatch, error) {
		a := &hostAction{ctx: ctx, tx: tx, rec: HostAction{SessionID: sessionID, Kind: kind, Device: HostDevice(ctx)}}
		a.touch("sessions", sessionID)
		if err := fn(tx, a); err != nil {
			return nil, err
		}
		// Here rather than in inSessionWrite, so the log has it (undo.go).
		filled, err := s.fillSession(ctx, tx, sessionID, a)
		if err != nil {
			return nil, err
		}
		if err := a.record(s.nowMillis()); err != nil {
			return nil, err
		}
		// In remote mode each of the patch's reads after the writes is a
		// round trip holding the write lock (11.9 → 22.6 for Start next),
		// more than reading the Night again costs at a night's usual queue.
		if a.patch == nil || filled || s.remote {
			return nil, nil // the Night is read again
		}
		// After record: the patch carries the log as it now stands.
		return a.patch(ctx, tx)
	})
}

// patchWith gives the Night's patch of an action that knows exactly how it
// changed the Night (nightpatch.go): made once the log row is written,
// and used only when no standby song moved.
func (a *hostAction) patchWith(patch func(ctx context.Context, tx *sql.Tx) (nightPatch, error)) {
	a.patch = patch
}

// touch notes a row the action is about to change, as it is now.
func (a *hostAction) touch(table string, ids ...int64) {
	for _, id := range ids {
		if a.err != nil || a.touched(table, id) {
			continue
		}
		var before map[string]json.RawMessage
		before, a.err = trackedRow(a.ctx, a.tx, table, id)
		a.rows = append(a.rows, rowChange{Table: table, ID: id, Before: before})
	}
}

// added notes a row the action has just inserted: it had no "before".
func (a *hostAction) added(table string, id int64) {
	a.rows = append(a.rows, rowChange{Table: table, ID: id})
}

func (a *hostAction) touched(table string, id int64) bool {
	for _, r := range a.rows {
		if r.Table == table && r.ID == id {
			return true
		}
	}
	return false
}

// say sets what the action did, and what the page of the guest whose song
// it was (0 for none) tells them.
func (a *hostAction) say(summary string, guestID int64, guestNotice string) {
	a.rec.Summary, a.rec.GuestID, a.rec.GuestNotice = summary, guestID, guestNotice
}

// record writes the action's log row, with its touched rows as they are
// now; nothing when none of them changed.
func (a *hostAction) record(now int64) error {
	if a.err != nil {
		return a.err
	}
	var changed []rowChange
	for _, r := range a.rows {
		after, err := trackedRow(a.ctx, a.tx, r.Table, r.ID)
		if err != nil {
			return err
		}
		r.After = after
		if !sameValues(r.Before, r.After) {
			changed = append(changed, r)
		}
	}
	if len(changed) == 0 {
		return nil
	}
	a.rec.changes = changed
	return insertAction(a.ctx, a.tx, a.rec, now)
}

func insertAction(ctx context.Context, tx *sql.Tx, rec HostAction, now int64) error {
	changes, err := json.Marshal(rec.changes)
	if err != nil {
		return fmt.Errorf("host action changes: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO host_actions
		(session_id, kind, device, summary, changes, guest_id, guest_notice, undoes, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		rec.SessionID, string(rec.Kind), rec.Device, rec.Summary, string(changes),
		nullID(rec.GuestID), rec.GuestNotice, nullID(rec.Undoes), now)
	if err != nil {
		return fmt.Errorf("record host action: %w", err)
	}
	return nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// trackedRow reads a row's tracked columns as JSON values; nil when the
// row does not exist.
func trackedRow(ctx context.Context, q sqlitedb.Querier, table string, id int64) (map[string]json.RawMessage, error) {
	cols, ok := trackedColumns[table]
	if !ok {
		return nil, fmt.Errorf("host action: table %s is not tracked", table)
	}
	names := splitColumns(cols)
	rows, err := sqlitedb.Collect(ctx, q, func(row sqlitedb.Scanner) (map[string]json.RawMessage, error) {
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := row.Scan(ptrs...); err != nil {
			return nil, err
		}
		out := make(map[string]json.RawMessage, len(names))
		for i, n := range names {
			b, err := json.Marshal(vals[i])
			if err != nil {
				return nil, err
			}
			out[n] = b
		}
		return out, nil
	}, `SELECT `+cols+` FROM `+table+` WHERE id = ?`, id)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	return rows[0], nil
}

// sameValues reports whether two snapshots of a row hold the same values.
func sameValues(a, b map[string]json.RawMessage) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || string(v) != string(w) {
			return false
		}
	}
	return true
}

// differing returns the columns whose values differ between two snapshots.
func differing(a, b map[string]json.RawMessage) []string {
	var out []string
	for k, v := range a {
		if string(b[k]) != string(v) {
			out = append(out, k)
		}
	}
	return out
}

// sqlValue turns a snapshot's JSON value back into one to bind.
func sqlValue(raw json.RawMessage) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if n, ok := v.(json.Number); ok {
		if i, err := n.Int64(); err == nil {
			return i, nil
		}
		return n.Float64()
	}
	if v != nil {
		if _, ok := v.(string); !ok {
			return nil, errors.New("host action: a tracked value is neither a number, a string nor null")
		}
	}
	return v, nil
}

func splitColumns(cols string) []string { return strings.Split(cols, ", ") }
