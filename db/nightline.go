package db

import (
	"cmp"
	"iter"
	"slices"
	"sort"
	"sync"
)

// The Night's queue is kept in chunks (a line), so that a patch (a guest's
// request, a withdrawal) makes the next version by copying the one chunk it
// touches and the list of chunks, not the whole queue: at 10,000 waiting a
// flat copy was about 2 MB a request. A chunk holds pointers to its songs,
// so its copy is 8 bytes a song rather than the song's 230: copying whole
// songs was a fifth of what a request allocated. A line is never changed
// once made, nor a song in it; every version shares the chunks it did not
// touch, and a changed song is a new entry. Beside the chunks, an
// index by guest finds a singer's songs without walking the queue, for the
// guest's own page.

// lineChunk is how many songs a chunk of a line is made with; a chunk that
// grows to twice that is split.
const lineChunk = 64

// guestBuckets is how many maps a line's index by guest is spread over, so
// a patch copies one small map and not one with a key for every singer.
const guestBuckets = 64

// entry is a waiting song as the Night shows it (req) and as placement sees
// it (its slot).
type entry struct {
	slot
	req Request
}

// lineKey is a waiting song's place in the order of the queue: by
// position, then id (loadNight's ORDER BY).
type lineKey struct {
	position float64
	id       int64
}

func (e *entry) key() lineKey { return lineKey{e.position, e.id} }

func compareKeys(a, b lineKey) int {
	return cmp.Or(cmp.Compare(a.position, b.position), cmp.Compare(a.id, b.id))
}

// line is a queue of waiting songs in order, in chunks shared between
// versions. The nil line is the empty queue. Never change one: make the
// next with insert, remove or edit.
type line struct {
	chunks [][]*entry
	// starts[k] is the index of chunks[k]'s first song; the last is the
	// line's length.
	starts []int
	// guests is, by guest (in bucket guest % guestBuckets), the keys of
	// their waiting songs in queue order.
	guests [guestBuckets]map[int64][]lineKey
	flat   *flatLine
}

// flatLine is a line's requests in one slice, made on first use.
type flatLine struct {
	once sync.Once
	reqs []Request
}

// newLine makes a line of the entries, which are in queue order.
func newLine(es []entry) *line {
	l := &line{flat: &flatLine{}}
	own := slices.Clone(es)
	for start := 0; start < len(own); start += lineChunk {
		c := make([]*entry, min(lineChunk, len(own)-start))
		for j := range c {
			c[j] = &own[start+j]
		}
		l.chunks = append(l.chunks, c)
	}
	for i := range es {
		l.indexGuest(es[i].guest, func(keys []lineKey) []lineKey { return append(keys, es[i].key()) }, false)
	}
	l.count()
	return l
}

// count sets starts from the chunks.
func (l *line) count() {
	l.starts = make([]int, len(l.chunks)+1)
	for k, c := range l.chunks {
		l.starts[k+1] = l.starts[k] + len(c)
	}
}

// indexGuest sets the guest's keys to change(keys); with copied, the
// bucket is copied first (the line's index is shared with the one before).
func (l *line) indexGuest(guest int64, change func([]lineKey) []lineKey, copied bool) {
	b := bucketOf(guest)
	m := l.guests[b]
	if m == nil || copied {
		m = make(map[int64][]lineKey, len(l.guests[b])+1)
		for g, keys := range l.guests[b] {
			m[g] = keys
		}
		l.guests[b] = m
	}
	if keys := change(m[guest]); len(keys) > 0 {
		m[guest] = keys
	} else {
		delete(m, guest)
	}
}

// len is how many songs wait.
func (l *line) len() int {
	if l == nil {
		return 0
	}
	return l.starts[len(l.chunks)]
}

// locate is the chunk holding the i-th song and its index in it.
func (l *line) locate(i int) (k, j int) {
	k = sort.Search(len(l.chunks), func(k int) bool { return l.starts[k+1] > i })
	return k, i - l.starts[k]
}

// at is the i-th song (0-based), shared: read it, never change it.
func (l *line) at(i int) *entry {
	k, j := l.locate(i)
	return l.chunks[k][j]
}

// search is the index of the first song whose key is not before key: where
// a song of that key is, or would go.
func (l *line) search(key lineKey) int {
	if l == nil {
		return 0
	}
	k := sort.Search(len(l.chunks), func(k int) bool {
		c := l.chunks[k]
		return compareKeys(c[len(c)-1].key(), key) >= 0
	})
	if k == len(l.chunks) {
		return l.len()
	}
	j, _ := slices.BinarySearchFunc(l.chunks[k], key, func(e *entry, key lineKey) int { return compareKeys(e.key(), key) })
	return l.starts[k] + j
}

// all is the line's songs in order, with their indexes.
func (l *line) all() iter.Seq2[int, *entry] {
	return func(yield func(int, *entry) bool) {
		if l == nil {
			return
		}
		for k, c := range l.chunks {
			for j := range c {
				if !yield(l.starts[k]+j, c[j]) {
					return
				}
			}
		}
	}
}

