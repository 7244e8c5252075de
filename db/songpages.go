package db

import (
	"sync"

	lru "github.com/hashicorp/golang-lru/v2"
)

// songPagesKept bounds the search pages kept: a page is at most
// SongsPerPage+1 songs, about 2 KB, so the cache stays near 2 MB.
const songPagesKept = 1024

// songPageCache keeps the pages of songs that searches found lately, by
// songbook and query. A songbook never changes once imported (an import
// makes a new one), so a page found once stays true as long as its book
// lives; a book is named by its id and the moment it was made, since an id
// freed by a removal may be given again. A bar's guests type the same first
// letters all night, and the search is most of what a keystroke costs
// (BENCHMARKS.md): what a song is to tonight (waiting, sung) is not kept,
// but read on every search.
type songPageCache struct {
	once  sync.Once
	pages *lru.Cache[songPageKey, songPageEntry]
}

type songPageKey struct {
	book, created int64
	query         string // fold.Loose of what was typed
	offset        int
}

// songPageEntry is a page as the search found it; its songs are shared by
// every reader, never changed.
type songPageEntry struct {
	songs []Song
	next  int
	fuzzy bool
}

func (c *songPageCache) cache() *lru.Cache[songPageKey, songPageEntry] {
	c.once.Do(func() {
		// New fails only for a size below 1.
		c.pages, _ = lru.New[songPageKey, songPageEntry](songPagesKept)
	})
	return c.pages
}

func (c *songPageCache) get(k songPageKey) (songPageEntry, bool) { return c.cache().Get(k) }

func (c *songPageCache) put(k songPageKey, e songPageEntry) { c.cache().Add(k, e) }
