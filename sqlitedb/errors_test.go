package sqlitedb

import (
	"context"
	"fmt"
	"testing"
)

// TestViolated breaks each kind of constraint on a real database and checks
// the error is told apart by its code, also when wrapped.
func TestViolated(t *testing.T) {
	ctx := context.Background()
	db := openTestDB(t, "", `
		CREATE TABLE parents (id INTEGER PRIMARY KEY, code TEXT UNIQUE);
		CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parents (id), n INTEGER CHECK (n > 0));
		INSERT INTO parents (id, code) VALUES (1, 'A')`)
	for _, tt := range []struct {
		name, sql string
		want      Constraint
	}{
		{"unique index", `INSERT INTO parents (id, code) VALUES (2, 'A')`, Unique},
		{"primary key", `INSERT INTO parents (id, code) VALUES (1, 'B')`, Unique},
		{"foreign key", `INSERT INTO children (parent_id, n) VALUES (99, 1)`, ForeignKey},
		{"not null", `INSERT INTO children (parent_id, n) VALUES (NULL, 1)`, NotNull},
		{"check", `INSERT INTO children (parent_id, n) VALUES (1, 0)`, Check},
		{"no table", `INSERT INTO nothing VALUES (1)`, NoConstraint},
		{"fine", `INSERT INTO children (parent_id, n) VALUES (1, 1)`, NoConstraint},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.ExecContext(ctx, tt.sql)
			if got := Violated(err); got != tt.want {
				t.Errorf("Violated(%v) = %d, want %d", err, got, tt.want)
			}
			if got := Violated(fmt.Errorf("wrapped: %w", err)); got != tt.want {
				t.Errorf("Violated of the wrapped error = %d, want %d", got, tt.want)
			}
		})
	}
	if got := Violated(fmt.Errorf("UNIQUE constraint failed: parents.code")); got != NoConstraint {
		t.Errorf("an error that only reads like SQLite's = %d, want NoConstraint", got)
	}
}
