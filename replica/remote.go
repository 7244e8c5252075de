// Package replica keeps a copy of the karaoke database in Turso and brings
// it back: a shipper sends the local outbox (package db) to the remote in
// ordered, atomic batches, and a restore fills a new local database from
// the remote. The local file stays the database the app reads and writes;
// Turso being slow or away never holds up a guest.
package replica

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/tursodatabase/libsql-client-go/libsql"
	"github.com/tursodatabase/libsql-client-go/sqliteparserutils"

	"github.com/karaoke-night/karaoke/db"
)

// requestTimeout bounds one request to Turso, so a server that stops
// answering mid-request is retried instead of waited on.
const requestTimeout = 30 * time.Second

// On the remote, beside the app's tables and schema_migrations, one row says
// which database writes there and the last outbox entry it applied.
const createRemoteMachinery = `BEGIN;
CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	applied_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS replication_source (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	writer     TEXT    NOT NULL,
	last_seq   INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
);
INSERT INTO replication_source (id, writer, last_seq, updated_at) VALUES (1, '', 0, 0) ON CONFLICT (id) DO NOTHING;
COMMIT`

// Remote is the Turso database the copy lives in.
type Remote struct {
	db   *sql.DB
	name string // the URL without credentials, for messages
}

// Open returns the Turso database at databaseURL (libsql://…, https://…, or
// http://host:port for a local server). authToken may be empty for a local
// server. Nothing is sent until the first call.
func Open(databaseURL, authToken string) (*Remote, error) {
	u, err := url.Parse(databaseURL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("TURSO_DATABASE_URL must look like libsql://NAME-ORG.turso.io, not %q", databaseURL)
	}
	var opts []libsql.Option
	if authToken != "" {
		opts = append(opts, libsql.WithAuthToken(authToken))
	}
	connector, err := libsql.NewConnector(databaseURL, opts...)
	if err != nil {
		return nil, fmt.Errorf("TURSO_DATABASE_URL: %w", err)
	}
	u.User, u.RawQuery = nil, ""
	return &Remote{db: sql.OpenDB(connector), name: u.String()}, nil
}

// Close lets go of the remote's connections.
func (r *Remote) Close() error { return r.db.Close() }

// String names the remote, without credentials.
func (r *Remote) String() string { return r.name }

// remoteState is what the remote says about itself.
type remoteState struct {
	Applied     map[int]bool // the migrations applied there
	Initialized bool         // replication_source exists
	Pos         db.ReplicaPosition
}