// requests is the line's requests in order, made once per line and shared.
func (l *line) requests() []Request {
	if l == nil {
		return nil
	}
	l.flat.once.Do(func() {
		l.flat.reqs = make([]Request, 0, l.len())
		for _, c := range l.chunks {
			for i := range c {
				l.flat.reqs = append(l.flat.reqs, c[i].req)
			}
		}
	})
	return l.flat.reqs
}

// songsOf is the indexes of the guest's waiting songs, in order.
func (l *line) songsOf(guest int64) []int {
	if l == nil {
		return nil
	}
	keys := l.guests[bucketOf(guest)][guest]
	out := make([]int, len(keys))
	for i, key := range keys {
		out[i] = l.search(key)
	}
	return out
}

// waiting is how many songs the guest has waiting.
func (l *line) waiting(guest int64) int {
	if l == nil {
		return 0
	}
	return len(l.guests[bucketOf(guest)][guest])
}

// next is a new version of the line sharing its chunks and index: change
// the chunks it copies only.
func (l *line) next() *line {
	out := &line{flat: &flatLine{}}
	if l != nil {
		out.chunks, out.guests = slices.Clone(l.chunks), l.guests
	}
	return out
}

// insert is the line with e at index i.
func (l *line) insert(i int, e entry) *line {
	out := l.next()
	switch {
	case len(out.chunks) == 0:
		out.chunks = [][]*entry{{&e}}
	default:
		k, j := len(out.chunks)-1, len(out.chunks[len(out.chunks)-1])
		if i < l.len() {
			k, j = l.locate(i)
		}
		old := out.chunks[k]
		c := make([]*entry, 0, len(old)+1)
		c = append(append(append(c, old[:j]...), &e), old[j:]...)
		if len(c) >= 2*lineChunk {
			out.chunks = slices.Insert(out.chunks, k+1, c[lineChunk:])
			c = c[:lineChunk:lineChunk]
		}
		out.chunks[k] = c
	}
	out.count()
	key := e.key()
	out.indexGuest(e.guest, func(keys []lineKey) []lineKey {
		at, _ := slices.BinarySearchFunc(keys, key, compareKeys)
		return slices.Insert(slices.Clone(keys), at, key)
	}, true)
	return out
}

// remove is the line without its i-th song.
func (l *line) remove(i int) *line {
	out := l.next()
	k, j := l.locate(i)
	gone := out.chunks[k][j]
	c := slices.Delete(slices.Clone(out.chunks[k]), j, j+1)
	switch {
	case len(c) < lineChunk/4 && k+1 < len(out.chunks) && len(c)+len(out.chunks[k+1]) < 2*lineChunk:
		// A chunk grown small joins the next, so that many withdrawals do
		// not leave a line of tiny chunks.
		out.chunks[k] = append(c, out.chunks[k+1]...)
		out.chunks = slices.Delete(out.chunks, k+1, k+2)
	case len(c) > 0:
		out.chunks[k] = c
	default:
		out.chunks = slices.Delete(out.chunks, k, k+1)
	}
	out.count()
	key := gone.key()
	out.indexGuest(gone.guest, func(keys []lineKey) []lineKey {
		return slices.DeleteFunc(slices.Clone(keys), func(k lineKey) bool { return k == key })
	}, true)
	return out
}

// respace is the line with the songs makeRoom moved at their new
// positions, which keep their order among the rest, so only their chunks
// and their singers' index entries are copied. A song the line does not
// hold is left out, as remove's callers leave out a song not found.
func (l *line) respace(moved []respaced) *line {
	if len(moved) == 0 || l == nil {
		return l
	}
	out := l.next()
	out.starts = l.starts
	copied := map[int]bool{}
	for _, m := range moved {
		was, now := lineKey{m.was, m.id}, lineKey{m.now, m.id}
		i := l.search(was)
		if i == l.len() || l.at(i).key() != was {
			continue
		}
		k, j := l.locate(i)
		if !copied[k] {
			out.chunks[k], copied[k] = slices.Clone(out.chunks[k]), true
		}
		e := *out.chunks[k][j]
		e.position = m.now
		out.chunks[k][j] = &e
		out.indexGuest(m.guest, func(keys []lineKey) []lineKey {
			keys = slices.Clone(keys)
			if at := slices.Index(keys, was); at >= 0 {
				keys[at] = now
			}
			return keys
		}, true)
	}
	return out
}

// edit is the line with change applied to the songs at the indexes given;
// change may not change a song's key or guest.
func (l *line) edit(indexes []int, change func(*entry)) *line {
	if len(indexes) == 0 {
		return l
	}
	out := l.next()
	copied := map[int]bool{}
	for _, i := range indexes {
		k, j := l.locate(i)
		if !copied[k] {
			out.chunks[k], copied[k] = slices.Clone(out.chunks[k]), true
		}
		e := *out.chunks[k][j]
		change(&e)
		out.chunks[k][j] = &e
	}
	out.starts = l.starts
	return out
}
