package libsqldb

import "testing"

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
