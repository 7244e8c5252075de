package db

import (
	"encoding/json"
	"time"
)

// Override is a host action that changed the queue's order from what the
// rotation gave it, as the guests' "why this order" lists it.
type Override struct {
	At        time.Time
	GuestID   int64 // the singer whose song it was
	RequestID int64
	Kind      ActionKind // ActionMove, ActionSkip or ActionRemove
	Move      Move       // for ActionMove, which move
}

// Overrides returns the host's overrides among the Night's recent actions
// (Actions), newest first, leaving out those undone and not redone.
func (n Night) Overrides() []Override {
	undone := map[int64]bool{}
	// Actions are newest first: a redo is seen before the undo it undoes.
	redone := map[int64]bool{}
	for _, a := range n.Actions {
		switch a.Kind {
		case ActionRedo:
			redone[a.Undoes] = true
		case ActionUndo:
			if !redone[a.ID] {
				undone[a.Undoes] = true
			}
		}
	}
	var out []Override
	for _, a := range n.Actions {
		if undone[a.ID] || len(a.changes) == 0 || a.changes[0].Table != "requests" {
			continue
		}
		o := Override{At: a.CreatedAt, GuestID: a.GuestID, RequestID: a.changes[0].ID, Kind: a.Kind}
		switch a.Kind {
		case ActionSkip, ActionRemove:
		case ActionMove:
			o.Move = moveMade(a.changes)
		default:
			continue
		}
		out = append(out, o)
	}
	return out
}

// moveMade tells which move an ActionMove made from the rows it changed:
// the moved request first, and the one it swapped places with (up, down)
// or none (top, back).
func moveMade(changes []rowChange) Move {
	var before, after float64
	// The positions were written by the store as JSON numbers.
	_ = json.Unmarshal(changes[0].Before["position"], &before)
	_ = json.Unmarshal(changes[0].After["position"], &after)
	swapped := len(changes) > 1
	switch {
	case after < before && swapped:
		return MoveUp
	case after < before:
		return MoveTop
	case swapped:
		return MoveDown
	}
	return MoveBack
}
