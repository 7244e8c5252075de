package handlers

import (
	"sync"

	"github.com/karaoke-night/karaoke/db"
)

// answering is the keys this process is answering a post of, and the
// answers not yet kept in the database. A post takes its key here before
// it reads the database, so two posts of one key never both act; the
// key's row is then written with the post's first write (db.WithRetapClaim)
// rather than in a write of its own, and the answer is kept after it is
// sent, so the guest waits for one commit, not three. A repeat that arrives
// meanwhile waits here, and gets the answer from here until it is kept.
type answering struct {
	mu   sync.Mutex
	keys map[string]*answer

	// Answers waiting to be kept, and whether a goroutine is keeping them
	// (see keep).
	unkept []db.KeptRetap
	saving bool
}

// answer is one key's post being answered, or answered and being kept.
type answer struct {
	done chan struct{} // closed once answered (or let go)
	kept *db.Retap     // the answer, once done; nil when the key was let go
}

// take holds id for the post being answered and reports true; or, when
// another post of it holds it, returns that post's answer (wait for done)
// and false.
func (a *answering) take(id string) (*answer, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if held, ok := a.keys[id]; ok {
		return held, false
	}
	if a.keys == nil {
		a.keys = map[string]*answer{}
	}
	held := &answer{done: make(chan struct{})}
	a.keys[id] = held
	return held, true
}

// answered gives the held id's answer to the posts waiting for it; nil
// lets the key go (its post changed nothing), and forgets it at once.
func (a *answering) answered(id string, held *answer, kept *db.Retap) {
	a.mu.Lock()
	defer a.mu.Unlock()
	held.kept = kept
	close(held.done)
	if kept == nil {
		delete(a.keys, id)
	}
}

// keep has save keep an answer in the database, then forgets its key. One
// goroutine keeps them, each time every answer that came meanwhile in one
// call: the answers of posts answered together cost the single writer one
// job (one savepoint, one wake-up) rather than one each, and no goroutine
// waits on the writer per answer.
func (a *answering) keep(kept db.KeptRetap, save func([]db.KeptRetap)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.unkept = append(a.unkept, kept)
	if !a.saving {
		a.saving = true
		go a.keepAll(save)
	}
}

// keepAll saves the answers waiting until none is left.
func (a *answering) keepAll(save func([]db.KeptRetap)) {
	for {
		a.mu.Lock()
		batch := a.unkept
		a.unkept = nil
		a.saving = len(batch) > 0
		a.mu.Unlock()
		if len(batch) == 0 {
			return
		}
		save(batch)
		a.mu.Lock()
		for _, k := range batch {
			delete(a.keys, k.ID)
		}
		a.mu.Unlock()
	}
}
