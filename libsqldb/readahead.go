package libsqldb

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"strings"
	"sync"
	"unicode"
)

type readAheadKey struct{}

// ReadAhead returns a context under which a transaction begun (BeginTx
// given this context) reads ahead: its first request carries the queries
// (SELECT only) the last transaction under the same key asked before it
// wrote anything, with their arguments, and any of them asked again, with
// the same arguments, before this one writes is answered from there. A
// read transaction reads one snapshot, and a write transaction holds the
// write lock from its BEGIN, so until it writes, an answer read ahead is
// the answer. A query that was not read ahead is sent as usual. The key
// names what is done and to what ("night 12"); locally the context changes
// nothing. A key "K/more" that has no record yet reads ahead what the
// last under "K" asked (a guest's first request, what another guest's
// asked), and its record is kept under "K" too.
func ReadAhead(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, readAheadKey{}, key)
}

// reads is a transaction's record of the queries it asked before it
// wrote, and of what it read ahead.
type reads struct {
	key   string
	list  []stmt
	seen  map[string]bool
	got   map[string]result
	wrote bool // after a write, nothing read ahead is true any more
}

// fill keeps what was read ahead.
func (r *reads) fill(stmts []stmt, results []result) {
	if r == nil {
		return
	}
	r.got = make(map[string]result, len(stmts))
	for i, s := range stmts {
		r.got[s.key] = results[i]
	}
}

// asked notes a statement that ran, or that a write came.
func (r *reads) asked(s stmt) {
	switch {
	case r == nil || r.wrote:
	case !isRead(s.sql):
		r.write()
	case !r.seen[s.key]:
		r.seen[s.key] = true
		r.list = append(r.list, s)
	}
}

// answer returns the rows read ahead for a query, if it was and nothing
// has been written since.
func (r *reads) answer(query string, args []driver.NamedValue) (driver.Rows, bool) {
	if r == nil || r.got == nil {
		return nil, false
	}
	s := newStmt(query, args)
	got, ok := r.got[s.key]
	if !ok {
		return nil, false
	}
	r.asked(s)
	return &resultRows{r: got}, true
}

// keep notes a query that was sent and, while nothing has been written,
// keeps its answer, for the same query asked again.
func (r *reads) keep(s stmt, rows driver.Rows) (driver.Rows, error) {
	r.asked(s)
	if r.wrote {
		return rows, nil
	}
	defer rows.Close()
	got := result{cols: rows.Columns()}
	for {
		row := make([]driver.Value, len(got.cols))
		if err := rows.Next(row); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, err
		}
		got.rows = append(got.rows, row)
	}
	if r.got == nil {
		r.got = map[string]result{}
	}
	r.got[s.key] = got
	return &resultRows{r: got}, nil
}

// write notes that the transaction wrote (or may have: an Exec).
func (r *reads) write() {
	if r != nil {
		r.wrote, r.got = true, nil
	}
}

// isRead reports whether a statement only reads: a SELECT, or a WITH
// that names no statement that writes (a word in a string may make a read
// look like a write, never the other way round).
func isRead(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n(")
	first := q
	if n := strings.IndexFunc(q, func(r rune) bool { return !unicode.IsLetter(r) }); n >= 0 {
		first = q[:n]
	}
	switch {
	case strings.EqualFold(first, "SELECT"):
		return true
	case !strings.EqualFold(first, "WITH"):
		return false
	}
	for _, w := range strings.FieldsFunc(strings.ToUpper(q), func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r == '_')
	}) {
		switch w {
		case "INSERT", "UPDATE", "DELETE", "REPLACE":
			return false
		}
	}
	return true
}

// maxGuesses bounds the keys remembered; past it they are all forgotten.
const maxGuesses = 1000

// guesses are, by key, the statements the last read transaction under that
// key asked.
type guesses struct {
	mu sync.Mutex
	m  map[string][]stmt
}

func newGuesses() *guesses { return &guesses{m: map[string][]stmt{}} }

// plan returns the statements to send with first: it, then those asked
// last time under key.
func (g *guesses) plan(key string, first stmt) []stmt {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := []stmt{first}
	last, ok := g.m[key]
	if i := strings.LastIndexByte(key, '/'); !ok && i >= 0 {
		last = g.m[key[:i]]
	}
	for _, s := range last {
		if s.key != first.key {
			out = append(out, s)
		}
	}
	return out
}

func (g *guesses) keep(key string, asked []stmt) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.m) >= maxGuesses {
		clear(g.m)
	}
	g.m[key] = asked
	if i := strings.LastIndexByte(key, '/'); i >= 0 {
		g.m[key[:i]] = asked
	}
}
