package db

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestLineIsTheQueue: a line changed by random inserts, removals and edits
// holds what a plain slice changed the same way holds, finds each guest's
// songs, and every version before a change still holds what it held (the
// Night a reader has is shared, and never changes under it).
func TestLineIsTheQueue(t *testing.T) {
	rng := rand.New(rand.NewPCG(18, 5))
	var (
		l     *line
		model []entry
	)
	type version struct {
		l    *line
		want []entry
	}
	var kept []version
	for step := range 3000 {
		switch op := rng.IntN(10); {
		case (op < 6 && step < 2000) || len(model) == 0:
			// Two thirds of the way, the line is mostly withdrawn from,
			// and its chunks shrink and join.
			e := entry{slot: slot{id: int64(step + 1), guest: int64(rng.IntN(12)), position: float64(rng.IntN(500)), round: rng.IntN(5)}}
			e.req = Request{ID: e.id, GuestID: e.guest, Round: e.round}
			i := l.search(e.key())
			l, model = l.insert(i, e), slices.Insert(slices.Clone(model), i, e)
		case op < 8:
			i := rng.IntN(len(model))
			l, model = l.remove(i), slices.Delete(slices.Clone(model), i, i+1)
		default:
			guest := int64(rng.IntN(12))
			mine := l.songsOf(guest)
			l = l.edit(mine, func(e *entry) { e.round++; e.req.Round++ })
			model = slices.Clone(model)
			for _, i := range mine {
				model[i].round++
				model[i].req.Round++
			}
		}
		if step%100 == 0 {
			kept = append(kept, version{l, model})
		}
		if l.len() != len(model) {
			t.Fatalf("step %d: %d songs, want %d", step, l.len(), len(model))
		}
	}
	kept = append(kept, version{l, model})
	for k, v := range kept {
		got := lineShown(v.l)
		if !slices.Equal(got.entries, v.want) || !got.starts {
			t.Fatalf("version %d changed or lost its order: %d songs, want %d", k, len(got.entries), len(v.want))
		}
		reqs := v.l.requests()
		for i, e := range v.want {
			if reqs[i] != e.req || v.l.at(i).req != e.req {
				t.Fatalf("version %d: song %d is %+v, want %+v", k, i, reqs[i], e.req)
			}
		}
		for guest := range int64(12) {
			var want []int
			for i, e := range v.want {
				if e.guest == guest {
					want = append(want, i)
				}
			}
			if got := v.l.songsOf(guest); !slices.Equal(got, want) && len(got)+len(want) > 0 {
				t.Fatalf("version %d: guest %d's songs at %v, want %v", k, guest, got, want)
			}
			if got := v.l.waiting(guest); got != len(want) {
				t.Fatalf("version %d: guest %d has %d waiting, want %d", k, guest, got, len(want))
			}
		}
	}
}
