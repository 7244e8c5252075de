package db

import (
	"cmp"
	"maps"
	"slices"
)

// A write that knows exactly how it changed the Night says so (a
// nightPatch, applied by nightCache.patch), so the Night after it is the
// one before with that change, not the whole night read again: a guest's
// request, the commonest write of a night, then costs the same whatever the
// queue's length, and so does the answer showing it. What the patch gives
// must be what loadNight would read (TestPatchedNightIsTheNightRead).

// requestQueued is the patch of a request put in the queue at position
// (CreateRequest outside approval mode): the request joins the queue and
// the rotation in their order (position, then id), and its singer's next
// round follows it.
func requestQueued(req Request, position float64) nightPatch {
	return func(n Night) Night {
		s := slot{id: req.ID, guest: req.GuestID, position: position, round: req.Round, held: n.OnHold(req.GuestID)}
		i, _ := slices.BinarySearchFunc(n.rot.queue, s, func(a, b slot) int {
			return cmp.Or(cmp.Compare(a.position, b.position), cmp.Compare(a.id, b.id))
		})
		// Clipped, so Insert copies: the Night given is shared.
		n.Queue = slices.Insert(slices.Clip(n.Queue), i, req)
		rot := n.rot
		rot.queue = slices.Insert(slices.Clip(rot.queue), i, s)
		rot.next = maps.Clone(rot.next)
		rot.next[req.GuestID] = max(rot.next[req.GuestID], req.Round+1)
		if _, ok := rot.sung[req.GuestID]; !ok {
			// readRotation lists every singer with a request, sung or not.
			rot.sung, rot.turns = maps.Clone(rot.sung), maps.Clone(rot.turns)
			rot.sung[req.GuestID], rot.turns[req.GuestID] = 0, 0
		}
		if !s.held && (rot.cur > s.round || onlyHeld(n.rot.queue)) {
			rot.cur = s.round
		}
		n.rot = rot
		return n
	}
}

// onlyHeld reports whether every waiting song is of a singer on hold (or
// none waits), when the round in progress is the one last started (roundOf).
func onlyHeld(queue []slot) bool {
	return !slices.ContainsFunc(queue, func(s slot) bool { return !s.held })
}
