package replica

import (
	"context"
	"testing"

	"github.com/karaoke-night/karaoke/db"
	"github.com/karaoke-night/karaoke/internal/tursotest"
)

// TestRemoteMigrations: the remote gets a migration's tables, indexes and
// data changes, recorded in its schema_migrations, but not its triggers.
func TestRemoteMigrations(t *testing.T) {
	ctx := context.Background()
	server := tursotest.Start(t)
	r, err := Open(server.URL, "")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	migrations, _ := db.Migrations()
	next := migrations[len(migrations)-1].Version + 1
	migrations = append(migrations, db.Migration{Version: next, Name: "9999_mood.sql", SQL: `
-- A column, an index, a data change and a trigger; semicolons in 'a;b'.
ALTER TABLE sessions ADD COLUMN mood TEXT NOT NULL DEFAULT 'a;b';
CREATE INDEX sessions_mood ON sessions (mood);
UPDATE sessions SET mood = 'calm' WHERE ended_at IS NOT NULL;
/* local only */ CREATE TRIGGER sessions_mood_check AFTER UPDATE ON sessions BEGIN
	UPDATE sessions SET mood = 'x' WHERE id = NEW.id AND 0;
END;`})
	if err := r.initialize(ctx); err != nil {
		t.Fatal(err)
	}
	if err := r.migrate(ctx, migrations); err != nil {
		t.Fatal(err)
	}
	st, err := r.state(ctx)
	if err != nil || len(st.Applied) != len(migrations) || !st.Applied[next] {
		t.Fatalf("remote migrations = %v, %v; want all %d", st.Applied, err, len(migrations))
	}
	q := tursotest.Open(t, server.URL)
	var triggers, indexes int
	q.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE type = 'trigger'`).Scan(&triggers)
	q.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sessions_mood'`).Scan(&indexes)
	if triggers != 0 || indexes != 1 {
		t.Errorf("remote has %d triggers (want 0) and %d sessions_mood indexes (want 1)", triggers, indexes)
	}
	if _, err := q.Exec(`INSERT INTO sessions (name, code, host_secret_hash, created_at) VALUES ('n', 'ABCD', x'00', 1)`); err != nil {
		t.Fatal(err)
	}
	var mood string
	q.QueryRow(`SELECT mood FROM sessions`).Scan(&mood)
	if mood != "a;b" {
		t.Errorf("mood default = %q", mood)
	}
	// Applied already: the second time is refused whole by schema_migrations.
	if err := r.migrate(ctx, migrations[len(migrations)-1:]); err == nil {
		t.Error("a migration applied twice was accepted")
	}
}
