package db

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"maps"
	"slices"
	"strings"

	"github.com/karaoke-night/karaoke/sqlitedb"
)

// The typo fallback's bounds: the words of the book a trigram of a typed
// word brings at most, the closest of them spelt out and measured, and the
// close words a typed word may stand for.
const (
	typoPostings   = 2000
	typoCandidates = 200
	typoWords      = 8
)

// typoSongs, the fallback when beginningSongs finds nothing, finds the
// songs spelt most like q: for each typed word, the songbook's words within
// a few edits of it (or of their beginning, as every word of a search is a
// prefix), found by their trigrams among the book's distinct words; then
// the songs that have a close word for every typed word that has one, or
// failing that for any, ranked by how many typed words they match and how
// closely. Every look-up is bounded, so it costs about the same in a book
// of any size.
func typoSongs(ctx context.Context, tx *sql.Tx, book int64, q string) ([]Song, error) {
	var first, last sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT (SELECT MIN(id) FROM local_song_vocab WHERE songbook_id = ?1),
		(SELECT MAX(id) FROM local_song_vocab WHERE songbook_id = ?1)`, book).Scan(&first, &last)
	if err != nil || !first.Valid {
		return nil, err
	}
	words := strings.Fields(q)
	words = words[:min(len(words), maxSearchWords)]
	near := make([]map[string]int, 0, len(words)) // a typed word's close words, by distance
	for _, w := range words {
		nearby, err := nearWords(ctx, tx, book, first.Int64, last.Int64, w)
		if err != nil {
			return nil, err
		}
		if len(nearby) > 0 {
			near = append(near, nearby)
		}
	}
	if len(near) == 0 {
		return nil, nil
	}
	found, err := songsWithWords(ctx, tx, book, near, " AND ")
	if err == nil && len(found) == 0 && len(near) > 1 {
		found, err = songsWithWords(ctx, tx, book, near, " OR ")
	}
	if err != nil {
		return nil, err
	}
	return rankByWords(near, found), nil
}

// nearWords returns the songbook's words (ids first to last) within
// maxEdits of w, with their distance: the words sharing the most trigrams
// with w, typoCandidates of them, measured by editDistance.
func nearWords(ctx context.Context, tx *sql.Tx, book, first, last int64, w string) (map[string]int, error) {
	grams := trigrams(w)
	limit := maxEdits(w)
	if len(grams) == 0 || limit == 0 {
		return nil, nil
	}
	hits := map[int64]int{}
	for _, g := range grams {
		ids, err := sqlitedb.Column[int64](ctx, tx, `SELECT rowid FROM local_vocab_trigrams
			WHERE local_vocab_trigrams MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?`, ftsString(g), first, last, typoPostings)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			hits[id]++
		}
	}
	ids := slices.SortedFunc(maps.Keys(hits), func(a, b int64) int { return cmp.Or(cmp.Compare(hits[b], hits[a]), cmp.Compare(a, b)) })
	list, err := json.Marshal(ids[:min(len(ids), typoCandidates)])
	if err != nil {
		return nil, err
	}
	candidates, err := sqlitedb.Column[string](ctx, tx, `SELECT word FROM local_song_vocab
		WHERE id IN (SELECT value FROM json_each(?)) AND songbook_id = ?`, string(list), book)
	if err != nil {
		return nil, err
	}
	type closeWord struct {
		word string
		d    int
	}
	var found []closeWord
	typed := []rune(w)
	for _, c := range candidates {
		if d := editDistance(typed, []rune(c), limit); d <= limit {
			found = append(found, closeWord{c, d})
		}
	}
	slices.SortFunc(found, func(a, b closeWord) int {
		return cmp.Or(cmp.Compare(a.d, b.d), cmp.Compare(len(a.word), len(b.word)), strings.Compare(a.word, b.word))
	})
	out := map[string]int{}
	for _, c := range found[:min(len(found), typoWords)] {
		out[c.word] = c.d
	}
	return out, nil
}

// maxEdits is how many edits a typed word may be from a word of the book:
// none for a word of three letters or fewer, one up to six, then two.
func maxEdits(w string) int {
	switch n := len([]rune(w)); {
	case n <= 3:
		return 0
	case n <= 6:
		return 1
	}
	return 2
}

// editDistance is the number of edits (a letter added, removed, changed, or
// two side by side swapped) that make typed the word or a beginning of it,
// or more than limit when it is more.
func editDistance(typed, word []rune, limit int) int {
	if len(word) > len(typed)+limit {
		word = word[:len(typed)+limit] // a longer beginning is never closer
	}
	// rows[i][j]: edits from typed[:i] to word[:j]; three rows suffice.
	prev2 := make([]int, len(word)+1)
	prev := make([]int, len(word)+1)
	cur := make([]int, len(word)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(typed); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(word); j++ {
			cost := 1
			if typed[i-1] == word[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && typed[i-1] == word[j-2] && typed[i-2] == word[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if best > limit {
			return limit + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	// The word itself or any beginning of it at least as long as typed
	// less limit: what a guest typed may be the start of a word.
	d := limit + 1
	for j := max(0, len(typed)-limit); j <= len(word); j++ {
		d = min(d, prev[j])
	}
	return d
}

// songsWithWords finds the songs of the book with a close word for each
// typed word (join " AND ") or for any (" OR "), at most 1,000.
func songsWithWords(ctx context.Context, tx *sql.Tx, book int64, near []map[string]int, join string) ([]candidate, error) {
	parts := make([]string, len(near))
	for i, words := range near {
		alternatives := make([]string, 0, len(words))
		for _, w := range slices.Sorted(maps.Keys(words)) {
			alternatives = append(alternatives, ftsString(w))
		}
		parts[i] = "(" + strings.Join(alternatives, " OR ") + ")"
	}
	return sqlitedb.Collect(ctx, tx, scanCandidate, `SELECT s.id, s.title, s.artist, s.title_key || ' ' || s.artist_key
		FROM local_song_words w CROSS JOIN songs s ON s.id = w.rowid
		WHERE local_song_words MATCH ? AND s.songbook_id = ? LIMIT 1000`, strings.Join(parts, join), book)
}

// rankByWords orders the songs found: the most typed words matched, then
// the fewest edits, then the shortest; a page of them.
func rankByWords(near []map[string]int, found []candidate) []Song {
	type ranked struct {
		candidate
		matched, edits int
	}
	all := make([]ranked, 0, len(found))
	for _, c := range found {
		r := ranked{candidate: c}
		words := strings.Fields(c.text)
		for _, nearby := range near {
			best := -1
			for _, w := range words {
				if d, ok := nearby[w]; ok && (best < 0 || d < best) {
					best = d
				}
			}
			if best >= 0 {
				r.matched++
				r.edits += best
			}
		}
		all = append(all, r)
	}
	slices.SortFunc(all, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(b.matched, a.matched), cmp.Compare(a.edits, b.edits), cmp.Compare(len(a.text), len(b.text)), cmp.Compare(a.ID, b.ID))
	})
	out := make([]Song, 0, SongsPerPage)
	for _, r := range all[:min(len(all), SongsPerPage)] {
		out = append(out, r.Song)
	}
	return out
}
