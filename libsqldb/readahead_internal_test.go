package libsqldb

import (
	"slices"
	"testing"
)

// TestIsRead: only what cannot write is read ahead.
func TestIsRead(t *testing.T) {
	for _, c := range []struct {
		sql  string
		want bool
	}{
		{"SELECT 1", true},
		{"\n\t\tselect\n\tr.id FROM requests r", true},
		{"(SELECT 1) UNION SELECT 2", true},
		{"WITH here AS (SELECT 1) SELECT * FROM here", true},
		{"WITH here AS (SELECT 1) UPDATE requests SET position = 1", false},
		{"with x(id) as (select 1)\ndelete from requests where id in x", false},
		{"WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", false},
		{"UPDATE sessions SET version = version + 1 RETURNING version", false},
		{"INSERT INTO t DEFAULT VALUES RETURNING id", false},
		{"SELECTED", false},
		{"PRAGMA foreign_keys", false},
		{"", false},
	} {
		if got := isRead(c.sql); got != c.want {
			t.Errorf("isRead(%q) = %v, want %v", c.sql, got, c.want)
		}
	}
}

// TestReadAheadFallsBackToTheShorterKey: a key "K/G" never seen reads
// ahead what "K" last asked, and what it asks is kept under both, while a
// key seen before reads ahead its own record.
func TestReadAheadFallsBackToTheShorterKey(t *testing.T) {
	g := newGuesses()
	first := newStmt("SELECT 1", nil)
	session := []stmt{newStmt("SELECT 2", nil)}
	guest := []stmt{newStmt("SELECT 3", nil)}
	keys := func(ss []stmt) (out []string) {
		for _, s := range ss {
			out = append(out, s.key)
		}
		return out
	}
	g.keep("write 7", session)
	if got, want := keys(g.plan("write 7/12", first)), keys(append([]stmt{first}, session...)); !slices.Equal(got, want) {
		t.Errorf("a new guest's key plans %q, want the session's %q", got, want)
	}
	g.keep("write 7/12", guest)
	if got, want := keys(g.plan("write 7/12", first)), keys(append([]stmt{first}, guest...)); !slices.Equal(got, want) {
		t.Errorf("the guest's key plans %q, want its own %q", got, want)
	}
	if got, want := keys(g.plan("write 7/13", first)), keys(append([]stmt{first}, guest...)); !slices.Equal(got, want) {
		t.Errorf("another new guest plans %q, want the last kept under the session %q", got, want)
	}
}