func (r *Remote) state(ctx context.Context) (remoteState, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	st := remoteState{Applied: map[int]bool{}}
	rows, err := r.db.QueryContext(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN ('schema_migrations', 'replication_source')`)
	if err != nil {
		return st, fmt.Errorf("read Turso's schema: %w", err)
	}
	have := map[string]bool{}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return st, err
		}
		have[name] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	if have["schema_migrations"] {
		rows, err := r.db.QueryContext(ctx, `SELECT version FROM schema_migrations`)
		if err != nil {
			return st, fmt.Errorf("read Turso's migrations: %w", err)
		}
		for rows.Next() {
			var v int
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return st, err
			}
			st.Applied[v] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return st, err
		}
	}
	if have["replication_source"] {
		err := r.db.QueryRowContext(ctx, `SELECT writer, last_seq FROM replication_source WHERE id = 1`).Scan(&st.Pos.Writer, &st.Pos.Seq)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return st, fmt.Errorf("read Turso's replication position: %w", err)
		}
		st.Initialized = err == nil
	}
	return st, nil
}

// Position returns how far the remote copy has got.
func (r *Remote) Position(ctx context.Context) (db.ReplicaPosition, error) {
	st, err := r.state(ctx)
	return st.Pos, err
}

// exec sends statements as one Hrana batch in one HTTP request. With
// several statements, libsql-client-go makes each step run only if the one
// before it succeeded and adds a ROLLBACK that runs when the last did not,
// and it returns the first step's error; so BEGIN; …; COMMIT either commits
// every statement or none (checked against the real server in the tests).
func (r *Remote) exec(ctx context.Context, stmts []string, args []any) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	_, err := r.db.ExecContext(ctx, strings.Join(stmts, ";\n"), args...)
	return err
}

func (r *Remote) initialize(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	if _, err := r.db.ExecContext(ctx, createRemoteMachinery); err != nil {
		return fmt.Errorf("set up replication in Turso: %w", err)
	}
	return nil
}

// migrate applies migrations to the remote in the order given, each in one
// batch with its record in schema_migrations (so one applied already is
// refused whole).
func (r *Remote) migrate(ctx context.Context, migrations []db.Migration) error {
	for _, m := range migrations {
		stmts := append([]string{"BEGIN"}, remoteStatements(m.SQL)...)
		stmts = append(stmts, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, "COMMIT")
		if err := r.exec(ctx, stmts, []any{m.Version, m.Name, time.Now().UnixMilli()}); err != nil {
			return fmt.Errorf("apply migration %s to Turso: %w", m.Name, err)
		}
	}
	return nil
}

// remoteStatements returns the statements of a migration that the remote
// runs: tables, indexes and data, but not triggers or views. Replicated rows
// already carry what a trigger did locally; run again remotely, it would do
// it twice.
func remoteStatements(migration string) []string {
	stmts, _ := sqliteparserutils.SplitStatement(migration)
	var out []string
	for _, stmt := range stmts {
		words := strings.Fields(strings.ToUpper(stripComments(stmt)))
		if len(words) == 0 {
			continue
		}
		if words[0] == "CREATE" || words[0] == "DROP" {
			kind := words[1:]
			if len(kind) > 0 && (kind[0] == "TEMP" || kind[0] == "TEMPORARY") {
				kind = kind[1:]
			}
			if len(kind) > 0 && (kind[0] == "TRIGGER" || kind[0] == "VIEW") {
				continue
			}
		}
		out = append(out, stmt)
	}
	return out
}

// stripComments drops the SQL comments leading a statement.
func stripComments(stmt string) string {
	for {
		stmt = strings.TrimSpace(stmt)
		switch {
		case strings.HasPrefix(stmt, "--"):
			_, rest, _ := strings.Cut(stmt, "\n")
			stmt = rest
		case strings.HasPrefix(stmt, "/*"):
			_, rest, _ := strings.Cut(stmt, "*/")
			stmt = rest
		default:
			return stmt
		}
	}
}

// ship applies a batch of outbox entries to the remote in one atomic Hrana
// batch. Its first statement moves the remote's position from b.Expect to
// the batch's last entry and fails (NOT NULL) unless the remote is at
// b.Expect, so a batch that was already applied, or one from a database
// that does not write here, changes nothing.
func (r *Remote) ship(ctx context.Context, b db.ReplicationBatch) error {
	last := b.Entries[len(b.Entries)-1].Seq
	stmts := []string{"BEGIN",
		`UPDATE replication_source SET last_seq = CASE WHEN last_seq = ? AND writer = ? THEN ? END, writer = ?, updated_at = ? WHERE id = 1`}
	args := []any{b.Expect.Seq, b.Expect.Writer, last, b.Writer, time.Now().UnixMilli()}
	for _, e := range b.Entries {
		switch e.Op {
		case db.OpReset:
			tables, err := e.ResetTables()
			if err != nil {
				return err
			}
			for _, t := range tables {
				stmts = append(stmts, "DELETE FROM "+db.QuoteIdent(t))
			}
		case db.OpUpsert, db.OpDelete:
			cols, vals, err := e.Values()
			if err != nil {
				return err
			}
			stmts = append(stmts, entrySQL(e, cols))
			args = append(args, vals...)
		default:
			return fmt.Errorf("outbox entry %d: unknown operation %q", e.Seq, e.Op)
		}
	}
	stmts = append(stmts, "COMMIT")
	if err := r.exec(ctx, stmts, args); err != nil {
		return fmt.Errorf("ship changes %d to %d to Turso: %w", b.Entries[0].Seq, last, err)
	}
	return nil
}

// entrySQL is an upsert by primary key (never INSERT OR REPLACE, whose
// delete would cascade to the row's children) or a delete by primary key.
func entrySQL(e db.OutboxEntry, cols []string) string {
	if e.Op == db.OpDelete {
		return fmt.Sprintf("DELETE FROM %s WHERE %s = ?", db.QuoteIdent(e.Table), db.QuoteIdent(cols[0]))
	}
	quoted := make([]string, len(cols))
	marks := make([]string, len(cols))
	var set []string
	for i, c := range cols {
		quoted[i], marks[i] = db.QuoteIdent(c), "?"
		if c != e.Key {
			set = append(set, quoted[i]+" = excluded."+quoted[i])
		}
	}
	onConflict := "DO NOTHING"
	if len(set) > 0 {
		onConflict = "DO UPDATE SET " + strings.Join(set, ", ")
	}
	return fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s) ON CONFLICT (%s) %s", db.QuoteIdent(e.Table),
		strings.Join(quoted, ", "), strings.Join(marks, ", "), db.QuoteIdent(e.Key), onConflict)
}

// pageSize is how many rows a restore reads from the remote at a time.
const pageSize = 500

// Rows reads a table from the remote, page by page in key order.
func (r *Remote) Rows(ctx context.Context, t db.ReplicatedTable, fn func(page [][]any) error) error {
	cols := make([]string, len(t.Columns))
	keyAt := -1
	for i, c := range t.Columns {
		cols[i] = db.QuoteIdent(c)
		if c == t.Key {
			keyAt = i
		}
	}
	base := fmt.Sprintf("SELECT %s FROM %s", strings.Join(cols, ", "), db.QuoteIdent(t.Name))
	order := fmt.Sprintf(" ORDER BY %s LIMIT %d", db.QuoteIdent(t.Key), pageSize)
	var after any
	for first := true; ; first = false {
		query, args := base+order, []any(nil)
		if !first {
			query, args = base+" WHERE "+db.QuoteIdent(t.Key)+" > ?"+order, []any{after}
		}
		page, err := r.page(ctx, query, args, len(cols))
		if err != nil {
			return fmt.Errorf("read %s from Turso: %w", t.Name, err)
		}
		if len(page) == 0 {
			return nil
		}
		if err := fn(page); err != nil {
			return err
		}
		if len(page) < pageSize {
			return nil
		}
		after = page[len(page)-1][keyAt]
	}
}

func (r *Remote) page(ctx context.Context, query string, args []any, width int) ([][]any, error) {
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	rows, err := r.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var page [][]any
	for rows.Next() {
		row := make([]any, width)
		ptrs := make([]any, width)
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		page = append(page, row)
	}
	return page, rows.Err()
}

// unknownMigrations returns the migrations applied to the remote that this
// program does not have: the remote's schema is newer.
func unknownMigrations(applied map[int]bool, known []db.Migration) []int {
	have := map[int]bool{}
	for _, m := range known {
		have[m.Version] = true
	}
	var out []int
	for v := range applied {
		if !have[v] {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}

// newerError is the refusal of a remote whose schema is newer.
func newerError(r *Remote, unknown []int, doing string) error {
	return fmt.Errorf("%s (it has migration %v, which this program does not) at %s: run a newer release of karaoke %s",
		ErrNewerRemote, unknown, r, doing)
}
