package db

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func openReplicated(t *testing.T, opts ...Option) (*Store, string) {
	t.Helper()
	url := "file:" + filepath.Join(t.TempDir(), "k.db")
	return OpenForTest(t, url, append([]Option{Replication(true)}, opts...)...), url
}

func outbox(t *testing.T, s *Store) []OutboxEntry {
	t.Helper()
	b, err := s.Outbox().NextBatch(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	return b.Entries
}

// TestOutboxFollowsEveryWrite: each change to a replicated table lands in
// the outbox in the order it happened, with its values exactly.
func TestOutboxFollowsEveryWrite(t *testing.T) {
	ctx := context.Background()
	s, _ := openReplicated(t)
	if got := outbox(t, s); len(got) != 1 || got[0].Op != OpReset {
		t.Fatalf("a new replicated database queues %v, want one reset", got)
	}
	sess, _, _ := s.CreateSession(ctx, "Quiz 'n' song")
	g, _ := s.JoinSession(ctx, sess.ID, SignedDevice(t, s), "Ann")
	if _, err := s.CreateRequest(ctx, NewRequest{SessionID: sess.ID, GuestID: g.ID, Title: "Africa"}); err != nil {
		t.Fatal(err)
	}
	if err := s.EndSession(ctx, sess.ID); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range outbox(t, s)[1:] {
		if e.Table != "sessions" || len(got) == 0 || got[len(got)-1] != "upsert sessions" {
			got = append(got, e.Op+" "+e.Table) // each write also bumps its session's version
		}
	}
	// The first join creates the device key, which is replicated too, so a
	// restore from the copy brings it back; the host's End is in the
	// night's action log, written in the same transaction.
	if want := "upsert sessions|upsert server_keys|upsert guests|upsert sessions|upsert requests|upsert sessions|upsert host_actions|upsert sessions"; strings.Join(got, "|") != want {
		t.Errorf("outbox = %q, want %q", strings.Join(got, "|"), want)
	}
	// Each value is captured as SQLite's quote() writes it, which keeps its
	// type: package replica reads it back (TestParseLiteralRoundTrips).
	var row map[string]string
	if err := json.Unmarshal([]byte(outbox(t, s)[1].Row), &row); err != nil {
		t.Fatal(err)
	}
	if row["name"] != "'Quiz ''n'' song'" || row["id"] != strconv.FormatInt(sess.ID, 10) || row["ended_at"] != "NULL" {
		t.Errorf("captured session row = %v", row)
	}
	if h := row["host_secret_hash"]; !strings.HasPrefix(h, "X'") || len(h) != len("X''")+64 {
		t.Errorf("host_secret_hash captured as %s, want a blob of 32 bytes", h)
	}
}

// TestTriggersFollowTheSchema: a migration that adds a column gets a trigger
// that captures it, with the new schema version; a database opened without
// replication has no triggers and an empty outbox.
func TestTriggersFollowTheSchema(t *testing.T) {
	ctx := context.Background()
	s, _ := openReplicated(t)
	migrations, _ := Migrations()
	next := Migration{Version: migrations[len(migrations)-1].Version + 1, Name: "9999_extra.sql",
		SQL: "ALTER TABLE sessions ADD COLUMN mood TEXT NOT NULL DEFAULT 'happy'"}
	if err := s.migrate(ctx, options{}, append(migrations, next)); err != nil {
		t.Fatal(err)
	}
	if err := s.setUpReplication(ctx, replicationKeep); err != nil {
		t.Fatal(err)
	}
	s.CreateSession(ctx, "After")
	var last OutboxEntry
	s.read.QueryRowContext(ctx, `SELECT schema_step, row FROM replication_outbox ORDER BY seq DESC LIMIT 1`).Scan(&last.SchemaStep, &last.Row)
	if last.SchemaStep != len(migrations)+1 || !strings.Contains(last.Row, `"mood":"'happy'"`) {
		t.Errorf("entry after the migration = %+v, want step %d", last, len(migrations)+1)
	}
	if b := outbox(t, s); len(b) != 1 || b[0].SchemaStep != len(migrations) {
		t.Errorf("the next batch = %+v, want only the entry from before the migration", b)
	}

	_, url := openReplicated(t)
	s2 := OpenForTest(t, url, Replication(false))
	var triggers, waiting int
	s2.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'trigger'`).Scan(&triggers)
	s2.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM replication_outbox`).Scan(&waiting)
	if triggers != 0 || waiting != 0 {
		t.Errorf("with replication off: %d triggers, %d entries waiting", triggers, waiting)
	}
	if st, _ := s2.Outbox().Status(ctx); st.Enabled {
		t.Error("status says enabled")
	}
}
